"""预警: every early warning of the district (or of one township or school), each naming the student, the
rule, since when, and who covers the student (双线四包).

The rules are :mod:`app.domain.warnings`; this module gathers their facts with a few set-wise queries (a
district has 100,000 students but only hundreds of cases and thousands of visits) and applies them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.codes import CaseOutcome, ResponsibilityRole, Sex, StudentStatus, VisitStatus
from app.domain.i18n import resolve_language
from app.domain.lifecycle import CaseStatus
from app.domain.masking import mask_phone
from app.domain.warnings import (
    Finding,
    Severity,
    Thresholds,
    WarningRule,
    absence_warning,
    final_year_warning,
    follow_up_warning,
    id_mismatch_warning,
    key_target_warning,
    not_returned_warning,
    placement_warning,
    retention_warning,
    stale_case_warning,
)
from app.services.campaigns import campaign_on
from app.services.common import case_is_open
from app.store.models import (
    Absence,
    DropoutCase,
    KeyTarget,
    PersuasionAttempt,
    Responsibility,
    RetentionFollowUp,
    ReturnCheck,
    School,
    Student,
    Visit,
)

_CHUNK = 500
# Students no longer in this district's compulsory education: nothing to warn about.
_GONE = (StudentStatus.GRADUATED.value, StudentStatus.TRANSFERRED_OUT.value, StudentStatus.DECEASED.value)


@dataclass(frozen=True)
class Coverer:
    """One person covering the student (双线四包)."""

    line: str  # ResponsibilityLine value
    role: str  # ResponsibilityRole value
    name: str
    unit: str
    phone: str  # masked unless revealed

    def as_dict(self, lang: str | None = None) -> dict[str, str]:
        return {"line": self.line, "role": self.role, "role_label": ResponsibilityRole(self.role).label(lang),
                "name": self.name, "unit": self.unit, "phone": self.phone}


@dataclass(frozen=True)
class StudentWarning:
    """A warning about one student: the finding, the student, the record to open, who covers the student."""

    finding: Finding
    student_id: str
    student_name: str
    school_id: str
    school_name: str
    township_id: str | None
    grade: int
    class_name: str
    record_kind: str  # the record the warning is about: student, case, visit, absence, return_check, key_target
    record_id: str
    coverage: tuple[Coverer, ...] = ()

    @property
    def rule(self) -> WarningRule:
        return self.finding.rule

    @property
    def since(self) -> date:
        return self.finding.since

    @property
    def severity(self) -> Severity:
        return self.finding.severity

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The stable JSON shape of ``jiafang warnings --json`` (documented in README.md)."""
        lang = resolve_language(lang)
        return {
            "rule": self.rule.value, "rule_label": self.rule.label(lang),
            "severity": self.severity.value, "since": self.since.isoformat(),
            "detail": self.finding.detail(lang),
            "student": {"id": self.student_id, "name": self.student_name, "school_id": self.school_id,
                        "school": self.school_name, "grade": self.grade, "class": self.class_name},
            "record": {"kind": self.record_kind, "id": self.record_id},
            "coverage": [c.as_dict(lang) for c in self.coverage],
        }


@dataclass(frozen=True)
class _Student:
    id: str
    name: str
    school_id: str
    grade: int
    class_name: str
    status: str


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _live(model: Any) -> Any:
    return model.deleted.is_(False)


def find_warnings(session: Session, *, today: date, thresholds: Thresholds | None = None,
                  school_id: str | None = None, township_id: str | None = None,
                  rules: Iterable[WarningRule] | None = None, reveal: bool = False) -> list[StudentWarning]:
    """Every warning as of ``today``, most urgent first (then oldest first), for the district, one township or
    one school. ``rules`` limits the rules applied; ``reveal`` shows the coverers' phone numbers in full."""
    t = thresholds or Thresholds()
    wanted = set(rules) if rules is not None else set(WarningRule)
    schools = {sid: (name, town) for sid, name, town in session.execute(
        select(School.id, School.name, School.township_id).where(_live(School)))}
    if school_id is not None:
        in_scope = {school_id} & set(schools)
    elif township_id is not None:
        in_scope = {sid for sid, (_, town) in schools.items() if town == township_id}
    else:
        in_scope = set(schools)
    found: list[tuple[Finding, str, str, str]] = []  # finding, student id, record kind, record id

    def add(finding: Finding | None, student_id: str, kind: str, record_id: str) -> None:
        if finding is not None and finding.rule in wanted:
            found.append((finding, student_id, kind, record_id))

    def scoped(stmt: Any, column: Any) -> Any:
        # A school or township filter narrows the queries; the district needs none.
        return stmt if school_id is None and township_id is None else stmt.where(column.in_(sorted(in_scope)))

    open_cases = {sid: (cid, status) for cid, sid, status in session.execute(scoped(
        select(DropoutCase.id, DropoutCase.student_id, DropoutCase.status).where(
            _live(DropoutCase), case_is_open()), DropoutCase.school_id))}

    # -- absences
    absent_since: dict[str, date] = {}
    if wanted & {WarningRule.ABSENT, WarningRule.FINAL_YEAR_AT_RISK}:
        rows = session.execute(scoped(select(Absence.id, Absence.student_id, Absence.started_on, Absence.ended_on)
                                      .join(Student, Student.id == Absence.student_id)
                                      .where(_live(Absence), Absence.excused.is_(False), _live(Student),
                                             Student.status == StudentStatus.IN_SCHOOL.value,
                                             (Absence.ended_on.is_(None)) | (Absence.ended_on >= today)),
                                      Absence.school_id))
        for absence_id, student_id, started, ended in rows:
            if started > today:
                continue
            absent_since[student_id] = min(started, absent_since.get(student_id, started))
            add(absence_warning(started, ended, has_open_case=student_id in open_cases, today=today, t=t),
                student_id, "absence", absence_id)

    # -- return checks: the latest check of each student said "not back", and no case since
    if WarningRule.NOT_RETURNED in wanted:
        latest: dict[str, tuple[tuple[int, int, date], str, bool, date, str | None]] = {}
        for check_id, student_id, year, term, checked_on, returned, reason in session.execute(scoped(
                select(ReturnCheck.id, ReturnCheck.student_id, ReturnCheck.school_year, ReturnCheck.term,
                       ReturnCheck.checked_on, ReturnCheck.returned, ReturnCheck.reason)
                .join(Student, Student.id == ReturnCheck.student_id)
                .where(_live(ReturnCheck), _live(Student), Student.status.not_in(_GONE)), Student.school_id)):
            order = (year, 1 if term == "autumn" else 0, checked_on)
            if student_id not in latest or order > latest[student_id][0]:
                latest[student_id] = (order, check_id, returned, checked_on, reason)
        pending = {sid: v for sid, v in latest.items() if not v[2]}
        cases_after: set[str] = set()
        for chunk in _chunks(sorted(pending)):
            for student_id, detected in session.execute(
                    select(DropoutCase.student_id, func.max(DropoutCase.detected_on))
                    .where(DropoutCase.student_id.in_(chunk), _live(DropoutCase))
                    .group_by(DropoutCase.student_id)):
                if detected is not None and detected >= pending[student_id][3]:
                    cases_after.add(student_id)
        for student_id, (_, check_id, _, checked_on, reason) in pending.items():
            has_case = student_id in cases_after or student_id in open_cases
            add(not_returned_warning(checked_on, reason, has_case=has_case), student_id, "return_check", check_id)

    # -- cases: stale persuasion, retention checks, unverified placements
    case_rules = {WarningRule.STALE_CASE, WarningRule.NO_RETENTION_CHECK, WarningRule.PLACEMENT_UNVERIFIED}
    if wanted & case_rules and open_cases:
        cases = [case for chunk in _chunks(sorted(cid for cid, _ in open_cases.values()))
                 for case in session.scalars(select(DropoutCase).where(DropoutCase.id.in_(chunk)))]
        case_ids = [c.id for c in cases]
        last_attempt: dict[str, date] = {}
        last_check: dict[str, date] = {}
        for chunk in _chunks(case_ids):
            last_attempt.update(session.execute(
                select(PersuasionAttempt.case_id, func.max(PersuasionAttempt.attempted_on))
                .where(PersuasionAttempt.case_id.in_(chunk), _live(PersuasionAttempt))
                .group_by(PersuasionAttempt.case_id)).all())
            last_check.update(session.execute(
                select(RetentionFollowUp.case_id, func.max(RetentionFollowUp.followed_on))
                .where(RetentionFollowUp.case_id.in_(chunk), _live(RetentionFollowUp),
                       RetentionFollowUp.in_school.is_(True))
                .group_by(RetentionFollowUp.case_id)).all())
        for case in cases:
            status = CaseStatus(case.status)
            outcome = CaseOutcome(case.outcome) if case.outcome else None
            add(stale_case_warning(status, case.detected_on, last_attempt.get(case.id), today=today, t=t),
                case.student_id, "case", case.id)
            add(retention_warning(status, outcome, case.outcome_on, last_check.get(case.id), today=today, t=t),
                case.student_id, "case", case.id)
            add(placement_warning(status, outcome, case.outcome_on, case.placement_verified, case.placement,
                                  today=today, t=t), case.student_id, "case", case.id)

    # -- key targets: the running campaign's visits, and grade 9 at risk
    active_flags: dict[str, tuple[str, date]] = {}
    if wanted & {WarningRule.KEY_TARGET_NOT_VISITED, WarningRule.FINAL_YEAR_AT_RISK}:
        for flag_id, student_id, flagged in session.execute(scoped(
                select(KeyTarget.id, KeyTarget.student_id, KeyTarget.flagged_on)
                .join(Student, Student.id == KeyTarget.student_id)
                .where(_live(KeyTarget), KeyTarget.active.is_(True), _live(Student),
                       Student.status.not_in(_GONE)), Student.school_id)):
            if flagged <= today:
                active_flags[student_id] = (flag_id, flagged)
    campaign = campaign_on(session, today)
    if WarningRule.KEY_TARGET_NOT_VISITED in wanted and campaign is not None and active_flags:
        visited: set[str] = set()
        targets = sorted(active_flags)
        for chunk in _chunks(targets):
            visited.update(session.scalars(select(Visit.student_id).where(
                Visit.student_id.in_(chunk), _live(Visit),
                (Visit.campaign_id == campaign.id)
                | ((Visit.visited_on >= campaign.starts_on) & (Visit.visited_on <= campaign.ends_on)))))
        for student_id in targets:
            flag_id, flagged = active_flags[student_id]
            add(key_target_warning(flagged, campaign.name, campaign.starts_on, visited=student_id in visited,
                                   today=today, t=t), student_id, "key_target", flag_id)

    # -- follow-ups overdue: a finalized visit's follow-up date passed with no later visit of the student
    if WarningRule.FOLLOW_UP_OVERDUE in wanted:
        due = today - timedelta(days=t.follow_up_grace_days)
        candidates = session.execute(scoped(
            select(Visit.id, Visit.student_id, Visit.visited_on, Visit.follow_up_on, Visit.follow_up_plan)
            .where(_live(Visit), Visit.status == VisitStatus.FINALIZED.value, Visit.follow_up_on.is_not(None),
                   Visit.follow_up_on < due), Visit.school_id)).all()
        students = sorted({row[1] for row in candidates})
        visits_by_student: dict[str, list[tuple[str, date, str | None, str]]] = defaultdict(list)
        for chunk in _chunks(students):
            for visit_id, student_id, visited_on, amends, visit_status in session.execute(
                    select(Visit.id, Visit.student_id, Visit.visited_on, Visit.amends_visit_id, Visit.status)
                    .where(Visit.student_id.in_(chunk), _live(Visit))):
                visits_by_student[student_id].append((visit_id, visited_on, amends, visit_status))
        for visit_id, student_id, visited_on, follow_up_on, plan in candidates:
            others = visits_by_student.get(student_id, [])
            # A later visit settles the follow-up (a correction of this visit is not a later visit), and a
            # finalized correction carries the follow-up in place of the visit it corrects.
            later = any(v_id != visit_id and day > visited_on and amends != visit_id for v_id, day, amends, _ in others)
            corrected = any(amends == visit_id and status == VisitStatus.FINALIZED.value
                            for _, _, amends, status in others)
            if not later and not corrected:
                add(follow_up_warning(follow_up_on, plan, today=today, t=t), student_id, "visit", visit_id)

    # -- the students named so far, and the ID-number check over every student in scope
    names: dict[str, _Student] = {}
    check_ids = WarningRule.ID_MISMATCH in wanted
    check_final = WarningRule.FINAL_YEAR_AT_RISK in wanted
    if check_ids or check_final:
        stmt = select(Student.id, Student.name, Student.school_id, Student.grade, Student.class_name, Student.status,
                      Student.id_type, Student.id_number, Student.birth_date, Student.sex).where(
            _live(Student), Student.status.not_in(_GONE))
        if not check_ids:
            stmt = stmt.where(Student.grade == 9)
        for sid, name, school, grade, class_name, raw_status, id_type, id_number, birth, sex in session.execute(
                scoped(stmt, Student.school_id)):
            student_status = StudentStatus(raw_status)
            names[sid] = _Student(sid, name, school, grade, class_name or "", raw_status)
            if check_ids and id_type == "1" and id_number:
                add(id_mismatch_warning(id_number, birth_date=birth, sex=Sex(sex), grade=grade,
                                        status=student_status, today=today), sid, "student", sid)
            if check_final and grade == 9:
                flag = active_flags.get(sid)
                add(final_year_warning(grade, student_status, key_target_since=flag[1] if flag else None,
                                       absent_since=absent_since.get(sid)), sid, "student", sid)
    missing = sorted({student_id for _, student_id, _, _ in found} - set(names))
    for chunk in _chunks(missing):
        for sid, name, school, grade, class_name, raw_status in session.execute(
                select(Student.id, Student.name, Student.school_id, Student.grade, Student.class_name,
                       Student.status).where(Student.id.in_(chunk))):
            names[sid] = _Student(sid, name, school, grade, class_name or "", raw_status)

    found = [item for item in found if item[1] in names and names[item[1]].school_id in in_scope]
    coverage = coverage_of(session, sorted({student_id for _, student_id, _, _ in found}), reveal=reveal)
    result = []
    for finding, student_id, kind, record_id in found:
        student = names[student_id]
        school_name, town = schools.get(student.school_id, ("", None))
        result.append(StudentWarning(finding, student_id, student.name, student.school_id, school_name, town,
                                     student.grade, student.class_name, kind, record_id,
                                     coverage.get(student_id, ())))
    result.sort(key=lambda w: (w.severity.rank, w.since, w.school_name, w.student_name, w.rule.value, w.record_id))
    return result


def coverage_of(session: Session, student_ids: Sequence[str], *,
                reveal: bool = False) -> dict[str, tuple[Coverer, ...]]:
    """Who covers each student, government line first (as :func:`app.services.responsibility.coverage`)."""
    found: dict[str, list[Coverer]] = defaultdict(list)
    for chunk in _chunks(list(student_ids)):
        for student_id, line, role, name, unit, phone in session.execute(
                select(Responsibility.student_id, Responsibility.line, Responsibility.role, Responsibility.person_name,
                       Responsibility.unit, Responsibility.phone)
                .where(Responsibility.student_id.in_(chunk), _live(Responsibility))
                .order_by(Responsibility.student_id, Responsibility.line.desc(), Responsibility.role)):
            shown = (phone if reveal else mask_phone(phone)) if phone else ""
            found[student_id].append(Coverer(line, role, name, unit or "", shown))
    return {sid: tuple(people) for sid, people in found.items()}


def count_by_rule(warnings: Iterable[StudentWarning]) -> dict[WarningRule, int]:
    """How many warnings of each rule (every rule present, zero included), for summaries."""
    counts = dict.fromkeys(WarningRule, 0)
    for warning in warnings:
        counts[warning.rule] += 1
    return counts
