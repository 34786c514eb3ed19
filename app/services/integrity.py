"""`jiafang check`: is the store sound, does it agree with its op log, do the records agree with each other?"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.codes import Sex, StudentStatus
from app.domain.errors import DomainError
from app.domain.identity import check_id_matches, parse_id_number
from app.domain.lifecycle import not_back_values
from app.store import oplog
from app.store.guard import raw_cursor
from app.store.models import DropoutCase, Student


@dataclass
class Finding:
    check: str  # sqlite / foreign_keys / op_log / audit / consistency
    zh: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"check": self.check, "zh": self.zh, "en": self.en}


@dataclass
class CheckReport:
    ops: int = 0
    records: int = 0
    conflicts: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "ops": self.ops, "records": self.records, "conflicts": self.conflicts,
                "findings": [f.as_dict() for f in self.findings]}


def check_store(session: Session, *, limit: int = 200) -> CheckReport:
    """Run every check; each problem found is a Finding (at most ``limit`` per check)."""
    report = CheckReport()
    cur = raw_cursor(session)
    for (message,) in cur.execute("PRAGMA quick_check").fetchall():
        if message != "ok":
            report.findings.append(Finding("sqlite", f"数据库文件损坏：{message}", f"Database damage: {message}"))
    for table, row_id, parent, _ in cur.execute("PRAGMA foreign_key_check").fetchall()[:limit]:
        report.findings.append(Finding("foreign_keys", f"{table} {row_id} 指向不存在的 {parent}",
                                       f"{table} {row_id} points to a missing {parent}"))
    report.ops = cur.execute("SELECT count(*) FROM op_log").fetchone()[0]
    report.conflicts = cur.execute("SELECT count(*) FROM conflict").fetchone()[0]
    report.records = sum(cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in oplog.CODECS
                         if t not in oplog.APPEND_ONLY)  # records of the work; the audit log is not one
    for diff in oplog.compare_with_log(session, limit=limit):
        report.findings.append(Finding("op_log", f"数据表与变更日志不一致：{diff.describe()}",
                                       f"Table differs from the op log: {diff.describe()}"))
    from app.services.audit import check_chains

    for problem in check_chains(session, limit=limit):
        report.findings.append(Finding("audit", problem.zh, problem.en))
    _check_consistency(session, report, limit)
    return report


def _check_consistency(session: Session, report: CheckReport, limit: int) -> None:
    found = 0
    for student in session.scalars(select(Student).where(Student.deleted.is_(False), Student.id_number.is_not(None),
                                                          Student.id_type == "1")):
        try:
            check_id_matches(parse_id_number(student.id_number or ""),
                             birth_date=student.birth_date, sex=Sex(student.sex))
        except DomainError as exc:
            report.findings.append(Finding("consistency", f"学生 {student.id}：{exc.zh}",
                                           f"Student {student.id}: {exc.en}"))
            found += 1
            if found >= limit:
                return
    open_cases = select(DropoutCase.student_id).where(
        DropoutCase.status.in_(not_back_values()), DropoutCase.deleted.is_(False))
    for student_id in session.scalars(select(Student.id).where(
            Student.id.in_(open_cases), Student.status == StudentStatus.IN_SCHOOL.value, Student.deleted.is_(False))):
        report.findings.append(Finding(
            "consistency", f"学生 {student_id} 有劝返中的个案，但学籍状态是“在校”。",
            f"Student {student_id} has an open case but is registered as in school."))
        found += 1
        if found >= limit:
            return
