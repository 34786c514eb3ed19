"""Early warnings (预警): the rules that say a child may be slipping out of school, or a case is left alone.

Each rule is a plain function of the facts it needs and the day; it returns a :class:`Finding` (the rule,
since when, how urgent, what exactly) or None. Thresholds live in :class:`Thresholds`; each is a setting
(``warn_<name>`` in :data:`app.config.SETTINGS`), so a district can make a rule stricter or
looser without a new release.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from enum import nonmember
from typing import Any

from app.domain.ages import check_student_age
from app.domain.codes import CaseOutcome, Code, Sex, StudentStatus
from app.domain.errors import ValidationError
from app.domain.i18n import resolve_language
from app.domain.identity import parse_id_number
from app.domain.lifecycle import NOT_BACK_STATUSES, CaseStatus

FINAL_GRADE = 9  # the last year of junior middle school, when leaving early is most tempting


class WarningRule(Code):
    TABLE = nonmember(("预警类型", "Warning"))
    ABSENT = ("absent", "连续缺勤", "Absent several days in a row")
    NOT_RETURNED = ("not_returned", "开学未返校", "Not back at term start")
    STALE_CASE = ("stale_case", "劝返停滞", "No persuasion attempt for a week")
    NO_RETENTION_CHECK = ("no_retention_check", "返校后未巩固回访", "Returned, no retention check for a month")
    FINAL_YEAR_AT_RISK = ("final_year_at_risk", "毕业年级学生有辍学风险", "Final-year junior student at risk")
    PLACEMENT_UNVERIFIED = ("placement_unverified", "中职安置未核实", "Vocational placement not verified")
    KEY_TARGET_NOT_VISITED = ("key_target_not_visited", "重点监测对象本次活动未家访",
                              "Key target not visited in this campaign")
    FOLLOW_UP_OVERDUE = ("follow_up_overdue", "家访跟进逾期", "Visit follow-up overdue")
    ID_MISMATCH = ("id_mismatch", "信息与身份证号不符", "Record disagrees with its ID number")


class Severity(Code):
    TABLE = nonmember(("紧急程度", "Severity"))
    URGENT = ("urgent", "紧急", "Urgent")
    WARNING = ("warning", "预警", "Warning")
    NOTICE = ("notice", "提示", "Notice")

    @property
    def rank(self) -> int:
        return {"urgent": 0, "warning": 1, "notice": 2}[self.value]


@dataclass(frozen=True)
class Thresholds:
    """Every threshold of the rules, with its default."""

    absence_days: int = 3  # school days absent in a row before a warning
    absence_dropout_days: int = 20  # four weeks of school days in a row counts as dropout (DOMAIN.md)
    stale_case_days: int = 7  # an open case with no persuasion attempt for this long
    retention_days: int = 30  # a returned child with no retention check for this long
    placement_days: int = 14  # a vocational placement still not verified after this long
    key_target_days: int = 14  # days into a campaign before an unvisited key target is a warning
    follow_up_grace_days: int = 0  # days past a visit's follow-up date before it is overdue

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Thresholds:
        """The thresholds from a settings mapping (``warn_<name>`` keys); missing or bad values keep defaults."""
        values: dict[str, int] = {}
        for item in fields(cls):
            raw = settings.get(f"warn_{item.name}")
            if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
                values[item.name] = raw
        return cls(**values)


@dataclass(frozen=True)
class Finding:
    """One rule that fired: since when the condition holds, how urgent, and the specifics in both languages."""

    rule: WarningRule
    since: date
    severity: Severity
    detail_zh: str
    detail_en: str

    def detail(self, lang: str | None = None) -> str:
        return self.detail_zh if resolve_language(lang) == "zh" else self.detail_en


def school_days(first: date, last: date) -> int:
    """Weekdays from ``first`` to ``last``, both included (0 when last < first).

    Holidays are not known to the app, so a spell over a holiday counts a few days too many: the warning
    comes early, never late.
    """
    if last < first:
        return 0
    days = (last - first).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    start = first.weekday()
    count += sum(1 for offset in range(rest) if (start + offset) % 7 < 5)
    return count


def absence_warning(started_on: date, ended_on: date | None, *, has_open_case: bool, today: date,
                    t: Thresholds) -> Finding | None:
    """A spell of absence still going on (or ended today) long enough to matter."""
    if ended_on is not None and ended_on < today:
        return None
    days = school_days(started_on, min(ended_on or today, today))
    if days < t.absence_days:
        return None
    if days >= t.absence_dropout_days and not has_open_case:
        return Finding(WarningRule.ABSENT, started_on, Severity.URGENT,
                       f"已连续缺勤 {days} 个上学日（满四周视为辍学），请建立辍学个案并劝返",
                       f"Absent {days} school days in a row (four weeks counts as dropout): open a case")
    return Finding(WarningRule.ABSENT, started_on, Severity.WARNING if days < t.absence_dropout_days
                   else Severity.NOTICE, f"已连续缺勤 {days} 个上学日", f"Absent {days} school days in a row")


def not_returned_warning(checked_on: date, reason: str | None, *, has_case: bool) -> Finding | None:
    """A return check said "not back" and no case was opened after it."""
    if has_case:
        return None
    why_zh = f"（{reason}）" if reason else ""
    why_en = f" ({reason})" if reason else ""
    return Finding(WarningRule.NOT_RETURNED, checked_on, Severity.URGENT,
                   f"{checked_on} 返校核查未返校{why_zh}，尚未建立辍学个案",
                   f"Not back at the return check on {checked_on}{why_en}; no case opened yet")


def stale_case_warning(status: CaseStatus, detected_on: date, last_attempt: date | None, *, today: date,
                       t: Thresholds) -> Finding | None:
    """An open case nobody has gone to persuade for ``stale_case_days``."""
    if status not in NOT_BACK_STATUSES:
        return None
    since = max(last_attempt or detected_on, detected_on)
    days = (today - since).days
    if days < t.stale_case_days:
        return None
    if last_attempt is None:
        return Finding(WarningRule.STALE_CASE, since, Severity.URGENT,
                       f"个案建立 {days} 天，还没有劝返记录", f"Case opened {days} days ago with no persuasion attempt")
    return Finding(WarningRule.STALE_CASE, since, Severity.WARNING,
                   f"最近一次劝返在 {days} 天前（{last_attempt}）", f"Last persuasion attempt {days} days ago "
                   f"({last_attempt})")


def retention_warning(status: CaseStatus, outcome: CaseOutcome | None, outcome_on: date | None,
                      last_check: date | None, *, today: date, t: Thresholds) -> Finding | None:
    """A child back in education not seen by a retention check for ``retention_days``."""
    if status is not CaseStatus.RESOLVED or outcome is None or outcome_on is None or not outcome.is_return:
        return None
    since = max(last_check or outcome_on, outcome_on)
    days = (today - since).days
    if days < t.retention_days:
        return None
    if last_check is None or last_check < outcome_on:
        return Finding(WarningRule.NO_RETENTION_CHECK, since, Severity.WARNING,
                       f"「{outcome.zh}」已 {days} 天，还没有巩固回访",
                       f'"{outcome.en}" {days} days ago and no retention check yet')
    return Finding(WarningRule.NO_RETENTION_CHECK, since, Severity.WARNING,
                   f"上次巩固回访在 {days} 天前（{last_check}）",
                   f"Last retention check {days} days ago ({last_check})")


def placement_warning(status: CaseStatus, outcome: CaseOutcome | None, outcome_on: date | None, verified: bool,
                      placement: str | None, *, today: date, t: Thresholds) -> Finding | None:
    """A vocational placement not verified: the fake return the summer campaign warns about."""
    if status is not CaseStatus.RESOLVED or outcome is None or outcome_on is None:
        return None
    if not outcome.needs_verification or verified:
        return None
    days = (today - outcome_on).days
    if days < t.placement_days:
        return None
    where = placement or "?"
    return Finding(WarningRule.PLACEMENT_UNVERIFIED, outcome_on, Severity.URGENT,
                   f"安置到「{where}」已 {days} 天，尚未核实是否真正就读",
                   f'Placed at "{where}" {days} days ago; not verified that the student attends')


def final_year_warning(grade: int, status: StudentStatus, *, key_target_since: date | None,
                       absent_since: date | None) -> Finding | None:
    """A grade-9 student who is a key target or is absent: the summer campaign watches them until graduation."""
    if grade != FINAL_GRADE or status is not StudentStatus.IN_SCHOOL:
        return None
    if key_target_since is None and absent_since is None:
        return None
    reasons_zh, reasons_en = [], []
    if key_target_since is not None:
        reasons_zh.append("重点监测对象")
        reasons_en.append("key target")
    if absent_since is not None:
        reasons_zh.append(f"{absent_since} 起缺勤")
        reasons_en.append(f"absent since {absent_since}")
    since = min(d for d in (key_target_since, absent_since) if d is not None)
    return Finding(WarningRule.FINAL_YEAR_AT_RISK, since, Severity.WARNING,
                   "九年级学生：" + "、".join(reasons_zh) + "，防止毕业前流失",
                   "Grade 9: " + ", ".join(reasons_en) + "; keep them until graduation")


def key_target_warning(flagged_on: date, campaign_name: str, campaign_start: date, *, visited: bool, today: date,
                       t: Thresholds) -> Finding | None:
    """An active key target with no visit in the running campaign, ``key_target_days`` into it."""
    if visited:
        return None
    since = max(flagged_on, campaign_start)
    days = (today - since).days
    if days < t.key_target_days:
        return None
    return Finding(WarningRule.KEY_TARGET_NOT_VISITED, since, Severity.WARNING,
                   f"「{campaign_name}」已进行 {days} 天，这名重点监测对象还没有家访记录",
                   f'"{campaign_name}" has run {days} days and this key target has no visit yet')


def follow_up_warning(follow_up_on: date, plan: str | None, *, today: date, t: Thresholds) -> Finding | None:
    """A visit's follow-up date passed with no later visit."""
    days = (today - follow_up_on).days
    if days <= t.follow_up_grace_days:
        return None
    what_zh = f"：{plan}" if plan else ""
    what_en = f": {plan}" if plan else ""
    return Finding(WarningRule.FOLLOW_UP_OVERDUE, follow_up_on, Severity.WARNING if days < 14 else Severity.URGENT,
                   f"家访跟进日期 {follow_up_on} 已过 {days} 天{what_zh}",
                   f"The visit's follow-up date {follow_up_on} passed {days} days ago{what_en}")


def id_mismatch_warning(id_number: str, *, birth_date: date, sex: Sex, grade: int, status: StudentStatus,
                        today: date) -> Finding | None:
    """A record that disagrees with its own ID number: birth date, sex, or an age that cannot fit the grade.

    Entry checks all three; a mismatch appears later, when two laptops edit the ID number and the birth date
    apart and sync merges the fields, or when a grade is not moved on for years.
    """
    try:
        info = parse_id_number(id_number, today=today)
    except ValidationError as exc:
        return Finding(WarningRule.ID_MISMATCH, today, Severity.WARNING, exc.zh, exc.en)
    problems_zh, problems_en = [], []
    if info.birth_date != birth_date:
        problems_zh.append(f"身份证号显示出生日期 {info.birth_date}，记录为 {birth_date}")
        problems_en.append(f"the ID number gives birth date {info.birth_date}, the record {birth_date}")
    if info.sex is not sex:
        problems_zh.append(f"身份证号显示性别「{info.sex.zh}」，记录为「{sex.zh}」")
        problems_en.append(f"the ID number gives sex {info.sex.en}, the record {sex.en}")
    if status is StudentStatus.IN_SCHOOL:
        try:
            check_student_age(info.birth_date, grade, today)
        except ValidationError as exc:
            problems_zh.append(exc.zh)
            problems_en.append(exc.en)
    if not problems_zh:
        return None
    return Finding(WarningRule.ID_MISMATCH, today, Severity.NOTICE, "；".join(problems_zh), "; ".join(problems_en))
