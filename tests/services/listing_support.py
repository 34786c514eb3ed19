"""A school's day of work, written through the services: what the Today page and its queries are tested on."""

from __future__ import annotations

from datetime import date, timedelta

from app.domain.codes import CampaignKind, CaseOutcome, DropoutReason, ReturnMode, Sex, VisitorRole, VisitPurpose
from app.services import campaigns, cases, roster, visits
from app.store.db import Database
from tests.conftest import TODAY, make_student_input

VISITOR = [{"name": "李老师", "role": VisitorRole.HEAD_TEACHER}]


def _visit(session: object, student_id: str, on: date, follow_up: date | None, *, final: bool = True) -> str:
    visit = visits.start_visit(session, student_id, visited_on=on, today=TODAY,  # type: ignore[arg-type]
                               purpose=VisitPurpose.SCREENING, visitors=VISITOR, family_situation="家庭困难",
                               follow_up_on=follow_up, follow_up_plan="一个月后再访")
    visit_id = visit.id
    if final:
        visits.finalize_visit(session, visit_id)  # type: ignore[arg-type]
    return visit_id


def make_worklist(database: Database, school_id: str) -> dict[str, str]:
    """Students and records for every kind of Today line (and for lines that must not appear)."""
    names = ["甲一", "乙二", "丙三", "丁四", "戊五", "己六", "庚七", "辛八"]
    ids: dict[str, str] = {}
    with database.write() as session:
        for number, name in enumerate(names):
            sex = Sex.MALE if number % 2 == 0 else Sex.FEMALE
            inp = make_student_input(school_id, name=name, sex=sex, sequence=31 + 2 * number, grade=7)
            ids[name] = roster.add_student(session, inp, today=TODAY).id  # type: ignore[arg-type]
        campaign = campaigns.create_campaign(session, CampaignKind.WINTER_VISITS, 2026,
                                             starts_on=TODAY - timedelta(days=20), ends_on=TODAY + timedelta(days=20))
        ids["campaign"] = campaign.id
        # Follow-ups: overdue, due this week, too far ahead, already done by a later visit.
        ids["overdue_visit"] = _visit(session, ids["甲一"], TODAY - timedelta(days=40), TODAY - timedelta(days=3))
        ids["due_visit"] = _visit(session, ids["乙二"], TODAY - timedelta(days=20), TODAY + timedelta(days=3))
        _visit(session, ids["丙三"], TODAY - timedelta(days=5), TODAY + timedelta(days=30))
        _visit(session, ids["丁四"], TODAY - timedelta(days=60), TODAY - timedelta(days=30))
        _visit(session, ids["丁四"], TODAY - timedelta(days=25), None)  # the follow-up visit itself
        ids["draft"] = _visit(session, ids["戊五"], TODAY - timedelta(days=1), None, final=False)
        visits.save_draft(session, ids["draft"], campaign_id=campaign.id, today=TODAY)
        # Cases: one left alone for 20 days, one persuaded 2 days ago, one returned 40 days ago.
        ids["stale_case"] = cases.open_case(session, ids["己六"], detected_on=TODAY - timedelta(days=20),
                                            reason=DropoutReason.WORK, whereabouts="广东东莞", today=TODAY).id
        busy = cases.open_case(session, ids["庚七"], detected_on=TODAY - timedelta(days=30),
                               reason=DropoutReason.LEARNING_DIFFICULTY, today=TODAY).id
        cases.record_attempt(session, busy, attempted_on=TODAY - timedelta(days=2), persuaders=[{"name": "李老师"}],
                             today=TODAY)
        returned = cases.open_case(session, ids["辛八"], detected_on=TODAY - timedelta(days=60),
                                   reason=DropoutReason.FAMILY_HARDSHIP, today=TODAY).id
        cases.record_outcome(session, returned, CaseOutcome.RETURNED, outcome_on=TODAY - timedelta(days=40),
                             return_mode=ReturnMode.REGULAR_CLASS, today=TODAY)
        ids["retention_case"] = returned
        ids["busy_case"] = busy
    return ids
