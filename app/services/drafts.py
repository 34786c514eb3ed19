"""The visit form's saving: field-by-field checks, autosave of a draft, and the form scratch.

Nothing a teacher types may be lost, not by a validation error and not by a crash. So the form sends its
whole state every few seconds to :func:`autosave_visit`, which

- checks every field on its own (with the same rules as :func:`app.services.visits.save_draft`, which it
  calls), so that one bad field never holds back the others and every error can be shown next to its field;
- saves the valid fields into the draft (the op log, synced like any record);
- keeps the raw text of the fields that did not pass in the *form scratch*, a local table inside the
  encrypted database that is never synced (half-typed text is not a record), written in the same
  transaction as the draft, so the two never disagree after a crash.

When the form opens again, :func:`load_visit_form` lays the scratch over the draft, so the user sees exactly
what they had typed, errors included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.domain.ages import age_on
from app.domain.codes import Sex, VisitStatus
from app.domain.errors import DomainError, ValidationError

# The private checkers are the very rules save_draft applies; calling them keeps one copy of those rules.
from app.services import roster, visits
from app.services.access import require_may_edit_student
from app.services.common import get
from app.services.visits import _check_dates, _clean
from app.store import oplog
from app.store.models import FormScratch, Household, School, Student, Visit

VISIT_KIND = "visit"
FORM_FIELDS: tuple[str, ...] = ("visited_on", "visited_time", "campaign_id", "purpose", "contact_phone",
                                "visitors", "policies", "follow_up_on", *visits.TEXT_FIELDS)


@dataclass
class AutosaveResult:
    changed: list[str]  # fields whose saved value changed
    errors: dict[str, DomainError]  # form field -> why its input was not saved (its raw text is in the scratch)
    visited_on: date | None = None  # the draft's dates after the save, for the form's next cross-check
    follow_up_on: date | None = None


@dataclass(frozen=True)
class Attachment:
    id: str
    kind: str
    caption: str | None


@dataclass(frozen=True)
class VisitHeader:
    """What the paper form prints above the visit: the student, from the roster (read-only in the form)."""

    student_id: str
    student_name: str
    school_name: str
    grade: int
    class_name: str | None
    student_number: str | None
    sex: str  # label
    age: int
    household_members: list[tuple[str, str, str]]  # (name, relation, work and phone)


@dataclass
class VisitFormState:
    visit_id: str
    status: VisitStatus
    visited_on: date  # as saved (the form's cross-check of dates needs the saved ones)
    follow_up_on: date | None
    amends_visit_id: str | None
    finalized_at: datetime | None
    header: VisitHeader
    raw: dict[str, Any]  # form field -> input as the form shows it (ISO text for dates, lists for tables)
    scratch_fields: frozenset[str]  # fields whose raw input came from the scratch (they failed validation)
    attachments: list[Attachment] = field(default_factory=list)


def _visitor_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    # The form always offers an empty row to type into; an untouched row is not a visitor.
    kept = []
    for row in rows:
        texts = {k: str(row.get(k) or "").strip() for k in ("name", "unit", "phone")}
        if any(texts.values()):
            kept.append({**texts, "role": row.get("role") or None})
    return kept


def check_visit_fields(raw: Mapping[str, Any], *, today: date, visited_on: date,
                       follow_up_on: date | None = None) -> tuple[dict[str, Any], dict[str, DomainError]]:
    """Each field checked on its own: (clean values of the valid fields, the error of each other field).

    ``visited_on`` and ``follow_up_on`` are the saved dates, used for the cross-check when the form's own
    dates are not valid.
    """
    values: dict[str, Any] = {}
    errors: dict[str, DomainError] = {}
    for name, value in raw.items():
        if name == "visitors":
            value = _visitor_rows(value or ())
        try:
            values.update(_clean({name: value}, today=today))
        except DomainError as exc:
            errors[name] = exc
    try:
        _check_dates(values.get("visited_on", visited_on), values.get("follow_up_on", follow_up_on))
    except ValidationError as exc:
        # Blame the field the user can fix: the follow-up date if the form holds one, else the visit date.
        blamed = "follow_up_on" if "follow_up_on" in values else "visited_on"
        values.pop(blamed, None)
        errors[blamed] = exc
    return values, errors


def autosave_visit(session: Session, visit_id: str, raw: Mapping[str, Any], *,
                   today: date | None = None) -> AutosaveResult:
    """Save the valid fields of the form into the draft and keep the others' raw input in the scratch.

    A teacher who does not cover the student is refused before anything (draft or scratch) is written: the
    input stays in the form, which shows why.
    """
    visit = get(session, Visit, visit_id)
    require_may_edit_student(session, visit.student_id)
    unknown = set(raw) - set(FORM_FIELDS)
    if unknown:
        raise ValidationError(f"家访记录没有这些栏目：{sorted(unknown)}", f"Visits have no field(s) {sorted(unknown)}")
    values, errors = check_visit_fields(raw, today=today or date.today(), visited_on=visit.visited_on,
                                        follow_up_on=visit.follow_up_on)
    changed = visits.save_draft(session, visit_id, today=today, **values)
    _keep_scratch(session, VISIT_KIND, visit_id, {name: raw[name] for name in errors})
    return AutosaveResult(changed, errors, visit.visited_on, visit.follow_up_on)


def _keep_scratch(session: Session, kind: str, record_id: str, raw: Mapping[str, Any]) -> None:
    row = session.get(FormScratch, (kind, record_id))
    if not raw:
        if row is not None:
            session.delete(row)
            session.flush()
        return
    if row is None:
        row = FormScratch(record_kind=kind, record_id=record_id)
        session.add(row)
    row.raw = dict(raw)
    row.user_id = session.info.get(oplog.USER_KEY)
    row.updated_at = datetime.now(UTC)
    session.flush()


def scratch_of(session: Session, kind: str, record_id: str) -> dict[str, Any]:
    row = session.get(FormScratch, (kind, record_id))
    return dict(row.raw) if row is not None else {}


def finalize_visit_form(session: Session, visit_id: str, raw: Mapping[str, Any], *,
                        today: date | None = None) -> Visit:
    """Save the form and finalize the visit; refused while any field has an error (nothing is lost)."""
    result = autosave_visit(session, visit_id, raw, today=today)
    if result.errors:
        name, first = next(iter(result.errors.items()))
        raise ValidationError("请先改正标出的栏目再定稿：" + first.zh, "Correct the marked fields before finalizing: "
                              + first.en, field=name)
    visit = visits.finalize_visit(session, visit_id)
    _keep_scratch(session, VISIT_KIND, visit_id, {})
    return visit


def discard_visit_draft(session: Session, visit_id: str) -> None:
    """Delete a draft and whatever of it was only in the scratch."""
    visits.delete_draft(session, visit_id)
    _keep_scratch(session, VISIT_KIND, visit_id, {})


def _form_text(name: str, value: Any) -> Any:
    if name == "visitors":
        return [{"name": v.get("name") or "", "role": v.get("role") or "", "unit": v.get("unit") or "",
                 "phone": v.get("phone") or ""} for v in value or ()]
    if name == "policies":
        return list(value or ())
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def visit_header(session: Session, student_id: str, on: date) -> VisitHeader:
    student = get(session, Student, student_id)
    school = session.get(School, student.school_id)
    members: list[tuple[str, str, str]] = []
    if student.household_id and session.get(Household, student.household_id) is not None:
        for member in roster.members_of(session, student.household_id):
            details = "，".join(x for x in (member.work, member.phone) if x)
            members.append((member.name, member.relation or "", details))
    return VisitHeader(
        student_id=student.id, student_name=student.name, school_name=school.name if school else "",
        grade=student.grade, class_name=student.class_name, student_number=student.student_number,
        sex=Sex(student.sex).label(), age=age_on(student.birth_date, on), household_members=members)


def load_visit_form(session: Session, visit_id: str) -> VisitFormState:
    """The visit as the form shows it: its saved fields, with the scratch's raw input laid over them."""
    visit = get(session, Visit, visit_id)
    raw = {name: _form_text(name, getattr(visit, name)) for name in FORM_FIELDS}
    scratch = scratch_of(session, VISIT_KIND, visit_id) if visit.status == VisitStatus.DRAFT.value else {}
    raw.update({k: v for k, v in scratch.items() if k in raw})
    return VisitFormState(
        visit_id=visit.id, status=VisitStatus(visit.status), visited_on=visit.visited_on,
        follow_up_on=visit.follow_up_on, amends_visit_id=visit.amends_visit_id,
        finalized_at=visit.finalized_at, header=visit_header(session, visit.student_id, visit.visited_on),
        raw=raw, scratch_fields=frozenset(scratch) & frozenset(raw),
        attachments=[Attachment(a.id, a.kind, a.caption) for a in visits.attachments_of(session, visit_id)])
