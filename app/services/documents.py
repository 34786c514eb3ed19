"""Printing: gathering what each document needs from the records, and handing the PDF to the caller.

The ``*_data`` functions read the records and return the plain data classes of :mod:`app.documents.data`
(re-exported here); the renderers in :mod:`app.documents` draw only that, so a document can print nothing it
was not handed. ID, student and phone numbers and disability details are masked here (the rules of
:mod:`app.domain.masking`) unless ``reveal`` is passed, and only a school administrator or the district may pass
it (:func:`app.services.access.reveal_allowed`: teachers never see full ID numbers).

The ``*_pdf`` functions are what the desktop app and the command line call: they return a
:class:`RenderedDocument` (``.pdf`` bytes, page count, characters no font had) or write files, and each calls
:func:`record_print`, which writes the print to the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.documents import (
    BatchResult,
    render_case_file,
    render_exemption,
    render_village_list,
    render_visit_sheets,
    write_visit_batch,
)
from app.documents.data import (
    EXEMPTION_CAUSES,
    EXEMPTION_KINDS,
    AttemptLine,
    CaseFileData,
    CoverageLine,
    ExemptionData,
    FollowUpLine,
    HouseholdInfo,
    MemberLine,
    PersonLine,
    Picture,
    Printing,
    RenderedDocument,
    StudentInfo,
    VillageListData,
    VillageRow,
    VisitSheetData,
)
from app.documents.render import NothingToPrint
from app.domain.ages import age_on
from app.domain.codes import (
    CaseOutcome,
    DisabilityGrade,
    DisabilityType,
    DropoutReason,
    Ethnicity,
    LeftBehind,
    ResponsibilityRole,
    ReturnMode,
    Sex,
    StudentStatus,
    VisitorRole,
    VisitStatus,
)
from app.domain.errors import NotFoundError, ValidationError
from app.domain.lifecycle import CaseStatus
from app.domain.masking import mask_disability, mask_id_number, mask_phone, mask_student_number
from app.domain.progress import IsCancelled, Progress
from app.services import access, cases, responsibility, roster, visits
from app.services.campaigns import find_campaign
from app.services.common import get
from app.store import oplog
from app.store.ids import uuid7
from app.store.models import (
    Blob,
    Campaign,
    DropoutCase,
    Hamlet,
    Household,
    School,
    Student,
    Township,
    User,
    Village,
    Visit,
)

__all__ = [
    "CaseFileData", "ExemptionData", "RenderedDocument", "VillageListData", "VisitSheetData",
    "blank_pdf", "blank_sheet_data", "campaign_pdfs", "campaign_visit_ids", "case_file_data", "case_pdf",
    "exemption_data", "exemption_pdf", "record_print", "sheet_number", "village_list_data",
    "village_pdf", "visit_pdf", "visit_sheet_data",
]

# Sheet-number prefixes: visit (and the blank sheet that becomes one), case, exemption, village list.
VISIT, CASE, EXEMPTION, VILLAGE = "V", "C", "E", "L"
#: The QR code of a blank sheet: the id its visit record will carry, and the student it is for.
QR_PREFIX = "jiafang://visit/"
_NOT_IN_SCHOOL = (StudentStatus.DROPPED_OUT.value, StudentStatus.SUSPENDED.value)


# ----------------------------------------------------------------------------- the audit hook
def record_print(session: Session, *, document: str, record_ids: Sequence[str], revealed: bool) -> None:
    """Audit a print (DESIGN: every print is audited): one event per record printed, in the caller's
    transaction, naming the document kind and whether full numbers and disability details were shown."""
    from app.services.audit import AuditAction, record_event

    detail = f"{document}:revealed" if revealed else document
    targets: list[str | None] = list(record_ids) or [None]
    for record_id in targets:
        record_event(session, AuditAction.PRINTED, target=record_id, detail=detail)


# ----------------------------------------------------------------------------- shared pieces
def _check_reveal(session: Session, reveal: bool) -> None:
    access.require_reveal(session, reveal, zh_action="打印", en_action="print")


def sheet_number(kind: str, record_id: str) -> str:
    """The number printed on a sheet: kind and the last 8 hex digits of the record id ("V-8F3A-2C91").

    The tail of a UUIDv7 is its random part, so it is unique in practice and short enough to type into search.
    """
    tail = record_id.replace("-", "").upper()[-8:]
    return f"{kind}-{tail[:4]}-{tail[4:]}"


def _printing(session: Session, printed_by: str | None, now: datetime | None) -> Printing:
    if printed_by is None:
        user_id = session.info.get(oplog.USER_KEY)
        user = session.get(User, user_id) if user_id else None
        printed_by = user.display_name if user is not None else "—"
    moment = (now or datetime.now()).astimezone()
    return Printing(printed_by=printed_by, printed_at=moment.strftime("%Y-%m-%d %H:%M"))


def _phone(number: str | None, reveal: bool) -> str:
    if not number:
        return ""
    return number if reveal else mask_phone(number)


def _id(number: str | None, reveal: bool) -> str:
    if not number:
        return ""
    return number if reveal else mask_id_number(number)


def _student_number(number: str | None, reveal: bool) -> str:
    if not number:
        return ""
    return number if reveal else mask_student_number(number)


def _disability(student: Student, reveal: bool) -> str:
    text = " ".join(x for x in (_label(DisabilityType, student.disability_type),
                                _label(DisabilityGrade, student.disability_grade)) if x)
    # Documents are printed in Chinese whatever the interface language.
    return text if reveal else mask_disability(text, "zh")


def _label(table: type, value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(table(value).zh)
    except ValueError:
        return value


def grade_label(grade: int, class_name: str | None) -> str:
    return f"{grade}年级{class_name or ''}"


def _student_info(session: Session, student: Student, *, reveal: bool, today: date) -> StudentInfo:
    school = session.get(School, student.school_id)
    return StudentInfo(
        id=student.id, name=student.name, sex=_label(Sex, student.sex),
        birth_date=student.birth_date.isoformat(), age=f"{age_on(student.birth_date, today)}岁",
        ethnicity=_label(Ethnicity, student.ethnicity), id_number=_id(student.id_number, reveal),
        student_number=_student_number(student.student_number, reveal), school=school.name if school else "",
        grade_class=grade_label(student.grade, student.class_name), status=_label(StudentStatus, student.status),
        left_behind=_label(LeftBehind, student.left_behind), disability=_disability(student, reveal),
    )


def _place(session: Session, household: Household) -> str:
    names = []
    for model, key in ((Township, household.township_id), (Village, household.village_id),
                       (Hamlet, household.hamlet_id)):
        row = session.get(model, key) if key else None
        if row is not None:
            names.append(str(getattr(row, "name", "")))
    return "".join(names)


def _household_info(session: Session, household_id: str | None, *, reveal: bool) -> HouseholdInfo:
    household = session.get(Household, household_id) if household_id else None
    if household is None or household.deleted:
        return HouseholdInfo()
    members = roster.members_of(session, household.id)
    guardians = [m for m in members if m.is_guardian]
    guardian = guardians[0] if guardians else None
    return HouseholdInfo(
        id=household.id, head_name=household.head_name or "", address=household.address or "",
        place=_place(session, household), phone=_phone(household.phone, reveal),
        registration_place=household.registration_place or "", hardship=tuple(household.hardship or ()),
        guardian=f"{guardian.name}（{guardian.relation}）" if guardian and guardian.relation else (
            guardian.name if guardian else ""),
        guardian_phone=_phone(guardian.phone if guardian else None, reveal),
        members=tuple(MemberLine(relation=m.relation or "", name=m.name, work=m.work or "",
                                 phone=_phone(m.phone, reveal), guardian=m.is_guardian) for m in members),
    )


def _coverage(session: Session, student_id: str, *, reveal: bool) -> tuple[CoverageLine, ...]:
    return tuple(CoverageLine(role=r.role, name=r.person_name, unit=r.unit or "", phone=_phone(r.phone, reveal))
                 for r in responsibility.coverage(session, student_id))


# ----------------------------------------------------------------------------- visit sheets
def visit_sheet_data(session: Session, visit_id: str, *, reveal: bool = False, printed_by: str | None = None,
                     now: datetime | None = None, today: date | None = None) -> VisitSheetData:
    """Everything the 家访记录表 of one visit prints."""
    visit = get(session, Visit, visit_id)
    student = get(session, Student, visit.student_id)
    today = today or visit.visited_on
    campaign = session.get(Campaign, visit.campaign_id) if visit.campaign_id else None
    school = session.get(School, visit.school_id)
    pictures = []
    for attachment in visits.attachments_of(session, visit.id):
        blob = session.get(Blob, attachment.blob_sha256)
        if blob is not None:  # a blob not synced here yet: the sheet prints without it
            pictures.append(Picture(kind=attachment.kind, data=blob.data, caption=attachment.caption or ""))
    return VisitSheetData(
        record_id=visit.id, sheet_no=sheet_number(VISIT, visit.id), printing=_printing(session, printed_by, now),
        school=school.name if school else "", campaign=campaign.name if campaign else "",
        status=_label(VisitStatus, visit.status), draft=visit.status == VisitStatus.DRAFT.value,
        amends_sheet_no=sheet_number(VISIT, visit.amends_visit_id) if visit.amends_visit_id else "",
        student=_student_info(session, student, reveal=reveal, today=today),
        household=_household_info(session, visit.household_id, reveal=reveal),
        coverage=_coverage(session, student.id, reveal=reveal),
        visited_on=visit.visited_on.isoformat(), visited_time=visit.visited_time or "", purpose=visit.purpose or "",
        visitors=tuple(PersonLine(name=str(v.get("name") or ""), role=_label(VisitorRole, v.get("role")),
                                  unit=str(v.get("unit") or ""), phone=_phone(v.get("phone"), reveal))
                       for v in visit.visitors or ()),
        address=visit.address or "", contact_phone=_phone(visit.contact_phone, reveal),
        texts={name: getattr(visit, name) or "" for name in visits.TEXT_FIELDS},
        policies=frozenset(visit.policies or ()), follow_up_on=visit.follow_up_on.isoformat() if visit.follow_up_on
        else "", pictures=tuple(pictures),
    )


def blank_sheet_data(session: Session, student_id: str | None = None, *, reveal: bool = False,
                     printed_by: str | None = None, now: datetime | None = None, today: date | None = None,
                     record_id: str | None = None) -> VisitSheetData:
    """A paper-fallback visit sheet, pre-filled with the student when one is given.

    The sheet carries a new record id (a UUIDv7): its QR code holds ``jiafang://visit/<id>`` (and
    ``?student=<id>``), and its sheet number is that id's tail, so the paper can be found and typed in later.
    """
    record_id = record_id or uuid7()
    today = today or date.today()
    payload = QR_PREFIX + record_id
    if student_id is None:
        return VisitSheetData(record_id=record_id, sheet_no=sheet_number(VISIT, record_id), blank=True,
                              printing=_printing(session, printed_by, now), qr_payload=payload)
    student = get(session, Student, student_id)
    school = session.get(School, student.school_id)
    return VisitSheetData(
        record_id=record_id, sheet_no=sheet_number(VISIT, record_id), printing=_printing(session, printed_by, now),
        school=school.name if school else "", blank=True, qr_payload=f"{payload}?student={student.id}",
        student=_student_info(session, student, reveal=reveal, today=today),
        household=_household_info(session, student.household_id, reveal=reveal),
        coverage=_coverage(session, student.id, reveal=reveal),
    )


def campaign_visit_ids(session: Session, code: str, *, school_id: str | None = None) -> list[str]:
    """The visits of a campaign (optionally of one school), household by household, oldest first."""
    campaign = find_campaign(session, code)
    if campaign is None:
        known = "、".join(session.scalars(select(Campaign.code).where(Campaign.deleted.is_(False))
                                         .order_by(Campaign.code)))
        raise NotFoundError(f"没有代码为“{code}”的专项活动。" + (f"现有：{known}" if known else ""),
                            f"No campaign coded '{code}'." + (f" Known: {known.replace('、', ', ')}" if known else ""))
    query = select(Visit.id).where(Visit.campaign_id == campaign.id, Visit.deleted.is_(False))
    if school_id:
        get(session, School, school_id)
        query = query.where(Visit.school_id == school_id)
    order = (func.coalesce(Visit.household_id, Visit.student_id), Visit.student_id, Visit.visited_on, Visit.id)
    return list(session.scalars(query.order_by(*order)))


# ----------------------------------------------------------------------------- cases
def case_file_data(session: Session, case_id: str, *, reveal: bool = False, printed_by: str | None = None,
                   now: datetime | None = None, today: date | None = None) -> CaseFileData:
    """Everything the 劝返记录 of one case prints: the case, its attempts, outcome and follow-ups."""
    case = get(session, DropoutCase, case_id)
    student = get(session, Student, case.student_id)
    school = session.get(School, case.school_id)
    attempts = []
    for attempt in cases.attempts_of(session, case.id):
        people = "；".join(
            " ".join(x for x in (str(p.get("name") or ""), str(p.get("unit") or ""), _phone(p.get("phone"), reveal))
                     if x) for p in attempt.persuaders or ())
        attempts.append(AttemptLine(number=attempt.attempt_no, date=attempt.attempted_on.isoformat(),
                                    persuaders=people, method=attempt.method or "", result=attempt.result or ""))
    follow_ups = tuple(
        FollowUpLine(date=f.followed_on.isoformat(), in_school="在校" if f.in_school else "不在校",
                     by=f.by_name or "", notes=(f.notes or "") + ("（核实安置）" if f.verifies_placement else ""))
        for f in cases.follow_ups_of(session, case.id))
    return CaseFileData(
        record_id=case.id, sheet_no=sheet_number(CASE, case.id), printing=_printing(session, printed_by, now),
        school=school.name if school else "",
        student=_student_info(session, student, reveal=reveal, today=today or date.today()),
        household=_household_info(session, student.household_id, reveal=reveal),
        coverage=_coverage(session, student.id, reveal=reveal), status=_label(CaseStatus, case.status),
        detected_on=case.detected_on.isoformat(), dropped_month=case.dropped_month or "",
        reason=_label(DropoutReason, case.reason), reason_detail=case.reason_detail or "",
        whereabouts=case.whereabouts or "", help_given=case.help_given or "", plan=case.plan or "",
        attempts=tuple(attempts), outcome=_label(CaseOutcome, case.outcome),
        outcome_on=case.outcome_on.isoformat() if case.outcome_on else "",
        return_mode=_label(ReturnMode, case.return_mode), placement=case.placement or "",
        placement_verified=case.placement_verified, follow_ups=follow_ups,
        closed_on=case.closed_on.isoformat() if case.closed_on else "",
    )


def exemption_data(session: Session, *, case_id: str | None = None, student_id: str | None = None,
                   kind: str | None = None, causes: Iterable[str] = (), situation: str | None = None,
                   evidence: str | None = None, finding: str | None = None, finding_on: str | None = None,
                   period: str | None = None, reveal: bool = False, printed_by: str | None = None,
                   now: datetime | None = None, today: date | None = None) -> ExemptionData:
    """The 因失能免学、缓学、休学 record.

    No table holds exemptions yet, so the record is drawn from a dropout case whose outcome is 延缓入学/休学
    (``case_id``) or from a student (``student_id``), plus what the caller passes; anything not known is
    printed as an empty box to fill in by hand. From a case: the cause follows its reason (因病 -> 严重疾病,
    因残 -> 重度残疾, or 精神疾病 for a mental disability), the situation is its reason detail, the helper is
    the student's 包生/包户 teacher and the head teacher the 包班 teacher.
    """
    if (case_id is None) == (student_id is None):
        raise ValidationError("请指定一个个案或一名学生。", "Give either a case or a student.")
    case = get(session, DropoutCase, case_id) if case_id else None
    if case is not None and case.outcome != CaseOutcome.DEFERRED.value:
        raise ValidationError(f"这个个案的处置结果不是“{CaseOutcome.DEFERRED.zh}”，不能打印免学、缓学、休学记录。",
                              f"This case's outcome is not '{CaseOutcome.DEFERRED.en}'; no exemption record applies.")
    student = get(session, Student, case.student_id if case else str(student_id))
    if kind and kind not in EXEMPTION_KINDS:
        raise ValidationError(f"类别应为 {'、'.join(EXEMPTION_KINDS)} 之一。",
                              "The kind must be one of 免学 (exempt), 缓学 (deferred), 休学 (suspended).", field="kind")
    chosen = set(causes)
    if chosen - set(EXEMPTION_CAUSES):
        raise ValidationError(f"原因应为 {'、'.join(EXEMPTION_CAUSES)}。",
                              "Causes are 严重疾病 (illness), 重度残疾 (disability), 精神疾病 (mental illness).",
                              field="causes")
    if not chosen and case is not None:
        if student.disability_type == DisabilityType.MENTAL.value:
            chosen.add("精神疾病")
        elif case.reason == DropoutReason.DISABILITY.value:
            chosen.add("重度残疾")
        elif case.reason == DropoutReason.ILLNESS.value:
            chosen.add("严重疾病")
    people = {r.role: r for r in responsibility.coverage(session, student.id)}
    helper = people.get(ResponsibilityRole.STUDENT_TEACHER.value)
    teacher = people.get(ResponsibilityRole.CLASS_TEACHER.value)
    school = session.get(School, student.school_id)
    record_id = case.id if case else uuid7()
    return ExemptionData(
        record_id=record_id, sheet_no=sheet_number(EXEMPTION, record_id), printing=_printing(session, printed_by, now),
        school=school.name if school else "",
        student=_student_info(session, student, reveal=reveal, today=today or date.today()),
        household=_household_info(session, student.household_id, reveal=reveal), kind=kind or "",
        causes=frozenset(chosen), situation=situation or (case.reason_detail or "" if case else ""),
        evidence=evidence or "", finding=finding or "", finding_on=finding_on or "", period=period or "",
        helper=PersonLine(helper.person_name, unit=helper.unit or "", phone=_phone(helper.phone, reveal))
        if helper else None,
        head_teacher=PersonLine(teacher.person_name, unit=teacher.unit or "", phone=_phone(teacher.phone, reveal))
        if teacher else None,
    )


# ----------------------------------------------------------------------------- village lists
def village_list_data(session: Session, village_id: str, *, checker: str = "", preparer: str = "",
                      phone: str = "", printed_by: str | None = None, now: datetime | None = None,
                      today: date | None = None) -> VillageListData:
    """The village's school-age children not in school (dropped out or suspended), hamlet by hamlet."""
    village = get(session, Village, village_id)
    township = session.get(Township, village.township_id)
    today = today or date.today()
    found = session.execute(
        select(Student, Household).join(Household, Student.household_id == Household.id)
        .where(Household.village_id == village.id, Student.status.in_(_NOT_IN_SCHOOL),
               Student.deleted.is_(False), Household.deleted.is_(False))
        .order_by(Household.hamlet_id, Household.id, Student.name)).all()
    hamlets = {h.id: h.name for h in session.scalars(select(Hamlet).where(Hamlet.village_id == village.id))}
    student_ids = [student.id for student, _ in found]
    visit_counts: dict[str, int] = dict(session.execute(
        select(Visit.student_id, func.count()).where(Visit.student_id.in_(student_ids), Visit.deleted.is_(False))
        .group_by(Visit.student_id)).all()) if student_ids else {}
    rows = []
    for student, household in found:
        case = cases.open_case_of(session, student.id)
        if case is not None:
            reason = _label(DropoutReason, case.reason) + (f"（{case.reason_detail}）" if case.reason_detail else "")
            remarks = "；".join(x for x in (_label(StudentStatus, student.status), _label(CaseStatus, case.status),
                                            case.whereabouts or "") if x)
        else:
            reason = _label(StudentStatus, student.status)
            remarks = ""
        school = session.get(School, student.school_id)
        remarks = "；".join(x for x in (remarks, f"原{school.name}{grade_label(student.grade, student.class_name)}"
                                                  if school else "") if x)
        rows.append(VillageRow(hamlet=hamlets.get(household.hamlet_id or "", ""), name=student.name,
                               birth_month=student.birth_date.isoformat()[:7], head=household.head_name or "",
                               reason=reason, visits=int(visit_counts.get(student.id, 0)), remarks=remarks))
    return VillageListData(record_id=village.id, sheet_no=sheet_number(VILLAGE, village.id),
                           printing=_printing(session, printed_by, now), township=township.name if township else "",
                           village=village.name, as_of=today.isoformat(), rows=tuple(rows), checker=checker,
                           preparer=preparer, phone=phone)


# ----------------------------------------------------------------------------- PDFs for the app and the CLI
def visit_pdf(session: Session, visit_id: str, *, reveal: bool = False) -> RenderedDocument:
    """The 家访记录表 of one visit as PDF bytes (``.pdf``), for preview, printing or saving."""
    _check_reveal(session, reveal)
    document = render_visit_sheets([visit_sheet_data(session, visit_id, reveal=reveal)])
    record_print(session, document="visit_sheet", record_ids=[visit_id], revealed=reveal)
    return document


def blank_pdf(session: Session, student_id: str | None = None, *, reveal: bool = False) -> RenderedDocument:
    """A paper-fallback sheet (pre-filled with the student, if given) with a QR code of its record id."""
    _check_reveal(session, reveal)
    data = blank_sheet_data(session, student_id, reveal=reveal)
    document = render_visit_sheets([data])
    printed = [data.record_id, *([student_id] if student_id else [])]
    record_print(session, document="blank_visit_sheet", record_ids=printed, revealed=reveal)
    return document


def case_pdf(session: Session, case_id: str, *, reveal: bool = False) -> RenderedDocument:
    """The 劝返记录 of one case."""
    _check_reveal(session, reveal)
    document = render_case_file(case_file_data(session, case_id, reveal=reveal))
    record_print(session, document="case_file", record_ids=[case_id], revealed=reveal)
    return document


def exemption_pdf(session: Session, *, case_id: str | None = None, student_id: str | None = None,
                  reveal: bool = False, **fields: str | Iterable[str] | None) -> RenderedDocument:
    """The 因失能免学、缓学、休学 record (see :func:`exemption_data` for ``fields``)."""
    _check_reveal(session, reveal)
    data = exemption_data(session, case_id=case_id, student_id=student_id, reveal=reveal, **fields)  # type: ignore[arg-type]
    document = render_exemption(data)
    record_print(session, document="exemption", record_ids=[data.record_id], revealed=reveal)
    return document


def village_pdf(session: Session, village_id: str, *, checker: str = "", preparer: str = "",
                phone: str = "") -> RenderedDocument:
    """The village list of school-age children not in school."""
    data = village_list_data(session, village_id, checker=checker, preparer=preparer, phone=phone)
    document = render_village_list(data)
    record_print(session, document="village_list", record_ids=[village_id], revealed=False)
    return document


def campaign_pdfs(session: Session, code: str, out_dir: Path, *, one_file: bool = False,
                  school_id: str | None = None, reveal: bool = False, progress: Progress | None = None,
                  cancelled: IsCancelled | None = None) -> BatchResult:
    """Every visit of a campaign (or of one school in it) as PDFs in ``out_dir``: one file per household, or
    with ``one_file`` a single ``<code>.pdf``. Progress and cancel as in :mod:`app.domain.progress`; a cancelled
    batch keeps no file."""
    _check_reveal(session, reveal)
    ids = campaign_visit_ids(session, code, school_id=school_id)
    if not ids:
        raise NothingToPrint(f"专项活动“{code}”中没有家访记录。", f"The campaign '{code}' has no visit records.")
    printing = _printing(session, None, None)

    def sheets() -> Iterator[VisitSheetData]:
        for visit_id in ids:
            yield visit_sheet_data(session, visit_id, reveal=reveal, printed_by=printing.printed_by)

    stem = code if not school_id else f"{code}-{school_id[-8:]}"
    result = write_visit_batch(sheets(), total=len(ids), out_dir=out_dir, one_file=one_file, file_stem=stem,
                               progress=progress, cancelled=cancelled)
    record_print(session, document="visit_sheet_batch", record_ids=ids, revealed=reveal)
    return result
