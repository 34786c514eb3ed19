"""The bureau's read-only dashboard: per campaign, per school and township, from the materialised copy.

Figures (all counted from the records the laptops synced, over the records of the schools the user sees):
- visits done: finalized home visits of the campaign;
- key targets: students flagged in the campaign and still active, and how many of them were visited;
- open cases: dropout cases not closed (now), by the one rule of :mod:`app.domain.lifecycle` the laptops'
  start page and ledgers count by (a resolved case stays open while its retention follow-ups go on);
- persuaded back: cases whose outcome returned the child to education within the campaign's dates;
- warnings: the app's own warning rules (:func:`app.services.warnings.find_warnings`: absences, non-returners,
  stalled cases, returns without a retention check, unverified placements, final-year risk, key targets not
  visited, overdue follow-ups...), the same the laptops' warning page shows;
- dropout rate (辍学率): dropouts registered since the school year began (:func:`app.domain.ages.school_year_start`)
  ÷ students on the roll (a dropout keeps the registry record, so the roll stands for the enrolment at the start
  of the year);
- retention rate (巩固率, 在籍口径): students on the roll who are not dropped out ÷ students on the roll. The
  counties' cohort formula needs intake figures of six and three years ago, which the records do not hold;
  the page says which basis it uses.
"""

from __future__ import annotations

import html
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.domain.ages import school_year_start
from app.domain.codes import CaseOutcome, RegistryChangeType, StudentStatus, VisitStatus
from app.services.common import case_is_open
from app.services.warnings import find_warnings
from app.store.models import (
    Campaign,
    DropoutCase,
    KeyTarget,
    RegistryChange,
    School,
    Student,
    Township,
    Visit,
)

log = logging.getLogger("jiafang.server")
T = TypeVar("T")
Counts = dict[str, int]  # per school id
FourCounts = tuple[Counts, Counts, Counts, Counts]
NO_COUNTS: FourCounts = ({}, {}, {}, {})

ON_ROLL = (StudentStatus.IN_SCHOOL.value, StudentStatus.HOME_TEACHING.value, StudentStatus.SUSPENDED.value,
           StudentStatus.DROPPED_OUT.value)
RETURN_OUTCOMES = tuple(o.value for o in CaseOutcome if o.is_return)


@dataclass
class Line:
    """One school, one township, or the district."""

    name: str
    township: str = ""
    students: int = 0
    dropped_out: int = 0
    dropouts_this_year: int = 0
    visits: int = 0
    key_targets: int = 0
    key_targets_visited: int = 0
    open_cases: int = 0
    persuaded_back: int = 0
    warnings: int = 0

    def add(self, other: Line) -> None:
        for name in ("students", "dropped_out", "dropouts_this_year", "visits", "key_targets", "key_targets_visited",
                     "open_cases", "persuaded_back", "warnings"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def dropout_rate(self) -> float | None:
        return None if not self.students else 100.0 * self.dropouts_this_year / self.students

    @property
    def retention_rate(self) -> float | None:
        return None if not self.students else min(100.0, 100.0 * (self.students - self.dropped_out) / self.students)


@dataclass
class Figures:
    campaigns: list[tuple[str, str]]  # (code, name)
    campaign: tuple[str, str] | None
    schools: list[Line] = field(default_factory=list)
    townships: list[Line] = field(default_factory=list)
    total: Line = field(default_factory=lambda: Line("合计 Total"))
    as_of_cursor: int = 0
    unavailable: list[str] = field(default_factory=list)  # parts that could not be computed (logged), for the note


#: The page's parts, as its note names them when one could not be computed.
PART_NAMES = {"warnings": ("预警", "warnings"), "counts": ("在籍、辍学与个案", "roll, dropouts and cases"),
              "campaign": ("专项行动的家访与劝返", "the campaign's visits and returns")}


def _part(session: Session, figures: Figures, part: str, work: Callable[[], T], fallback: T) -> T:
    """One part of the figures; a part that fails (a record no check caught) is logged and left out, so
    the page shows everything else instead of answering 500 to everyone."""
    try:
        return work()
    except Exception:  # noqa: BLE001 - any failure of one part; the log keeps the traceback for the technician
        log.exception("the dashboard could not compute its %s", part)
        session.rollback()
        figures.unavailable.append(part)
        return fallback


def _app_warnings(session: Session, *, today: date, school_id: str | None) -> Counts:
    """Warnings per school by the app's own rules (the laptops' "预警" page counts the same)."""
    counts: Counts = defaultdict(int)
    for warning in find_warnings(session, today=today, school_id=school_id):
        counts[warning.school_id] += 1
    return counts


def _count_by(session: Session, column: Any, *where: Any, select_from: Any = None) -> dict[str, int]:
    stmt = select(column, func.count()).group_by(column)
    if select_from is not None:
        stmt = stmt.select_from(select_from)
    return {k: int(v) for k, v in session.execute(stmt.where(*where)).all()}


def compute(session: Session, *, campaign_code: str | None, school_id: str | None, today: date) -> Figures:
    """The dashboard's figures; ``school_id`` limits them to one school (a school user's view)."""
    campaigns = [(c.code, c.name) for c in session.scalars(
        select(Campaign).where(Campaign.deleted.is_(False)).order_by(Campaign.starts_on.desc()))]
    chosen = None
    if campaigns:
        by_code = {code: name for code, name in campaigns}
        if campaign_code in by_code:
            chosen = (campaign_code, by_code[campaign_code])
        else:
            current = session.scalars(select(Campaign).where(
                Campaign.deleted.is_(False), Campaign.starts_on <= today, Campaign.ends_on >= today)).first()
            chosen = (current.code, current.name) if current else campaigns[0]
    figures = Figures(campaigns, chosen)
    no_warnings: Counts = {}
    app_warnings = _part(session, figures, "warnings",
                         lambda: _app_warnings(session, today=today, school_id=school_id), no_warnings)
    camp = session.scalars(select(Campaign).where(Campaign.code == chosen[0])).first() if chosen else None

    schools_q = select(School).where(School.deleted.is_(False)).order_by(School.name)
    if school_id:
        schools_q = schools_q.where(School.id == school_id)
    schools = list(session.scalars(schools_q))
    townships = {t.id: t.name for t in session.scalars(select(Township))}
    warnings: dict[str, int] = defaultdict(int, app_warnings)

    def counts() -> FourCounts:
        live_student = and_(Student.deleted.is_(False))
        students = _count_by(session, Student.school_id, live_student, Student.status.in_(ON_ROLL))
        dropped = _count_by(session, Student.school_id, live_student,
                            Student.status == StudentStatus.DROPPED_OUT.value)
        year_dropouts = _count_by(
            session, Student.school_id, RegistryChange.deleted.is_(False),
            RegistryChange.change_type == RegistryChangeType.DROPOUT.value,
            RegistryChange.effective_on >= school_year_start(today),
            select_from=RegistryChange.__table__.join(Student.__table__, Student.id == RegistryChange.student_id))
        open_cases = _count_by(session, DropoutCase.school_id, DropoutCase.deleted.is_(False), case_is_open())
        return students, dropped, year_dropouts, open_cases

    students, dropped, year_dropouts, open_cases = _part(session, figures, "counts", counts, NO_COUNTS)

    def campaign_counts() -> FourCounts:
        visits: dict[str, int] = {}
        targets: dict[str, int] = {}
        visited_targets: dict[str, int] = {}
        persuaded: dict[str, int] = {}
        if camp is not None:
            visits = _count_by(session, Visit.school_id, Visit.deleted.is_(False), Visit.campaign_id == camp.id,
                               Visit.status == VisitStatus.FINALIZED.value)
            target_rows = session.execute(
                select(Student.school_id, KeyTarget.student_id).join(Student, Student.id == KeyTarget.student_id)
                .where(KeyTarget.deleted.is_(False), KeyTarget.active.is_(True),
                       KeyTarget.campaign_id == camp.id)).all()
            seen = set(session.scalars(select(Visit.student_id).where(
                Visit.deleted.is_(False), Visit.campaign_id == camp.id, Visit.status == VisitStatus.FINALIZED.value)))
            for school, student in target_rows:
                targets[school] = targets.get(school, 0) + 1
                if student in seen:
                    visited_targets[school] = visited_targets.get(school, 0) + 1
            persuaded = _count_by(session, DropoutCase.school_id, DropoutCase.deleted.is_(False),
                                  DropoutCase.outcome.in_(RETURN_OUTCOMES),
                                  DropoutCase.outcome_on >= camp.starts_on, DropoutCase.outcome_on <= camp.ends_on)
        return visits, targets, visited_targets, persuaded

    visits, targets, visited_targets, persuaded = _part(session, figures, "campaign", campaign_counts,
                                                        NO_COUNTS)
    by_township: dict[str, Line] = {}
    for school in schools:
        township = townships.get(school.township_id or "", "")
        line = Line(school.name, township, students.get(school.id, 0), dropped.get(school.id, 0),
                    year_dropouts.get(school.id, 0), visits.get(school.id, 0), targets.get(school.id, 0),
                    visited_targets.get(school.id, 0), open_cases.get(school.id, 0), persuaded.get(school.id, 0),
                    warnings.get(school.id, 0))
        figures.schools.append(line)
        by_township.setdefault(township, Line(township or "（未填乡镇）")).add(line)
        figures.total.add(line)
    figures.townships = [by_township[name] for name in sorted(by_township)]
    return figures


# ----------------------------------------------------------------------------- HTML
_STYLE = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;margin:0;color:#1c1b1f}
header{background:#1f4e79;color:#fff;padding:10px 20px;display:flex;justify-content:space-between;align-items:center}
header form{margin:0} header button{background:none;border:1px solid #fff;color:#fff;padding:4px 10px;cursor:pointer}
main{padding:16px 20px} h2{font-size:18px;margin:20px 0 8px} .en{color:#666;font-size:12px;font-weight:normal}
table{border-collapse:collapse;font-size:14px} th,td{border:1px solid #ccd;padding:4px 8px;text-align:right}
th{background:#eef2f7} td:first-child,th:first-child,td.text{text-align:left} tr.total td{font-weight:bold}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{border:1px solid #ccd;border-radius:6px;padding:10px 16px;min-width:130px}
.card b{display:block;font-size:24px} .warn{color:#b3261e} .note{color:#555;font-size:12px;max-width:900px}
.login{max-width:320px;margin:80px auto;border:1px solid #ccd;border-radius:8px;padding:24px}
.login input{width:100%;margin:4px 0 12px;padding:6px;box-sizing:border-box} .error{color:#b3261e}
"""


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STYLE}</style></head>'
            f"<body>{body}</body></html>")


def login_page(error: str | None = None, *, next_url: str = "/") -> str:
    message = f'<p class="error" id="error">{html.escape(error)}</p>' if error else ""
    return _page("家访通 · 登录", f"""
<form class="login" method="post" action="/login">
<h1>家访通 控辍保学看板<br><span class="en">Jiafang district dashboard</span></h1>{message}
<label>用户名 <span class="en">User name</span><input name="username" id="username" autocomplete="username"></label>
<label>密码 <span class="en">Password</span><input name="password" id="password" type="password"
 autocomplete="current-password"></label>
<input type="hidden" name="next" value="{html.escape(next_url)}">
<button type="submit" id="login">登录 Sign in</button></form>""")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


def _row(line: Line, *, first: str, missing: frozenset[str] = frozenset(), extra: str = "", css: str = "") -> str:
    counts, campaign, warnings = ("counts" in missing, "campaign" in missing, "warnings" in missing)
    warn = ' class="warn"' if line.warnings and not warnings else ""
    cells = (_or_dash(line.students, counts), _or_dash(line.visits, campaign),
             _or_dash(f"{line.key_targets_visited}/{line.key_targets}", campaign), _or_dash(line.open_cases, counts),
             _or_dash(line.persuaded_back, campaign))
    return (f'<tr{css}><td class="text">{first}</td>{extra}' + "".join(f"<td>{c}</td>" for c in cells) +
            f"<td{warn}>{_or_dash(line.warnings, warnings)}</td><td>{_or_dash(_pct(line.dropout_rate), counts)}</td>"
            f"<td>{_or_dash(_pct(line.retention_rate), counts)}</td></tr>")


def _or_dash(value: object, unavailable: bool) -> str:
    """A figure, or a dash where its part could not be computed (a 0 there would be a false figure)."""
    return "—" if unavailable else str(value)


_HEAD = ("<th>在籍学生<br><span class=en>On roll</span></th><th>家访完成<br><span class=en>Visits done</span></th>"
         "<th>重点对象已访/总数<br><span class=en>Key targets visited</span></th>"
         "<th>未结个案<br><span class=en>Open cases</span></th>"
         "<th>劝返成功<br><span class=en>Persuaded back</span></th>"
         "<th>预警<br><span class=en>Warnings</span></th><th>辍学率<br><span class=en>Dropout rate</span></th>"
         "<th>巩固率<br><span class=en>Retention</span></th>")


def _unavailable_note(figures: Figures) -> str:
    if not figures.unavailable:
        return ""
    zh = "、".join(PART_NAMES[p][0] for p in figures.unavailable)
    en = ", ".join(PART_NAMES[p][1] for p in figures.unavailable)
    return (f'<p class="warn" id="unavailable">有些数字暂时无法计算，未显示：{html.escape(zh)}（原因已记入服务器日志，'
            f'请联系技术人员）。<span class="en">Some figures could not be computed and are not shown: '
            f'{html.escape(en)} (the server log says why; contact your technician).</span></p>')


def dashboard_page(figures: Figures, *, user_name: str, scope_label: str) -> str:
    options = "".join(
        f'<option value="{html.escape(code)}"{" selected" if figures.campaign and code == figures.campaign[0] else ""}>'
        f"{html.escape(name)}</option>" for code, name in figures.campaigns)
    campaign_name = html.escape(figures.campaign[1]) if figures.campaign else "（尚无专项行动 no campaign yet）"
    total = figures.total
    missing = frozenset(figures.unavailable)
    cards = "".join(f'<div class="card" id="card-{key}"><b>{_or_dash(value, part in missing)}</b>{label}</div>'
                    for key, part, value, label in (
        ("visits", "campaign", total.visits, "家访完成 <span class=en>visits done</span>"),
        ("targets", "campaign", f"{total.key_targets_visited}/{total.key_targets}",
         "重点对象已访 <span class=en>key targets visited</span>"),
        ("open", "counts", total.open_cases, "未结个案 <span class=en>open cases</span>"),
        ("back", "campaign", total.persuaded_back, "劝返成功 <span class=en>persuaded back</span>"),
        ("warnings", "warnings", total.warnings, "预警 <span class=en>warnings</span>"),
        ("dropout", "counts", _pct(total.dropout_rate), "辍学率 <span class=en>dropout rate</span>"),
        ("retention", "counts", _pct(total.retention_rate), "巩固率 <span class=en>retention</span>")))
    township_rows = "".join(_row(t, first=html.escape(t.name), missing=missing) for t in figures.townships)
    school_rows = "".join(_row(s, first=html.escape(s.name), missing=missing,
                               extra=f'<td class="text">{html.escape(s.township)}</td>') for s in figures.schools)
    body = f"""
<header><div>家访通 控辍保学看板
<span class="en" style="color:#cde">Jiafang dashboard · {html.escape(scope_label)}</span></div>
<form method="post" action="/logout"><span id="user">{html.escape(user_name)}</span>
<button type="submit" id="logout">退出 Sign out</button></form></header>
<main><form method="get" action="/">专项行动 <span class="en">Campaign</span>
<select name="campaign" id="campaign" onchange="this.form.submit()">{options}</select></form>
<h2 id="campaign-name">{campaign_name}</h2>{_unavailable_note(figures)}<div class="cards">{cards}</div>
<h2>按乡镇（街道） <span class="en">By township</span></h2>
<table id="townships"><tr><th>乡镇 <span class=en>Township</span></th>{_HEAD}</tr>{township_rows}
{_row(total, first="合计 Total", missing=missing, css=' class="total"')}</table>
<h2>按学校 <span class="en">By school</span></h2>
<table id="schools"><tr><th>学校 <span class=en>School</span></th><th>乡镇 <span class=en>Township</span></th>{_HEAD}
</tr>{school_rows}</table>
<p class="note">家访完成、重点对象、劝返成功按所选专项行动统计；未结个案与预警为当前状态。
预警按家访通的预警规则统计（与各校电脑上的“预警”一致）。
辍学率＝本学年登记辍学人数 ÷ 在籍学生；巩固率（在籍口径）＝（在籍学生 − 辍学）÷ 在籍学生（上限 100%）。
数据截至服务器第 {figures.as_of_cursor} 条变更。<br>
<span class="en">Visits, key targets and persuaded back count the chosen campaign; open cases and warnings are as
of now. Dropout rate = dropouts registered this school year ÷ students on the roll; retention (roll basis) = (on roll −
dropped out) ÷ on roll, at most 100%. As of the server's change no. {figures.as_of_cursor}.</span></p></main>"""
    return _page("家访通 控辍保学看板", body)
