"""Every service's writes appear in the op log, and the tables are exactly what the log rebuilds."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.codes import CaseOutcome, DropoutReason, Policy, ResponsibilityRole, SchoolType, VisitorRole
from app.services import (
    campaigns,
    cases,
    key_targets,
    places,
    registry,
    responsibility,
    return_checks,
    roster,
    visits,
)
from app.store import oplog
from app.store.db import Database
from app.store.models import Op
from tests.conftest import TODAY, make_student_input

# Functions that only read (or validate without writing); every other public service function that takes a
# session must be exercised below, so a new service cannot slip past this test.
READ_ONLY = {
    "get", "as_date", "require_text", "optional_text", "members_of", "validate_student", "validate_household",
    "validate_member",
    "student_input",
    "student_dict", "changes_of", "coverage", "find_campaign", "campaign_on", "visits_of", "attachments_of",
    "active_flag", "open_case_of", "attempts_of", "follow_ups_of", "iter_records", "export_json", "check_store",
    "overview", "for_field", "case_is_open",
}
NOT_SESSION_SERVICES = {
    "add_user",  # works on the Database (key slots): tested in test_users
    "generate_demo",  # composes the services above; test_demo checks its log against its tables
}


# The modules of the record-keeping services. Other service modules (imports, forms, lists) compose these;
# whatever they write still passes the engine guard, which refuses any write to a synced table that does not
# go through the op log, in every test of the suite.
CORE_MODULES = ("places", "roster", "registry", "responsibility", "campaigns", "visits", "key_targets",
                "return_checks", "cases", "common", "exchange", "integrity", "overview")


def _service_functions() -> set[str]:
    found = set()
    for name in CORE_MODULES:
        module = __import__(f"app.services.{name}", fromlist=["_"])
        for name, func_ in inspect.getmembers(module, inspect.isfunction):
            if func_.__module__ == module.__name__ and not name.startswith("_"):
                found.add(name)
    return found - READ_ONLY - NOT_SESSION_SERVICES


def _op_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Op)) or 0


def test_every_service_write_is_in_the_log(database: Database) -> None:
    called: set[str] = set()

    def call(session: Session, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        before = _op_count(session)
        result = fn(session, *args, **kwargs)
        assert _op_count(session) > before, f"{fn.__name__} wrote no op"
        called.add(fn.__name__)
        return result

    with database.write() as s:
        township = call(s, places.add_township, code="450107009", name="石埠街道")
        village = call(s, places.add_village, township_id=township.id, name="石埠村")
        hamlet = call(s, places.add_hamlet, village_id=village.id, name="那告屯")
        school = call(s, places.add_school, name="石埠小学", school_type=SchoolType.PRIMARY,
                      township_id=township.id)
        other_school = call(s, places.add_school, name="石埠中学", school_type=SchoolType.JUNIOR)
        household = call(s, roster.add_household, roster.HouseholdInput(
            scope=school.id, head_name="韦大山", village_id=village.id, hamlet_id=hamlet.id))
        [second_household] = call(s, roster.add_households, [roster.HouseholdInput(scope=school.id)])
        call(s, roster.edit_household, household.id, phone="13877110000", hardship=["registered_poor"])
        member = call(s, roster.add_member, roster.MemberInput(household_id=household.id, name="韦大山",
                                                                relation="父亲", is_guardian=True))
        call(s, roster.edit_member, member.id, works_away=True, work="广东务工")
        call(s, roster.add_members, [roster.MemberInput(household_id=household.id, name="黄秀英", relation="母亲")])
        student = call(s, roster.add_student, make_student_input(school.id, household_id=household.id),
                       today=TODAY)
        student_id = student.id
        [sibling_id] = call(s, roster.add_students, [make_student_input(
            school.id, name="韦小红", sequence=22, household_id=second_household)], today=TODAY)
        call(s, roster.add_validated_students, [roster.validate_student(make_student_input(
            school.id, name="韦小明", sequence=31), today=TODAY)])
        call(s, roster.add_new_families, [roster.NewFamily(roster.validate_student(make_student_input(
            school.id, name="黄丽", sequence=41), today=TODAY), roster.HouseholdInput(scope=school.id), "黄大山")])
        call(s, roster.edit_student, student_id, class_name="1班", today=TODAY)
        call(s, roster.set_flags, student_id, left_behind="2", registered_poor=True, today=TODAY)
        call(s, registry.record_change, sibling_id, "class_change", TODAY, to_class="3班")
        call(s, registry.follow_case, sibling_id, "suspension", TODAY, reason="因病休学")
        call(s, registry.follow_case, sibling_id, "resumption", TODAY)
        call(s, registry.move_school, sibling_id, other_school.id, TODAY)
        call(s, roster.delete_student, sibling_id)
        duty = call(s, responsibility.assign, student_id, ResponsibilityRole.CLASS_TEACHER, "黄老师")
        call(s, responsibility.unassign, duty.id)
        call(s, responsibility.assign_many, [student_id], ResponsibilityRole.STUDENT_TEACHER, "黄老师")
        campaign = call(s, campaigns.create_campaign, "winter_visits", 2026, starts_on=date(2026, 1, 10),
                        ends_on=date(2026, 2, 20))
        visit = call(s, visits.start_visit, student_id, visited_on=date(2026, 1, 15), campaign_id=campaign.id,
                     today=TODAY)
        call(s, visits.save_draft, visit.id, visitors=[{"name": "黄老师", "role": VisitorRole.HEAD_TEACHER}],
             purpose="screening", family_situation="父母在广东务工", policies=[Policy.TWO_EXEMPTIONS], today=TODAY)
        call(s, visits.add_attachment, visit.id, "photo", b"\x89PNG fake but bytes", "image/png")
        call(s, visits.finalize_visit, visit.id)
        amendment = call(s, visits.amend_visit, visit.id, remarks="补充：已联系村委", today=TODAY)
        call(s, visits.delete_draft, amendment.id)
        call(s, key_targets.flag_key_target, student_id, [DropoutReason.LEARNING_DIFFICULTY],
             campaign_id=campaign.id, flagged_on=date(2026, 1, 16))
        call(s, key_targets.clear_key_target, student_id)
        call(s, return_checks.record_return_check, student_id, returned=False, checked_on=date(2026, 3, 2),
             reason="未到校", today=TODAY)
        case = call(s, cases.open_case, student_id, detected_on=date(2026, 3, 3), reason="work", today=TODAY)
        call(s, cases.record_attempt, case.id, attempted_on=date(2026, 3, 5),
             persuaders=[{"name": "黄老师", "phone": "13877110001"}], today=TODAY)
        call(s, cases.record_outcome, case.id, CaseOutcome.RETURNED, outcome_on=date(2026, 3, 10),
             return_mode="regular", today=TODAY)
        call(s, cases.record_follow_up, case.id, followed_on=date(2026, 4, 10), in_school=True, today=TODAY)
        call(s, cases.close_case, case.id, closed_on=date(2026, 5, 1), today=TODAY)
        call(s, cases.mark_typical, case.id, "父母外出务工，经三次家访返校。")

    missing = _service_functions() - called
    assert not missing, f"services not exercised by this test: {sorted(missing)}"
    with database.read() as s:
        assert oplog.compare_with_log(s) == []
        # Every synced row has a create op.
        for table in oplog.CODECS:
            rows = s.connection().exec_driver_sql(
                f"SELECT count(*) FROM {table} WHERE id NOT IN "
                f"(SELECT row_id FROM op_log WHERE tbl = '{table}' AND prev IS NULL)").scalar()
            assert rows == 0, table
