"""What every service shares: finding a record or saying clearly that it is not there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from app.domain.errors import NotFoundError, ValidationError
from app.domain.lifecycle import open_case_values
from app.store.models import DropoutCase, Synced

T = TypeVar("T", bound=Synced)
V = TypeVar("V")

# The record kinds as a teacher names them, for messages.
KIND_LABELS: dict[str, tuple[str, str]] = {
    "township": ("镇/街道", "township"),
    "village": ("村/社区", "village"),
    "hamlet": ("屯", "hamlet"),
    "school": ("学校", "school"),
    "household": ("家庭", "household"),
    "household_member": ("家庭成员", "household member"),
    "student": ("学生", "student"),
    "responsibility": ("包保责任", "responsibility"),
    "registry_change": ("学籍异动", "registry change"),
    "campaign": ("专项活动", "campaign"),
    "visit": ("家访记录", "visit"),
    "visit_attachment": ("家访附件", "visit attachment"),
    "key_target": ("重点监测对象", "key target"),
    "return_check": ("返校核查", "return check"),
    "dropout_case": ("辍学个案", "dropout case"),
    "persuasion_attempt": ("劝返记录", "persuasion attempt"),
    "retention_follow_up": ("巩固回访", "retention follow-up"),
    "absence": ("缺勤记录", "absence"),
    "reconciliation_dismissal": ("对账忽略记录", "reconciliation dismissal"),
    "audit_event": ("审计记录", "audit event"),
}


def get(session: Session, model: type[T], row_id: str) -> T:
    """The live (not deleted) record with this id, or NotFoundError."""
    obj = session.get(model, row_id)
    if obj is None or obj.deleted:
        zh, en = KIND_LABELS.get(model.__tablename__, (model.__tablename__, model.__tablename__))
        raise NotFoundError(f"找不到{zh}（编号 {row_id}），可能已被删除。",
                            f"No {en} with id {row_id}; it may have been deleted.")
    return obj


def as_date(value: date | str, field: str, zh_name: str, en_name: str) -> date:
    """A date from a date or ISO text; ValidationError naming the field otherwise."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"{zh_name}“{value}”不是有效日期（应为 2026-03-01 这样的格式）。",
                              f"{en_name} '{value}' is not a valid date (expected e.g. 2026-03-01).",
                              field=field) from None


def require_text(value: str | None, field: str, zh_name: str, en_name: str, *, max_length: int = 200) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"请填写{zh_name}。", f"{en_name} is required.", field=field)
    if len(text) > max_length:
        raise ValidationError(f"{zh_name}太长（最多 {max_length} 个字）。",
                              f"{en_name} is too long (at most {max_length} characters).", field=field)
    return text


def optional_text(value: str | None, field: str, zh_name: str, en_name: str, *,
                  max_length: int = 2000) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    return require_text(text, field, zh_name, en_name, max_length=max_length)


def for_field(field: str, check: Callable[[str], V], value: str) -> V:
    """Run a domain check (name, phone...) and name the form field it was for in its error."""
    try:
        return check(value)
    except ValidationError as exc:
        raise ValidationError(exc.zh, exc.en, field=field) from None


def case_is_open() -> ColumnElement[bool]:
    """The query condition of an open case (app.domain.lifecycle.OPEN_CASE_STATUSES): the one definition the
    start page, the lists, the ledgers, the warnings and the district dashboard count by."""
    return DropoutCase.status.in_(open_case_values())
