"""One dropout case as its page shows it: the facts, who covers it, and its history as a timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from app.domain.codes import CaseOutcome, DropoutReason, ResponsibilityRole, ReturnMode
from app.domain.i18n import resolve_language
from app.domain.lifecycle import CaseStatus
from app.services import cases, responsibility, roster
from app.services.common import get
from app.services.visit_lists import class_label
from app.store.models import DropoutCase, School, Student

# Events on the same day are shown in the order they happen in a case's life.
_KIND_ORDER = {"detected": 0, "attempt": 1, "outcome": 2, "follow_up": 3, "verify": 3, "relapse": 3, "closed": 4}


def _say(zh: str, en: str) -> str:
    return zh if resolve_language(None) == "zh" else en


@dataclass(frozen=True)
class TimelineEvent:
    on: date
    kind: str  # detected / attempt / outcome / follow_up / verify / relapse / closed
    title: str
    text: str


@dataclass
class CaseDetail:
    id: str
    student_id: str
    student_name: str
    school_name: str
    class_label: str
    status: CaseStatus
    reason: DropoutReason
    reason_detail: str | None
    detected_on: date
    dropped_month: str | None
    whereabouts: str | None
    help_given: str | None
    plan: str | None
    outcome: CaseOutcome | None
    outcome_on: date | None
    return_mode: ReturnMode | None
    placement: str | None
    placement_verified: bool
    closed_on: date | None
    typical: bool
    story: str | None
    guardian: str  # guardians with their phones
    responsible: str  # who covers the case on each line
    follow_ups_in_school: int
    timeline: list[TimelineEvent] = field(default_factory=list)


def case_detail(session: Session, case_id: str) -> CaseDetail:
    case = get(session, DropoutCase, case_id)
    student = get(session, Student, case.student_id)
    school = session.get(School, case.school_id)
    guardians = []
    if student.household_id:
        for member in roster.members_of(session, student.household_id):
            if member.is_guardian:
                guardians.append(" ".join(x for x in (member.name, member.relation and f"（{member.relation}）",
                                                      member.phone) if x))
    covering = [f"{ResponsibilityRole(r.role).label()} {r.person_name}" + (f" {r.phone}" if r.phone else "")
                for r in responsibility.coverage(session, student.id)]
    timeline = [TimelineEvent(case.detected_on, "detected", _say("发现辍学", "Found out of school"),
                              DropoutReason(case.reason).label() + (f"：{case.reason_detail}" if case.reason_detail
                                                                    else ""))]
    for attempt in cases.attempts_of(session, case.id):
        people = "、".join(" ".join(x for x in (p.get("name"), p.get("unit"), p.get("phone")) if x)
                          for p in attempt.persuaders)
        details = [people] + [x for x in (attempt.method, attempt.result) if x]
        number = attempt.attempt_no
        timeline.append(TimelineEvent(attempt.attempted_on, "attempt",
                                      _say(f"第 {number} 次劝返", f"Persuasion attempt {number}"), "；".join(details)))
    if case.outcome and case.outcome_on:
        extra = [x for x in (ReturnMode(case.return_mode).label() if case.return_mode else None, case.placement) if x]
        timeline.append(TimelineEvent(case.outcome_on, "outcome",
                                      _say("处置结果：", "Outcome: ") + CaseOutcome(case.outcome).label(),
                                      "，".join(extra)))
    in_school = 0
    for follow in cases.follow_ups_of(session, case.id):
        if follow.verifies_placement:
            kind, title = "verify", _say("核实安置：已在校就读", "Placement verified: attending")
        elif follow.in_school:
            kind, title = "follow_up", _say("巩固回访：在校", "Retention follow-up: in school")
        else:
            kind, title = "relapse", _say("巩固回访：复辍", "Retention follow-up: dropped out again")
        in_school += 1 if follow.in_school and not follow.verifies_placement else 0
        timeline.append(TimelineEvent(follow.followed_on, kind, title,
                                      "；".join(x for x in (follow.by_name, follow.notes) if x)))
    if case.closed_on:
        timeline.append(TimelineEvent(case.closed_on, "closed", _say("销号", "Case closed"), ""))
    timeline.sort(key=lambda e: (e.on, _KIND_ORDER.get(e.kind, 9)))
    return CaseDetail(
        id=case.id, student_id=student.id, student_name=student.name, school_name=school.name if school else "",
        class_label=class_label(student.grade, student.class_name), status=CaseStatus(case.status),
        reason=DropoutReason(case.reason), reason_detail=case.reason_detail, detected_on=case.detected_on,
        dropped_month=case.dropped_month, whereabouts=case.whereabouts, help_given=case.help_given, plan=case.plan,
        outcome=CaseOutcome(case.outcome) if case.outcome else None, outcome_on=case.outcome_on,
        return_mode=ReturnMode(case.return_mode) if case.return_mode else None, placement=case.placement,
        placement_verified=case.placement_verified, closed_on=case.closed_on, typical=case.typical,
        story=case.story, guardian="；".join(guardians), responsible="；".join(covering),
        follow_ups_in_school=in_school, timeline=timeline)
