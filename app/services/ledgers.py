"""台账: the ledgers schools and the bureau keep, as Excel workbooks in the shapes of the paper forms.

- ``dropouts`` (辍学学生台账), ``returned`` (已劝返复学名册), ``not_returned`` (未返校名册): the monthly dropout
  ledger's columns (school, grade and class, name, whereabouts, responsible teacher, persuasion status, action
  taken, guardian, address, phone, reason, return progress), over the cases of the school year up to the day
  (plus older cases still open);
- ``key_targets`` (重点监测对象台账), ``visits`` (家访记录台账, the school year's finalized and draft visits);
- ``village_list`` (适龄儿童少年未在校名单): children on record who are not in school (dropped out or
  suspended), village by village and hamlet by hamlet, with the number of home visits.

Every sheet has a title, the header frozen under it and repeated on each printed page, landscape A4 fitted to
the page width, and the footer the forms carry (checker, preparer, phone, date, page x of y), both as rows
under the table and as the printed page footer. ID and phone numbers are masked unless ``reveal`` is given
(school administrators and the district only).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import nonmember
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.ages import is_compulsory_age, school_year_start
from app.domain.codes import (
    CaseOutcome,
    Code,
    DropoutReason,
    ResponsibilityRole,
    ReturnMode,
    Sex,
    StudentStatus,
    VisitPurpose,
    VisitStatus,
)
from app.domain.errors import NotFoundError, ValidationError
from app.domain.i18n import resolve_language
from app.domain.lifecycle import CaseStatus, is_open_case
from app.domain.masking import mask_id_number, mask_phone
from app.services.common import case_is_open
from app.store.models import (
    Campaign,
    DropoutCase,
    Hamlet,
    Household,
    HouseholdMember,
    KeyTarget,
    PersuasionAttempt,
    Responsibility,
    School,
    Student,
    Township,
    Village,
    Visit,
)

_CHUNK = 500
_NOT_IN_SCHOOL = (StudentStatus.DROPPED_OUT.value, StudentStatus.SUSPENDED.value)


class LedgerKind(Code):
    TABLE = nonmember(("台账", "Ledger"))
    DROPOUTS = ("dropouts", "辍学学生台账", "Dropout ledger")
    RETURNED = ("returned", "已劝返复学学生名册", "Returned students")
    NOT_RETURNED = ("not-returned", "未返校学生名册", "Students not returned")
    KEY_TARGETS = ("key-targets", "重点监测对象台账", "Key-target ledger")
    VISITS = ("visits", "家访记录台账", "Visit ledger")
    VILLAGE_LIST = ("village-list", "适龄儿童少年未在校名单", "School-age children not in school")
    ALIASES = nonmember({"not_returned": "not-returned", "key_targets": "key-targets",
                         "village_list": "village-list", "village": "village-list"})


@dataclass(frozen=True)
class Signatures:
    """The form's footer: who checked, who prepared, a phone to call back."""

    checker: str = ""
    preparer: str = ""
    phone: str = ""


@dataclass(frozen=True)
class LedgerResult:
    path: Path
    kind: LedgerKind
    rows: int


# ----------------------------------------------------------------------------- sheet helpers (shared with reports)
def title_rows(sheet: Any, title: str, subtitle: str, width: int) -> int:
    """A merged title and subtitle over ``width`` columns; returns the header's row number (3)."""
    from openpyxl.styles import Alignment, Font

    sheet.append([title])
    sheet.append([subtitle])
    last = max(1, width)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    sheet.cell(1, 1).font = Font(size=16, bold=True)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    sheet.cell(2, 1).alignment = Alignment(horizontal="center")
    sheet.row_dimensions[1].height = 26
    return 3


def header_row(sheet: Any, row: int, columns: Sequence[str]) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin")
    for number, label in enumerate(columns, start=1):
        cell = sheet.cell(row, number, label)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8E8E8")
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def finish_sheet(sheet: Any, header: int, *, widths: Sequence[float], signatures: Signatures | None = None,
                 on: date | None = None, lang: str = "zh") -> None:
    """Freeze the header, repeat it on every printed page, landscape A4 fitted to the width, the footer."""
    from openpyxl.styles import Alignment, Border, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin")
    last_row = sheet.max_row
    for row in sheet.iter_rows(min_row=header + 1, max_row=last_row, max_col=len(widths)):
        if all(cell.value is None for cell in row[1:]) and row[0].value and len(str(row[0].value)) > 30:
            continue  # a note line under the table, not a record
        for cell in row:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = sheet.cell(header + 1, 1).coordinate
    sheet.print_title_rows = f"1:{header}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    zh = lang == "zh"
    page = "第 &P 页，共 &N 页" if zh else "Page &P of &N"
    sheet.oddFooter.center.text = page
    sheet.evenFooter.center.text = page
    if signatures is not None:
        blank = "＿＿＿＿" if zh else "________"
        parts = (f"核查人：{signatures.checker or blank}", f"填表人：{signatures.preparer or blank}",
                 f"联系电话：{signatures.phone or blank}") if zh else (
            f"Checked by: {signatures.checker or blank}", f"Prepared by: {signatures.preparer or blank}",
            f"Phone: {signatures.phone or blank}")
        dated = (f"填表日期：{on}" if zh else f"Date: {on}") if on else ""
        footer = "　".join(parts)
        sheet.oddFooter.left.text = footer
        sheet.evenFooter.left.text = footer
        sheet.oddFooter.right.text = dated
        sheet.evenFooter.right.text = dated
        sheet.append([])
        sheet.append([*parts, "（盖章）" if zh else "(seal)", dated])
        sheet.cell(sheet.max_row, 1).alignment = Alignment(horizontal="left")


# ----------------------------------------------------------------------------- gathering
def _live(model: Any) -> Any:
    return model.deleted.is_(False)


def _chunks(ids: Sequence[str]) -> Any:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _say(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _label(table: type[Code], value: str | None, lang: str) -> str:
    if not value:
        return ""
    try:
        return table(value).label(lang)
    except ValueError:
        return value


def _scope_schools(session: Session, school_id: str | None, township_id: str | None) -> dict[str, str]:
    stmt = select(School.id, School.name).where(_live(School))
    if school_id:
        stmt = stmt.where(School.id == school_id)
    if township_id:
        stmt = stmt.where(School.township_id == township_id)
    found = dict(session.execute(stmt).all())
    if school_id and not found:
        raise NotFoundError(f"找不到学校（编号 {school_id}）。", f"No school with id {school_id}.")
    if township_id and session.get(Township, township_id) is None:
        raise NotFoundError(f"找不到镇/街道（编号 {township_id}）。", f"No township with id {township_id}.")
    return found


@dataclass
class _Family:
    guardian: str = ""
    address: str = ""
    phone: str = ""
    head: str = ""
    village_id: str | None = None
    hamlet_id: str | None = None


def _families(session: Session, household_ids: Sequence[str]) -> dict[str, _Family]:
    found: dict[str, _Family] = {}
    ids = sorted({h for h in household_ids if h})
    for chunk in _chunks(ids):
        for hid, head, address, phone, village, hamlet in session.execute(
                select(Household.id, Household.head_name, Household.address, Household.phone, Household.village_id,
                       Household.hamlet_id).where(Household.id.in_(chunk))):
            found[hid] = _Family(head or "", address or "", phone or "", head or "", village, hamlet)
        named: set[str] = set()
        for hid, name, phone in session.execute(
                select(HouseholdMember.household_id, HouseholdMember.name, HouseholdMember.phone)
                .where(HouseholdMember.household_id.in_(chunk), HouseholdMember.is_guardian.is_(True),
                       _live(HouseholdMember)).order_by(HouseholdMember.household_id, HouseholdMember.id)):
            family = found.get(hid)
            if family is not None and hid not in named:  # the first guardian recorded speaks for the family
                named.add(hid)
                family.guardian = name
                family.phone = phone or family.phone
    return found


def _teachers(session: Session, student_ids: Sequence[str]) -> dict[str, str]:
    """The education-line people covering each student (包生 first, then 包班)."""
    found: dict[str, list[tuple[int, str]]] = defaultdict(list)
    rank = {ResponsibilityRole.STUDENT_TEACHER.value: 0, ResponsibilityRole.CLASS_TEACHER.value: 1}
    for chunk in _chunks(sorted(set(student_ids))):
        for sid, role, name in session.execute(
                select(Responsibility.student_id, Responsibility.role, Responsibility.person_name)
                .where(Responsibility.student_id.in_(chunk), _live(Responsibility),
                       Responsibility.role.in_(list(rank)))):
            found[sid].append((rank[role], name))
    return {sid: "、".join(name for _, name in sorted(people)) for sid, people in found.items()}


def _phone(number: str, reveal: bool) -> str:
    return (number if reveal else mask_phone(number)) if number else ""


def _class(grade: int, class_name: str | None, lang: str) -> str:
    return f"{grade}年级{class_name or ''}" if lang == "zh" else f"Grade {grade} {class_name or ''}".strip()


# ----------------------------------------------------------------------------- the ledgers
_CASE_COLUMNS = (("序号", "No."), ("学校", "School"), ("年级班级", "Grade and class"), ("姓名", "Name"),
                 ("去向", "Whereabouts"), ("责任教师", "Responsible teacher"), ("劝返状态", "Persuasion status"),
                 ("采取措施", "Action taken"), ("监护人", "Guardian"), ("家庭住址", "Address"), ("联系电话", "Phone"),
                 ("辍学原因", "Reason"), ("返校进展", "Return progress"))
_CASE_WIDTHS = (6, 22, 12, 10, 16, 12, 12, 28, 10, 24, 14, 16, 28)


def _case_rows(session: Session, kind: LedgerKind, schools: dict[str, str], on: date, lang: str,
               reveal: bool) -> list[list[Any]]:
    year_start = school_year_start(on)
    rows = session.execute(
        select(DropoutCase, Student).join(Student, Student.id == DropoutCase.student_id)
        .where(_live(DropoutCase), _live(Student), DropoutCase.school_id.in_(sorted(schools)),
               DropoutCase.detected_on <= on)
        .order_by(DropoutCase.school_id, Student.grade, Student.class_name, Student.name)).all()
    chosen = []
    for case, student in rows:
        out = case.outcome is None and is_open_case(case.status)
        this_year = case.detected_on >= year_start
        if kind is LedgerKind.DROPOUTS and not (this_year or out):
            continue
        # Returned children stay on the roster while they are followed up (not closed), whatever the year.
        if kind is LedgerKind.RETURNED and not (case.outcome and CaseOutcome(case.outcome).is_return and (
                this_year or (case.outcome_on or on) >= year_start or is_open_case(case.status))):
            continue
        if kind is LedgerKind.NOT_RETURNED and not out:
            continue
        chosen.append((case, student))
    families = _families(session, [s.household_id or "" for _, s in chosen])
    teachers = _teachers(session, [s.id for _, s in chosen])
    attempts: dict[str, tuple[int, date, str | None]] = {}
    case_ids = [c.id for c, _ in chosen]
    for chunk in _chunks(case_ids):
        for case_id, number, day, result in session.execute(
                select(PersuasionAttempt.case_id, PersuasionAttempt.attempt_no, PersuasionAttempt.attempted_on,
                       PersuasionAttempt.result)
                .where(PersuasionAttempt.case_id.in_(chunk), _live(PersuasionAttempt))):
            if case_id not in attempts or number > attempts[case_id][0]:
                attempts[case_id] = (number, day, result)
    lines: list[list[Any]] = []
    for number, (case, student) in enumerate(chosen, start=1):
        family = families.get(student.household_id or "", _Family())
        last = attempts.get(case.id)
        action = "；".join(x for x in (
            case.help_given or "",
            _say(lang, f"已劝返 {last[0]} 次，最近 {last[1]}：{last[2] or ''}",
                 f"{last[0]} attempt(s), last {last[1]}: {last[2] or ''}").rstrip("：: ") if last else "") if x)
        if case.outcome:
            progress = f"{_label(CaseOutcome, case.outcome, lang)} {case.outcome_on or ''}".strip()
            if case.return_mode:
                progress += f"（{_label(ReturnMode, case.return_mode, lang)}）"
            if case.placement:
                progress += f" {case.placement}" + (_say(lang, "（已核实）", " (verified)") if case.placement_verified
                                                    else _say(lang, "（未核实）", " (not verified)"))
            if case.status == CaseStatus.CLOSED.value:
                progress += _say(lang, f"；{case.closed_on} 销号", f"; closed {case.closed_on}")
        else:
            progress = _say(lang, "未返校", "Not back")
        reason = _label(DropoutReason, case.reason, lang) + (f"（{case.reason_detail}）" if case.reason_detail else "")
        lines.append([number, schools.get(case.school_id, ""), _class(student.grade, student.class_name, lang),
                      student.name, case.whereabouts or "", teachers.get(student.id, ""),
                      _label(CaseStatus, case.status, lang), action, family.guardian or family.head, family.address,
                      _phone(family.phone, reveal), reason, progress])
    return lines


_KEY_COLUMNS = (("序号", "No."), ("学校", "School"), ("年级班级", "Grade and class"), ("姓名", "Name"), ("性别", "Sex"),
                ("身份证号", "ID number"), ("风险原因", "Risk reasons"), ("认定日期", "Flagged on"),
                ("专项活动", "Campaign"), ("家访次数", "Visits"), ("最近家访", "Last visit"),
                ("包保责任人", "Responsible"), ("监护人", "Guardian"), ("联系电话", "Phone"))
_KEY_WIDTHS = (6, 22, 12, 10, 6, 22, 24, 12, 18, 8, 12, 16, 10, 14)


def _key_target_rows(session: Session, schools: dict[str, str], on: date, lang: str, reveal: bool) -> list[list[Any]]:
    rows = session.execute(
        select(KeyTarget, Student).join(Student, Student.id == KeyTarget.student_id)
        .where(_live(KeyTarget), KeyTarget.active.is_(True), _live(Student), KeyTarget.flagged_on <= on,
               Student.school_id.in_(sorted(schools)))
        .order_by(Student.school_id, Student.grade, Student.class_name, Student.name)).all()
    campaigns = dict(session.execute(select(Campaign.id, Campaign.name)).all())
    ids = [s.id for _, s in rows]
    visits: dict[str, tuple[int, date | None]] = {}
    for chunk in _chunks(ids):
        for sid, count, last in session.execute(
                select(Visit.student_id, func.count(), func.max(Visit.visited_on))
                .where(Visit.student_id.in_(chunk), _live(Visit), Visit.visited_on <= on)
                .group_by(Visit.student_id)):
            visits[sid] = (count, last)
    families = _families(session, [s.household_id or "" for _, s in rows])
    teachers = _teachers(session, ids)
    lines: list[list[Any]] = []
    for number, (flag, student) in enumerate(rows, start=1):
        family = families.get(student.household_id or "", _Family())
        count, last_visit = visits.get(student.id, (0, None))
        lines.append([number, schools.get(student.school_id, ""), _class(student.grade, student.class_name, lang),
                      student.name, _label(Sex, student.sex, lang),
                      (student.id_number if reveal else mask_id_number(student.id_number)) if student.id_number else "",
                      "、".join(_label(DropoutReason, r, lang) for r in flag.risk_reasons),
                      flag.flagged_on.isoformat(), campaigns.get(flag.campaign_id or "", ""), count,
                      last_visit.isoformat() if last_visit else "", teachers.get(student.id, ""),
                      family.guardian or family.head, _phone(family.phone, reveal)])
    return lines


_VISIT_COLUMNS = (("序号", "No."), ("家访日期", "Date"), ("学校", "School"), ("年级班级", "Grade and class"),
                  ("学生", "Student"), ("家访目的", "Purpose"), ("走访人", "Visitors"), ("主要陪同人", "Present"),
                  ("问题诊断", "Diagnosis"), ("帮扶措施", "Help given"), ("跟进日期", "Follow-up"), ("状态", "Status"))
_VISIT_WIDTHS = (6, 12, 22, 12, 10, 12, 22, 12, 28, 28, 12, 8)


def _visit_rows(session: Session, schools: dict[str, str], on: date, lang: str) -> list[list[Any]]:
    start = school_year_start(on)
    rows = session.execute(
        select(Visit, Student.name, Student.grade, Student.class_name).join(Student, Student.id == Visit.student_id)
        .where(_live(Visit), Visit.school_id.in_(sorted(schools)), Visit.visited_on >= start, Visit.visited_on <= on)
        .order_by(Visit.visited_on, Visit.school_id, Student.grade, Student.class_name, Student.name)).all()
    lines: list[list[Any]] = []
    for number, (visit, name, grade, class_name) in enumerate(rows, start=1):
        visitors = "、".join(str(v.get("name") or "") for v in visit.visitors or ())
        status = _label(VisitStatus, visit.status, lang)
        if visit.amends_visit_id:
            status += _say(lang, "（更正）", " (correction)")
        lines.append([number, visit.visited_on.isoformat(), schools.get(visit.school_id, ""),
                      _class(grade, class_name, lang), name, _label(VisitPurpose, visit.purpose, lang), visitors,
                      visit.present_persons or "", visit.diagnosis or "", visit.help_given or "",
                      visit.follow_up_on.isoformat() if visit.follow_up_on else "", status])
    return lines


_VILLAGE_COLUMNS = (("序号", "No."), ("镇/街道", "Township"), ("村/社区", "Village"), ("屯（自然村）", "Hamlet"),
                    ("姓名", "Name"), ("出生年月", "Birth month"), ("户主", "Head of household"),
                    ("未在校原因", "Reason"), ("家访次数", "Home visits"), ("备注", "Remarks"))
_VILLAGE_WIDTHS = (6, 14, 16, 14, 10, 10, 10, 28, 8, 32)


def _village_rows(session: Session, schools: dict[str, str], on: date, lang: str, village_id: str | None,
                  township_id: str | None) -> list[list[Any]]:
    stmt = (select(Student, Household).join(Household, Student.household_id == Household.id, isouter=True)
            .where(_live(Student), Student.status.in_(_NOT_IN_SCHOOL)))
    if village_id:
        stmt = stmt.where(Household.village_id == village_id)
    elif township_id:
        # A child belongs to the township of their home; a school of the township also lists its children.
        stmt = stmt.where((Household.township_id == township_id) | Student.school_id.in_(sorted(schools)))
    else:
        stmt = stmt.where(Student.school_id.in_(sorted(schools)))
    found = session.execute(stmt).all()
    villages = {vid: (name, town) for vid, name, town in session.execute(
        select(Village.id, Village.name, Village.township_id))}
    townships = dict(session.execute(select(Township.id, Township.name)).all())
    hamlets = dict(session.execute(select(Hamlet.id, Hamlet.name)).all())
    all_schools = dict(session.execute(select(School.id, School.name)).all())
    ids = [s.id for s, _ in found]
    visits: dict[str, int] = {}
    open_cases: dict[str, DropoutCase] = {}
    for chunk in _chunks(ids):
        visits.update(session.execute(select(Visit.student_id, func.count()).where(
            Visit.student_id.in_(chunk), _live(Visit)).group_by(Visit.student_id)).all())
        for case in session.scalars(select(DropoutCase).where(
                DropoutCase.student_id.in_(chunk), _live(DropoutCase), case_is_open())):
            open_cases[case.student_id] = case

    def place(household: Household | None) -> tuple[str, str, str]:
        if household is None or household.village_id not in villages:
            return (townships.get(household.township_id or "", "") if household else "",
                    _say(lang, "（未登记村/社区）", "(no village recorded)"), "")
        name, town = villages[household.village_id]
        return townships.get(town, ""), name, hamlets.get(household.hamlet_id or "", "")

    ordered = sorted(found, key=lambda pair: (*place(pair[1]), pair[0].name))
    lines: list[list[Any]] = []
    for number, (student, household) in enumerate(ordered, start=1):
        town, village, hamlet = place(household)
        open_case = open_cases.get(student.id)
        if open_case is not None:
            reason = _label(DropoutReason, open_case.reason, lang) + (
                f"（{open_case.reason_detail}）" if open_case.reason_detail else "")
        else:
            reason = _label(StudentStatus, student.status, lang)
        remarks = [_label(StudentStatus, student.status, lang)]
        if open_case is not None:
            remarks.append(_label(CaseStatus, open_case.status, lang))
            if open_case.whereabouts:
                remarks.append(open_case.whereabouts)
        school = all_schools.get(student.school_id, "")
        remarks.append(_say(lang, f"原{school}{student.grade}年级{student.class_name or ''}",
                            f"formerly {school} grade {student.grade}"))
        if not is_compulsory_age(student.birth_date, on):
            remarks.append(_say(lang, "已不在义务教育年龄段", "outside compulsory-education age"))
        lines.append([number, town, village, hamlet, student.name, student.birth_date.isoformat()[:7],
                      household.head_name or "" if household else "", reason, visits.get(student.id, 0),
                      "；".join(r for r in remarks if r)])
    return lines


def export_ledger(session: Session, kind: LedgerKind | str, path: Path | str, *, on: date | None = None,
                  school_id: str | None = None, township_id: str | None = None, village_id: str | None = None,
                  signatures: Signatures | None = None, reveal: bool = False, lang: str | None = None,
                  progress: Callable[[str, float], None] | None = None) -> LedgerResult:
    """Write one ledger as .xlsx; an empty ledger is still written, with its header and a line saying so."""
    from openpyxl import Workbook

    from app.services.access import require_admin_session, require_reveal
    from app.services.reports import save_workbook

    require_admin_session(session, zh="导出台账", en="export ledgers")
    kind = kind if isinstance(kind, LedgerKind) else LedgerKind.parse(kind)
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValidationError(f"台账文件应以 .xlsx 结尾：{path.name}",
                              f"The ledger file must end in .xlsx: {path.name}", field="out")
    require_reveal(session, reveal, zh_action="导出", en_action="export")
    lang = resolve_language(lang)
    on = on or date.today()
    if village_id and session.get(Village, village_id) is None:
        raise NotFoundError(f"找不到村/社区（编号 {village_id}）。", f"No village with id {village_id}.")
    schools = _scope_schools(session, school_id, township_id)
    if progress is not None:
        progress("ledger", 0.1)
    columns: Sequence[tuple[str, str]]
    widths: Sequence[float]
    if kind in (LedgerKind.DROPOUTS, LedgerKind.RETURNED, LedgerKind.NOT_RETURNED):
        columns, widths = _CASE_COLUMNS, _CASE_WIDTHS
        rows = _case_rows(session, kind, schools, on, lang, reveal)
    elif kind is LedgerKind.KEY_TARGETS:
        columns, widths = _KEY_COLUMNS, _KEY_WIDTHS
        rows = _key_target_rows(session, schools, on, lang, reveal)
    elif kind is LedgerKind.VISITS:
        columns, widths = _VISIT_COLUMNS, _VISIT_WIDTHS
        rows = _visit_rows(session, schools, on, lang)
    else:
        columns, widths = _VILLAGE_COLUMNS, _VILLAGE_WIDTHS
        rows = _village_rows(session, schools, on, lang, village_id, township_id)
    if progress is not None:
        progress("ledger", 0.7)
    if village_id:
        village = session.get(Village, village_id)
        scope = village.name if village else ""
    elif school_id:
        scope = schools.get(school_id, "")
    elif township_id:
        township = session.get(Township, township_id)
        scope = township.name if township else ""
    else:
        scope = _say(lang, "全区", "District")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = kind.label(lang)[:31]
    headers = [_say(lang, zh, en) for zh, en in columns]
    first = title_rows(sheet, f"{scope}{kind.label(lang)}" if lang == "zh" else f"{scope}: {kind.label(lang)}",
                       _say(lang, f"统计截至 {on}　共 {len(rows)} 人次", f"As of {on}; {len(rows)} row(s)"),
                       len(headers))
    header_row(sheet, first, headers)
    for row in rows:
        sheet.append(row)
    if not rows:
        sheet.append([_say(lang, "（本台账截至统计日没有记录）", "(no records as of this date)")])
    finish_sheet(sheet, first, widths=widths, signatures=signatures or Signatures(), on=on, lang=lang)
    save_workbook(book, path)
    from app.services.audit import AuditAction, record_event

    detail = f"ledger_{kind.value}:revealed" if reveal else f"ledger_{kind.value}"
    record_event(session, AuditAction.EXPORTED, target=next(iter(schools)) if len(schools) == 1 else None,
                 detail=detail)
    if progress is not None:
        progress("ledger", 1.0)
    return LedgerResult(path, kind, len(rows))
