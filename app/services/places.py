"""The district's places and schools: townships, villages, hamlets, schools."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.domain.codes import SchoolType
from app.domain.errors import ValidationError
from app.services.common import get, optional_text, require_text
from app.store import oplog
from app.store.ids import uuid7
from app.store.models import DISTRICT_SCOPE, Hamlet, School, Township, Village


def add_township(session: Session, *, code: str, name: str, kind: str = "street") -> Township:
    code = code.strip()
    if not (code.isdigit() and len(code) == 9):
        raise ValidationError(f"乡镇/街道代码“{code}”应为 9 位数字（如 450107001）。",
                              f"Township code '{code}' must be 9 digits (e.g. 450107001).", field="code")
    return oplog.create(session, Township, {
        "scope": DISTRICT_SCOPE, "code": code, "kind": kind,
        "name": require_text(name, "name", "名称", "Name", max_length=60),
    })


def add_village(session: Session, *, township_id: str, name: str, code: str | None = None,
                kind: str = "village") -> Village:
    get(session, Township, township_id)
    return oplog.create(session, Village, {
        "scope": DISTRICT_SCOPE, "township_id": township_id, "code": optional_text(code, "code", "代码", "Code"),
        "name": require_text(name, "name", "名称", "Name", max_length=60), "kind": kind,
    })


def add_hamlet(session: Session, *, village_id: str, name: str) -> Hamlet:
    get(session, Village, village_id)
    return oplog.create(session, Hamlet, {
        "scope": DISTRICT_SCOPE, "village_id": village_id,
        "name": require_text(name, "name", "名称", "Name", max_length=60),
    })


def add_school(session: Session, *, name: str, school_type: SchoolType | str, code: str | None = None,
               township_id: str | None = None, village_id: str | None = None, address: str | None = None,
               phone: str | None = None) -> School:
    """A school; its scope is itself, so its students sync to it and to the district."""
    kind = school_type if isinstance(school_type, SchoolType) else SchoolType.parse(school_type)
    if township_id:
        get(session, Township, township_id)
    if village_id:
        get(session, Village, village_id)
    school_id = uuid7()
    return oplog.create(session, School, {
        "scope": school_id, "name": require_text(name, "name", "学校名称", "School name", max_length=80),
        "school_type": kind, "code": optional_text(code, "code", "学校标识码", "School code", max_length=20),
        "township_id": township_id, "village_id": village_id,
        "address": optional_text(address, "address", "地址", "Address", max_length=200),
        "phone": optional_text(phone, "phone", "电话", "Phone", max_length=20),
    }, row_id=school_id)
