"""Paged lists for the visits, cases and return-check pages.

Each list is a count and a page (``offset``, ``limit``) of small row tuples, never every ORM object, so a
table model can fetch rows as the user scrolls. Rows carry labels in the current language, ready to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.domain.ages import school_year_start
from app.domain.codes import CaseOutcome, DropoutReason, StudentStatus, Term, VisitPurpose, VisitStatus
from app.domain.errors import ValidationError
from app.domain.lifecycle import CaseStatus
from app.services.common import case_is_open
from app.store.models import Campaign, DropoutCase, PersuasionAttempt, ReturnCheck, School, Student, Visit

ACTIVE = "active"  # a case status filter: every case not yet closed


# ----------------------------------------------------------------------------- choices for the filters
def campaign_choices(session: Session) -> list[tuple[str, str]]:
    """(id, name) of every campaign, the latest first."""
    return [(row.id, row.name) for row in session.execute(
        select(Campaign.id, Campaign.name).where(Campaign.deleted.is_(False))
        .order_by(Campaign.starts_on.desc(), Campaign.code))]


@dataclass(frozen=True)
class StudentChoice:
    id: str
    name: str
    school_name: str
    grade: int
    class_name: str | None
    student_number: str | None


def find_students(session: Session, text: str, *, school_id: str | None = None,
                  limit: int = 50) -> list[StudentChoice]:
    """Students whose name contains ``text``, whose pinyin initials or student/ID number start with it."""
    term = text.strip()
    stmt = select(Student.id, Student.name, School.name.label("school"), Student.grade, Student.class_name,
                  Student.student_number).join(School, School.id == Student.school_id).where(
        Student.deleted.is_(False))
    if school_id:
        stmt = stmt.where(Student.school_id == school_id)
    if term:
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(or_(Student.name.contains(term, autoescape=True),
                              Student.name_initials.like(escaped.lower() + "%", escape="\\"),
                              Student.student_number.like(escaped.upper() + "%", escape="\\"),
                              Student.id_number.like(escaped.upper() + "%", escape="\\")))
    stmt = stmt.order_by(Student.name, Student.id).limit(limit)
    return [StudentChoice(r.id, r.name, r.school, int(r.grade), r.class_name, r.student_number)
            for r in session.execute(stmt)]


# ----------------------------------------------------------------------------- visits
@dataclass(frozen=True)
class VisitFilter:
    campaign_id: str | None = None
    school_id: str | None = None
    status: VisitStatus | None = None
    student_id: str | None = None


@dataclass(frozen=True)
class VisitRow:
    id: str
    visited_on: date
    student_name: str
    class_label: str
    school_name: str
    purpose: str
    visitors: str
    status: VisitStatus
    amends: bool


def _visits(flt: VisitFilter) -> Select[Any]:
    stmt = select(func.count()).select_from(Visit).where(Visit.deleted.is_(False))
    if flt.campaign_id:
        stmt = stmt.where(Visit.campaign_id == flt.campaign_id)
    if flt.school_id:
        stmt = stmt.where(Visit.school_id == flt.school_id)
    if flt.status:
        stmt = stmt.where(Visit.status == flt.status.value)
    if flt.student_id:
        stmt = stmt.where(Visit.student_id == flt.student_id)
    return stmt


def class_label(grade: int, class_name: str | None, lang: str | None = None) -> str:
    from app.domain.i18n import resolve_language

    if resolve_language(lang) == "zh":
        return f"{grade}年级{class_name or ''}"
    return f"Grade {grade} {class_name or ''}".rstrip()


def count_visits(session: Session, flt: VisitFilter) -> int:
    return int(session.scalar(_visits(flt)) or 0)


def visit_rows(session: Session, flt: VisitFilter, offset: int, limit: int) -> list[VisitRow]:
    """One page of visits, the latest first."""
    stmt = _visits(flt).with_only_columns(
        Visit.id, Visit.visited_on, Visit.purpose, Visit.visitors, Visit.status, Visit.amends_visit_id,
        Student.name, Student.grade, Student.class_name, School.name.label("school"),
    ).join(Student, Student.id == Visit.student_id).join(School, School.id == Visit.school_id, isouter=True) \
        .order_by(Visit.visited_on.desc(), Visit.id.desc()).offset(offset).limit(limit)
    rows = []
    for r in session.execute(stmt):
        rows.append(VisitRow(
            id=r.id, visited_on=r.visited_on, student_name=r.name, class_label=class_label(r.grade, r.class_name),
            school_name=r.school or "", purpose=VisitPurpose(r.purpose).label() if r.purpose else "",
            visitors="、".join(v.get("name", "") for v in r.visitors or ()), status=VisitStatus(r.status),
            amends=bool(r.amends_visit_id)))
    return rows


# ----------------------------------------------------------------------------- cases
@dataclass(frozen=True)
class CaseFilter:
    status: CaseStatus | str | None = ACTIVE  # a CaseStatus, ACTIVE (not closed) or None (all)
    school_id: str | None = None


@dataclass(frozen=True)
class CaseRow:
    id: str
    student_name: str
    class_label: str
    school_name: str
    status: CaseStatus
    reason: str
    detected_on: date
    attempts: int
    last_attempt_on: date | None
    outcome: str


def _cases(flt: CaseFilter) -> Select[Any]:
    stmt = select(func.count()).select_from(DropoutCase).where(DropoutCase.deleted.is_(False))
    if flt.status == ACTIVE:
        stmt = stmt.where(case_is_open())
    elif flt.status:
        stmt = stmt.where(DropoutCase.status == CaseStatus(flt.status).value)
    if flt.school_id:
        stmt = stmt.where(DropoutCase.school_id == flt.school_id)
    return stmt


def count_cases(session: Session, flt: CaseFilter) -> int:
    return int(session.scalar(_cases(flt)) or 0)


def case_rows(session: Session, flt: CaseFilter, offset: int, limit: int) -> list[CaseRow]:
    """One page of cases, the most recently detected first."""
    attempts = select(PersuasionAttempt.case_id, func.count().label("n"),
                      func.max(PersuasionAttempt.attempted_on).label("last")).where(
        PersuasionAttempt.deleted.is_(False)).group_by(PersuasionAttempt.case_id).subquery()
    stmt = _cases(flt).with_only_columns(
        DropoutCase.id, DropoutCase.status, DropoutCase.reason, DropoutCase.detected_on, DropoutCase.outcome,
        Student.name, Student.grade, Student.class_name, School.name.label("school"), attempts.c.n, attempts.c.last,
    ).join(Student, Student.id == DropoutCase.student_id) \
        .join(School, School.id == DropoutCase.school_id, isouter=True) \
        .join(attempts, attempts.c.case_id == DropoutCase.id, isouter=True) \
        .order_by(DropoutCase.detected_on.desc(), DropoutCase.id.desc()).offset(offset).limit(limit)
    return [CaseRow(
        id=r.id, student_name=r.name, class_label=class_label(r.grade, r.class_name), school_name=r.school or "",
        status=CaseStatus(r.status), reason=DropoutReason(r.reason).label(), detected_on=r.detected_on,
        attempts=int(r.n or 0), last_attempt_on=r.last, outcome=CaseOutcome(r.outcome).label() if r.outcome else "")
        for r in session.execute(stmt)]


# ----------------------------------------------------------------------------- the class roster of a return check
@dataclass(frozen=True)
class RosterCheckRow:
    student_id: str
    name: str
    student_number: str | None
    status: StudentStatus
    checked: bool  # a check was recorded this term
    returned: bool | None
    reason: DropoutReason | None  # parsed back from the recorded reason
    detail: str
    has_open_case: bool


def default_term(day: date) -> Term:
    """The term a check on ``day`` belongs to (the autumn term starts in September, checked from August)."""
    return Term.AUTUMN if day.month >= 8 else Term.SPRING


# Children who have left the district's compulsory education are not expected back.
_GONE = (StudentStatus.TRANSFERRED_OUT.value, StudentStatus.GRADUATED.value, StudentStatus.DECEASED.value)


def _roster(school_id: str, grade: int, class_name: str) -> Select[Any]:
    return select(func.count()).select_from(Student).where(
        Student.school_id == school_id, Student.grade == grade, Student.class_name == class_name,
        Student.deleted.is_(False), Student.status.not_in(_GONE))


def count_class_roster(session: Session, school_id: str, grade: int, class_name: str) -> int:
    return int(session.scalar(_roster(school_id, grade, class_name)) or 0)


def split_reason(text: str | None) -> tuple[DropoutReason | None, str]:
    """A recorded reason ("外出务工：在东莞") as the reason code and the detail after it."""
    if not text:
        return None, ""
    # The demo (and older records) write "未返校：<reason>"; the prefix says nothing the check does not.
    body = text.replace(":", "：").strip().removeprefix("未返校").lstrip("：").strip()
    head, _, rest = body.partition("：")
    for candidate, detail in ((head, rest), (body, "")):
        try:
            return DropoutReason.parse(candidate.strip()), detail.strip()
        except ValidationError:
            continue
    return DropoutReason.OTHER, body


def join_reason(reason: DropoutReason, detail: str | None) -> str:
    detail = (detail or "").strip()
    return f"{reason.zh}：{detail}" if detail else reason.zh


def class_roster(session: Session, school_id: str, grade: int, class_name: str, *, checked_on: date, term: Term,
                 offset: int = 0, limit: int = 200) -> list[RosterCheckRow]:
    """One page of a class's students with this term's return check (if recorded) and open case."""
    check = aliased(ReturnCheck)
    year = school_year_start(checked_on).year
    open_case = select(DropoutCase.id).where(
        DropoutCase.student_id == Student.id, case_is_open(),
        DropoutCase.deleted.is_(False)).exists()
    stmt = _roster(school_id, grade, class_name).with_only_columns(
        Student.id, Student.name, Student.student_number, Student.status, check.id.label("check_id"),
        check.returned, check.reason, open_case.label("has_case"),
    ).join(check, and_(check.student_id == Student.id, check.school_year == year, check.term == term.value,
                       check.deleted.is_(False)), isouter=True) \
        .order_by(Student.student_number, Student.name, Student.id).offset(offset).limit(limit)
    rows = []
    for r in session.execute(stmt):
        reason, detail = split_reason(r.reason) if r.check_id and not r.returned else (None, "")
        rows.append(RosterCheckRow(
            student_id=r.id, name=r.name, student_number=r.student_number, status=StudentStatus(r.status),
            checked=r.check_id is not None, returned=None if r.check_id is None else bool(r.returned),
            reason=reason, detail=detail, has_open_case=bool(r.has_case)))
    return rows
