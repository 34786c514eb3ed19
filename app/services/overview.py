"""Counts for the start page and the status bar."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.codes import VisitStatus
from app.services.common import case_is_open
from app.store.models import DropoutCase, Op, School, Student, Visit


@dataclass(frozen=True)
class Overview:
    schools: int
    students: int
    open_cases: int
    draft_visits: int
    ops: int


def overview(session: Session) -> Overview:
    def count(stmt: object) -> int:
        return int(session.scalar(stmt) or 0)  # type: ignore[call-overload]

    return Overview(
        schools=count(select(func.count()).select_from(School).where(School.deleted.is_(False))),
        students=count(select(func.count()).select_from(Student).where(Student.deleted.is_(False))),
        open_cases=count(select(func.count()).select_from(DropoutCase).where(
            case_is_open(), DropoutCase.deleted.is_(False))),
        draft_visits=count(select(func.count()).select_from(Visit).where(
            Visit.status == VisitStatus.DRAFT.value, Visit.deleted.is_(False))),
        ops=count(select(func.count()).select_from(Op)),
    )
