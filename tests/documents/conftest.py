"""Records for the document tests: a household with names outside the basic CJK block, a visit, a case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from app.documents import fonts
from app.domain.codes import CaseOutcome, DropoutReason, Policy, ResponsibilityRole, VisitorRole
from app.services import campaigns, cases, places, responsibility, roster, visits
from app.store.db import Database
from app.store.models import School
from tests.conftest import TODAY, make_student_input

STUDENT_NAME = "韦𰻝明"  # 𰻝 U+30EDD, CJK Extension G
HEAD_NAME = "黄𠮷强"  # 𠮷 U+20BB7, CJK Extension B
VILLAGE_NAME = "那龙村"


@dataclass
class Family:
    student_id: str
    household_id: str
    visit_id: str
    case_id: str
    campaign_code: str
    village_id: str
    id_number: str


@pytest.fixture(autouse=True)
def _fresh_fonts() -> None:
    fonts.reset_font_cache()


def visit_fields(**extra: object) -> dict[str, object]:
    values: dict[str, object] = {
        "visitors": [{"name": "李老师", "role": VisitorRole.HEAD_TEACHER, "unit": "西乡塘区石埠小学",
                      "phone": "13977120000"},
                     {"name": "黄村干", "role": VisitorRole.VILLAGE_CADRE, "unit": "那龙村委"}],
        "purpose": "排查", "present_persons": "祖母",
        "family_situation": "父母在广东务工，孩子由祖母照看，家庭收入主要靠务工。",
        "measures": "班主任每周联系家长一次，安排学习帮扶。", "policies": [Policy.COMPULSORY_EDUCATION_LAW],
        "follow_up_on": date(2026, 11, 28),
    }
    values.update(extra)
    return values


@pytest.fixture
def family(database: Database, school: School) -> Family:
    with database.write() as session:
        township = places.add_township(session, code="450107009", name="石埠街道")
        village = places.add_village(session, township_id=township.id, name=VILLAGE_NAME)
        hamlet = places.add_hamlet(session, village_id=village.id, name="那良屯")
        household = roster.add_household(session, roster.HouseholdInput(
            scope=school.id, head_name=HEAD_NAME, address="石埠街道那龙村那良屯12号", township_id=township.id,
            village_id=village.id, hamlet_id=hamlet.id, phone="13877110000", hardship=["registered_poor"],
            registration_place="广西南宁市西乡塘区石埠街道"))
        roster.add_member(session, roster.MemberInput(household_id=household.id, name=HEAD_NAME, relation="父亲",
                                                      phone="13877110000", work="广东东莞务工", is_guardian=True))
        student = roster.add_student(session, make_student_input(  # type: ignore[arg-type]
            school.id, name=STUDENT_NAME, household_id=household.id), today=TODAY)
        responsibility.assign(session, student.id, ResponsibilityRole.CLASS_TEACHER, "李老师",
                              unit="西乡塘区石埠小学", phone="13977120000")
        responsibility.assign(session, student.id, ResponsibilityRole.VILLAGE_CADRE, "黄村干", unit="那龙村委")
        campaign = campaigns.create_campaign(session, "winter_visits", 2026, starts_on="2026-11-01",
                                             ends_on="2026-11-30")
        visit = visits.start_visit(session, student.id, visited_on=date(2026, 11, 20), today=TODAY,
                                   campaign_id=campaign.id, **visit_fields())
        visits.finalize_visit(session, visit.id)
        case = cases.open_case(session, student.id, detected_on="2026-11-02", reason=DropoutReason.ILLNESS,
                               reason_detail="长期患病，无法到校", dropped_month="2026-10", today=TODAY)
        cases.record_attempt(session, case.id, attempted_on="2026-11-05", today=TODAY,
                             persuaders=[{"name": "李老师", "phone": "13977120000", "unit": "石埠小学"}],
                             method="上门劝返", result="家长同意先治疗，病情稳定后申请缓学")
        cases.record_outcome(session, case.id, CaseOutcome.DEFERRED, outcome_on="2026-11-10", today=TODAY)
        return Family(student.id, household.id, visit.id, case.id, campaign.code, village.id,
                      student.id_number or "")
