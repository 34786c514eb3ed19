"""家访: home visit records. A draft can be edited freely; a finalized visit is read-only, and a correction
is a new record that amends it (so the paper sheet already signed stays true to what was signed)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.codes import Policy, VisitorRole, VisitPurpose, VisitStatus
from app.domain.contact import normalize_phone
from app.domain.errors import LifecycleError, ValidationError
from app.domain.names import normalize_name
from app.services.access import require_may_edit_student
from app.services.common import as_date, for_field, get, optional_text
from app.store import oplog
from app.store.models import Blob, Campaign, Student, Visit, VisitAttachment

TEXT_FIELDS: dict[str, tuple[str, str]] = {
    "present_persons": ("主要陪同人", "Persons present"),
    "address": ("地址", "Address"),
    "family_situation": ("家庭情况", "Family situation"),
    "attitude_to_school": ("对上学的态度", "Attitude to school"),
    "behaviour": ("在校在家表现", "Behaviour"),
    "state_of_mind": ("思想动态", "State of mind"),
    "hardships": ("存在困难", "Hardships"),
    "help_given": ("帮扶措施", "Help given"),
    "parents_views": ("家长意见", "Parents' views"),
    "diagnosis": ("问题诊断", "Diagnosis"),
    "measures": ("措施建议", "Measures"),
    "follow_up_plan": ("跟进计划", "Follow-up plan"),
    "remarks": ("备注", "Remarks"),
}
EDITABLE = frozenset(TEXT_FIELDS) | {"visited_on", "visited_time", "purpose", "visitors", "contact_phone",
                                     "policies", "follow_up_on", "campaign_id"}
ATTACHMENT_KINDS = {"photo": ("照片", "photo"), "guardian_signature": ("监护人签名", "guardian signature"),
                    "visitor_signature": ("走访人签名", "visitor signature")}
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class Visitor:
    name: str
    role: VisitorRole
    unit: str | None = None
    phone: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role.value, "unit": self.unit, "phone": self.phone}


def _visitor(raw: Visitor | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(raw, Visitor):
        raw = raw.as_dict()
    role = raw.get("role") or VisitorRole.TEACHER
    return Visitor(
        name=for_field("visitors", normalize_name, str(raw.get("name") or "")),
        role=role if isinstance(role, VisitorRole) else VisitorRole.parse(str(role)),
        unit=optional_text(raw.get("unit"), "visitors", "单位", "Unit", max_length=80),
        phone=for_field("visitors", normalize_phone, str(raw["phone"])) if raw.get("phone") else None,
    ).as_dict()


def _clean(fields: Mapping[str, Any], *, today: date) -> dict[str, Any]:
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValidationError(f"家访记录没有这些栏目：{sorted(unknown)}", f"Visits have no field(s) {sorted(unknown)}")
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name in TEXT_FIELDS:
            zh, en = TEXT_FIELDS[name]
            values[name] = optional_text(value, name, zh, en, max_length=4000)
        elif name == "visited_on":
            day = as_date(value, name, "家访日期", "Visit date")
            if day > today:
                raise ValidationError(f"家访日期 {day} 在今天之后。", f"The visit date {day} is in the future.",
                                      field=name)
            values[name] = day
        elif name == "follow_up_on":
            values[name] = as_date(value, name, "跟进日期", "Follow-up date") if value else None
        elif name == "visited_time":
            text = (value or "").strip()
            if text and not _TIME.match(text):
                raise ValidationError(f"时间“{text}”应为 14:30 这样的格式。", f"Time '{text}' must look like 14:30.",
                                      field=name)
            values[name] = text or None
        elif name == "purpose":
            values[name] = None if not value else (value if isinstance(value, VisitPurpose)
                                                   else VisitPurpose.parse(str(value)))
        elif name == "visitors":
            values[name] = [_visitor(v) for v in value or ()]
        elif name == "policies":
            values[name] = sorted({p.value if isinstance(p, Policy) else Policy.parse(str(p)).value
                                   for p in value or ()})
        elif name == "contact_phone":
            values[name] = for_field(name, normalize_phone, str(value)) if value else None
        elif name == "campaign_id":
            values[name] = value or None
    return values


def _check_dates(visited_on: date, follow_up_on: date | None) -> None:
    if follow_up_on is not None and follow_up_on < visited_on:
        raise ValidationError(f"跟进日期 {follow_up_on} 早于家访日期 {visited_on}。",
                              f"The follow-up date {follow_up_on} is before the visit date {visited_on}.",
                              field="follow_up_on")


def start_visit(session: Session, student_id: str, *, visited_on: date | str | None = None,
                today: date | None = None, **fields: Any) -> Visit:
    """A new draft visit of a student (household, address and school filled in from the student)."""
    require_may_edit_student(session, student_id)
    today = today or date.today()
    student = get(session, Student, student_id)
    values = _clean({"visited_on": visited_on or today, **fields}, today=today)
    if values.get("campaign_id"):
        get(session, Campaign, values["campaign_id"])
    _check_dates(values["visited_on"], values.get("follow_up_on"))
    return oplog.create(session, Visit, {
        "scope": student.scope, "student_id": student.id, "household_id": student.household_id,
        "school_id": student.school_id, "status": VisitStatus.DRAFT, **values})


def _draft(session: Session, visit_id: str) -> Visit:
    """The draft to change, once the session may change its student's records."""
    visit = get(session, Visit, visit_id)
    require_may_edit_student(session, visit.student_id)
    if visit.status == VisitStatus.FINALIZED.value:
        raise LifecycleError("这份家访记录已定稿，不能再修改；如需更正请新建“更正记录”。",
                             "This visit is finalized and read-only; make an amendment instead.")
    return visit


def save_draft(session: Session, visit_id: str, *, today: date | None = None, **fields: Any) -> list[str]:
    """Save fields of a draft (the form calls this every few seconds); returns the fields that changed."""
    visit = _draft(session, visit_id)
    values = _clean(fields, today=today or date.today())
    if values.get("campaign_id"):
        get(session, Campaign, values["campaign_id"])
    _check_dates(values.get("visited_on", visit.visited_on), values.get("follow_up_on", visit.follow_up_on))
    return oplog.update(session, visit, values)


def finalize_visit(session: Session, visit_id: str, *, user_id: str | None = None,
                   now: datetime | None = None) -> Visit:
    """Finalize a draft: it must name its visitors and purpose, and say what was found."""
    visit = _draft(session, visit_id)
    missing: list[tuple[str, str, str]] = []  # (field, zh, en)
    if not visit.visitors:
        missing.append(("visitors", "走访人", "visitors"))
    if not visit.purpose:
        missing.append(("purpose", "家访目的", "purpose"))
    if not (visit.family_situation or visit.diagnosis or visit.measures):
        missing.append(("family_situation", "家庭情况、问题诊断或措施（至少一项）",
                        "family situation, diagnosis or measures"))
    if missing:
        raise ValidationError("定稿前请填写：" + "、".join(m[1] for m in missing),
                              "Before finalizing, fill in: " + ", ".join(m[2] for m in missing),
                              field=missing[0][0])
    if now is not None and now.tzinfo is None:
        raise ValueError("finalize_visit needs an aware datetime (UTC)")
    oplog.update(session, visit, {"status": VisitStatus.FINALIZED, "finalized_at": now or datetime.now(UTC),
                                  "finalized_by": user_id or session.info.get(oplog.USER_KEY)})
    return visit


def amend_visit(session: Session, visit_id: str, *, today: date | None = None, **changes: Any) -> Visit:
    """A new draft that corrects a finalized visit; it copies the original and names it."""
    original = get(session, Visit, visit_id)
    require_may_edit_student(session, original.student_id)
    if original.status != VisitStatus.FINALIZED.value:
        raise LifecycleError("草稿可以直接修改，不需要更正记录。",
                             "A draft can be edited directly; no amendment needed.")
    copied = {name: getattr(original, name) for name in EDITABLE}
    copied.update(changes)
    today = today or date.today()
    values = _clean(copied, today=max(today, original.visited_on))
    _check_dates(values["visited_on"], values.get("follow_up_on"))
    return oplog.create(session, Visit, {
        "scope": original.scope, "student_id": original.student_id, "household_id": original.household_id,
        "school_id": original.school_id, "status": VisitStatus.DRAFT, "amends_visit_id": original.id, **values})


def delete_draft(session: Session, visit_id: str) -> None:
    oplog.delete(session, _draft(session, visit_id))


def add_attachment(session: Session, visit_id: str, kind: str, data: bytes, media_type: str,
                   *, caption: str | None = None) -> VisitAttachment:
    """Attach a photo or signature to a draft; the bytes are kept once per content (SHA-256)."""
    visit = _draft(session, visit_id)
    if kind not in ATTACHMENT_KINDS:
        raise ValidationError(f"附件类型“{kind}”不对。", f"Unknown attachment kind '{kind}'.", field="kind")
    if not data:
        raise ValidationError("附件是空的。", "The attachment is empty.", field="data")
    digest = hashlib.sha256(data).hexdigest()
    if session.get(Blob, digest) is None:
        session.add(Blob(sha256=digest, media_type=media_type, data=data))
        session.flush()
    return oplog.create(session, VisitAttachment, {
        "scope": visit.scope, "visit_id": visit.id, "kind": kind, "blob_sha256": digest,
        "caption": optional_text(caption, "caption", "说明", "Caption", max_length=200)})


def attachments_of(session: Session, visit_id: str) -> list[VisitAttachment]:
    return list(session.scalars(select(VisitAttachment).where(
        VisitAttachment.visit_id == visit_id, VisitAttachment.deleted.is_(False))))


def visits_of(session: Session, student_id: str) -> Sequence[Visit]:
    return list(session.scalars(select(Visit).where(Visit.student_id == student_id, Visit.deleted.is_(False))
                                .order_by(Visit.visited_on.desc())))
