"""A small fixed district for the report, warning, ledger and reconciliation tests, built through the services.

Every figure the tests expect is worked out by hand from this description (today is Sunday 29 November 2026; the
report week is Monday 23 to Sunday 29 November, the previous week 16 to 22 November):

Townships 石埠街道 (schools A, B) and 坛洛镇 (schools C, D). Campaign "2027年寒假大家访" runs from 16 November.

A 石埠小学 (primary): a_kt g4 key target since 11-10, visited 11-18 (follow-up due 11-25) and 11-26;
  a_abs g4 absent since Mon 11-23 (5 school days); a_mis g5, a case of May 2026 closed as a data error (typical),
  birth date later changed apart from the ID number; a_6drop g6 registered poor, home in 忠良村 那龙屯, not back at
  the 09-01 return check, case found 11-24 (left to work), no attempt; a_6grad g6 on excused leave since 11-02;
  a_6move g6 and a_3move g3 moved to C on 10-10. A draft visit of a_abs on 11-27 (drafts do not count).
B 石埠中学 (junior): b_9kt g9 key target since 11-20, visited 11-24; b_9ret g9 case found 10-12, attempt 10-15,
  back 11-25; b_9out g9 transferred out of the district 10-20; b_8voc g8 case found 11-18, placed in vocational
  school 11-26 (not verified); b_7 g7.
C 坛洛小学 (primary): c_1kt g1 key target since 11-25, not back at the 09-01 check and no case; c_2abs g2 absent
  since Mon 10-26 (25 school days), visited 11-20 with a follow-up due 11-27 and not visited since; c_6drop g6 case
  found 09-20 (hardship), attempt 09-25, covered by a village cadre and a class teacher; c_6err g6 case found
  10-05 resolved as a data error 10-06 and closed; c_4ret g4 case found 09-10, back 09-20, followed up 10-01.
D 坛洛教学点 (teaching point): no students.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from app.domain.codes import SchoolType, Sex
from app.services import (
    attendance,
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
from app.store.db import Database, create_folder
from app.store.models import Student
from tests.conftest import PASSWORD, TODAY, make_student_input

CAMPAIGN_START = date(2026, 11, 16)
RECORDS_SINCE = date(2015, 1, 1)
VISITOR = [{"name": "黄老师", "role": "head_teacher", "unit": "石埠小学"}]


@dataclass
class District:
    data_dir: Path
    townships: dict[str, str] = field(default_factory=dict)  # 石埠 / 坛洛 -> id
    schools: dict[str, str] = field(default_factory=dict)  # A B C D -> id
    villages: dict[str, str] = field(default_factory=dict)
    students: dict[str, str] = field(default_factory=dict)  # key -> id
    cases: dict[str, str] = field(default_factory=dict)
    visits: dict[str, str] = field(default_factory=dict)
    campaign: str = ""


def _student(session: object, school: str, key: str, name: str, grade: int, sequence: int, **extra: object) -> str:
    inp = make_student_input(school, name=name, grade=grade, sequence=sequence,
                             sex=Sex.FEMALE if sequence % 2 == 0 else Sex.MALE, **extra)
    return roster.add_students(session, [inp], today=TODAY)[0]  # type: ignore[arg-type, list-item]


def _visit(session: object, student_id: str, day: date, *, follow_up: date | None = None, draft: bool = False,
           campaign: str | None = None) -> str:
    visit = visits.start_visit(session, student_id, visited_on=day, today=TODAY, purpose="key_target",  # type: ignore[arg-type]
                               visitors=VISITOR, family_situation="家庭经济一般。", follow_up_on=follow_up,
                               campaign_id=campaign)
    if not draft:
        visits.finalize_visit(session, visit.id)  # type: ignore[arg-type]
    return visit.id


def build_district(database: Database, data_dir: Path) -> District:
    d = District(data_dir)
    with database.write() as s:
        shibu = places.add_township(s, code="450107009", name="石埠街道")
        tanluo = places.add_township(s, code="450107105", name="坛洛镇", kind="town")
        d.townships = {"石埠": shibu.id, "坛洛": tanluo.id}
        zhongliang = places.add_village(s, township_id=shibu.id, name="忠良村")
        d.villages["忠良"] = zhongliang.id
        nalong = places.add_hamlet(s, village_id=zhongliang.id, name="那龙屯")
        tl_village = places.add_village(s, township_id=tanluo.id, name="坛洛村")
        d.villages["坛洛村"] = tl_village.id
        for key, name, kind, town in (("A", "石埠小学", SchoolType.PRIMARY, shibu.id),
                                      ("B", "石埠中学", SchoolType.JUNIOR, shibu.id),
                                      ("C", "坛洛小学", SchoolType.PRIMARY, tanluo.id),
                                      ("D", "坛洛教学点", SchoolType.TEACHING_POINT, tanluo.id)):
            d.schools[key] = places.add_school(s, name=name, school_type=kind, township_id=town,
                                               code=f"21450990{len(d.schools)}").id
        d.campaign = campaigns.create_campaign(s, "winter_visits", 2027, starts_on=CAMPAIGN_START,
                                               ends_on=date(2027, 2, 20)).id
        poor_home = roster.add_household(s, roster.HouseholdInput(
            scope=d.schools["A"], head_name="陆大山", address="石埠街道忠良村那龙屯12号", township_id=shibu.id,
            village_id=zhongliang.id, hamlet_id=nalong.id, phone="13877110001", hardship=["registered_poor"]))
        roster.add_member(s, roster.MemberInput(household_id=poor_home.id, name="陆大山", relation="父亲",
                                                phone="13877110001", is_guardian=True))
        A, B, C = d.schools["A"], d.schools["B"], d.schools["C"]
        st = d.students
        st["a_kt"] = _student(s, A, "a_kt", "韦小明", 4, 11)
        st["a_abs"] = _student(s, A, "a_abs", "黄丽华", 4, 12)
        st["a_mis"] = _student(s, A, "a_mis", "覃志强", 5, 13)
        st["a_6drop"] = _student(s, A, "a_6drop", "陆春梅", 6, 14, registered_poor=True, household_id=poor_home.id)
        st["a_6grad"] = _student(s, A, "a_6grad", "蒙海燕", 6, 16)
        st["a_6move"] = _student(s, A, "a_6move", "莫建国", 6, 17)
        st["a_3move"] = _student(s, A, "a_3move", "罗玉凤", 3, 18)
        st["b_9kt"] = _student(s, B, "b_9kt", "梁文杰", 9, 21)
        st["b_9ret"] = _student(s, B, "b_9ret", "李桂兰", 9, 22)
        st["b_9out"] = _student(s, B, "b_9out", "刘军", 9, 23)
        st["b_8voc"] = _student(s, B, "b_8voc", "陈秀英", 8, 24)
        st["b_7"] = _student(s, B, "b_7", "张宏", 7, 25)
        st["c_1kt"] = _student(s, C, "c_1kt", "周芳", 1, 32)
        st["c_2abs"] = _student(s, C, "c_2abs", "杨金凤", 2, 34)
        st["c_6drop"] = _student(s, C, "c_6drop", "何𰻝宁", 6, 35)
        st["c_6err"] = _student(s, C, "c_6err", "卢静", 6, 36)
        st["c_4ret"] = _student(s, C, "c_4ret", "廖勇", 4, 37)

    with database.write() as s:
        # Moves and transfers.
        registry.move_school(s, st["a_6move"], C, "2026-10-10")
        registry.move_school(s, st["a_3move"], C, "2026-10-10")
        registry.record_change(s, st["b_9out"], "transfer_out", "2026-10-20", reason="随父母迁往广东")
        # Key targets and visits.
        key_targets.flag_key_target(s, st["a_kt"], ["learning"], campaign_id=d.campaign, flagged_on="2026-11-10",
                                    today=TODAY)
        key_targets.flag_key_target(s, st["b_9kt"], ["work"], campaign_id=d.campaign, flagged_on="2026-11-20",
                                    today=TODAY)
        key_targets.flag_key_target(s, st["c_1kt"], ["hardship"], campaign_id=d.campaign, flagged_on="2026-11-25",
                                    today=TODAY)
        d.visits["v1"] = _visit(s, st["a_kt"], date(2026, 11, 18), follow_up=date(2026, 11, 25), campaign=d.campaign)
        d.visits["v2"] = _visit(s, st["a_kt"], date(2026, 11, 26), campaign=d.campaign)
        d.visits["v3"] = _visit(s, st["b_9kt"], date(2026, 11, 24), campaign=d.campaign)
        d.visits["v4"] = _visit(s, st["c_2abs"], date(2026, 11, 20), follow_up=date(2026, 11, 27))
        d.visits["d1"] = _visit(s, st["a_abs"], date(2026, 11, 27), draft=True)
        # Return checks.
        return_checks.record_return_check(s, st["c_1kt"], returned=False, checked_on="2026-09-01",
                                          reason="家中有事", today=TODAY)
        return_checks.record_return_check(s, st["a_6drop"], returned=False, checked_on="2026-09-01",
                                          reason="外出", today=TODAY)
        return_checks.record_return_check(s, st["a_kt"], returned=True, checked_on="2026-09-01", today=TODAY)
        # Absences.
        attendance.record_absence(s, st["a_abs"], started_on="2026-11-23", reason="未请假", today=TODAY)
        attendance.record_absence(s, st["c_2abs"], started_on="2026-10-26", today=TODAY)
        attendance.record_absence(s, st["a_6grad"], started_on="2026-11-02", excused=True, reason="病假", today=TODAY)
        # Coverage of c_6drop (双线四包).
        responsibility.assign(s, st["c_6drop"], "village", "农支书", unit="坛洛村委", phone="13977120002")
        responsibility.assign(s, st["c_6drop"], "class", "何老师", unit="坛洛小学", phone="13977120003")

    with database.write() as s:
        persuader = [{"name": "韦老师", "phone": "13877110005"}]
        # case5: a_mis, May 2026, a data error; a typical case for the June summary.
        c5 = cases.open_case(s, st["a_mis"], detected_on="2026-05-10", reason="other", today=TODAY)
        cases.record_outcome(s, c5.id, "data_error", outcome_on="2026-05-12", today=TODAY)
        cases.close_case(s, c5.id, closed_on="2026-05-12", today=TODAY)
        cases.mark_typical(s, c5.id, "覃同学被误报辍学，学校核实后确认一直在校就读，及时更正了学籍。")
        # case1: a_6drop, found this week.
        d.cases["c1"] = cases.open_case(s, st["a_6drop"], detected_on="2026-11-24", reason="work",
                                        whereabouts="广东东莞务工", today=TODAY).id
        # case2: b_9ret, back this week.
        c2 = cases.open_case(s, st["b_9ret"], detected_on="2026-10-12", reason="learning", today=TODAY)
        cases.record_attempt(s, c2.id, attempted_on="2026-10-15", persuaders=persuader, result="同意返校", today=TODAY)
        cases.record_outcome(s, c2.id, "returned", outcome_on="2026-11-25", return_mode="regular", today=TODAY)
        d.cases["c2"] = c2.id
        # case3: c_6drop, left alone since its attempt.
        c3 = cases.open_case(s, st["c_6drop"], detected_on="2026-09-20", reason="hardship", today=TODAY)
        cases.record_attempt(s, c3.id, attempted_on="2026-09-25", persuaders=persuader, today=TODAY)
        d.cases["c3"] = c3.id
        # case4: b_8voc, found last week, placed in vocational school this week.
        c4 = cases.open_case(s, st["b_8voc"], detected_on="2026-11-18", reason="marriage", today=TODAY)
        cases.record_outcome(s, c4.id, "vocational", outcome_on="2026-11-26", placement="南宁市第一职业技术学校",
                             today=TODAY)
        d.cases["c4"] = c4.id
        # case6: c_6err, a data error in October.
        c6 = cases.open_case(s, st["c_6err"], detected_on="2026-10-05", reason="other", today=TODAY)
        cases.record_outcome(s, c6.id, "data_error", outcome_on="2026-10-06", today=TODAY)
        cases.close_case(s, c6.id, closed_on="2026-10-06", today=TODAY)
        d.cases["c6"] = c6.id
        # case7: c_4ret, back in September, followed up on 1 October.
        c7 = cases.open_case(s, st["c_4ret"], detected_on="2026-09-10", reason="illness", today=TODAY)
        cases.record_outcome(s, c7.id, "returned", outcome_on="2026-09-20", return_mode="regular", today=TODAY)
        cases.record_follow_up(s, c7.id, followed_on="2026-10-01", in_school=True, today=TODAY)
        d.cases["c7"] = c7.id
        # a_mis: the birth date changed apart from the ID number (as a sync merge of two edits could leave it).
        oplog.update(s, s.get(Student, st["a_mis"]), {"birth_date": date(2016, 4, 5)})
    return d


def make_district(folder: Path) -> tuple[Database, District]:
    """The district in a new data folder (cheap key derivation, as the test fixtures use)."""
    from app.domain.codes import UserRole
    from app.store import keys
    from tests.conftest import FAST_KDF

    previous = keys.DEFAULT_KDF
    keys.DEFAULT_KDF = FAST_KDF
    try:
        database = create_folder(folder, username="admin", password=PASSWORD, display_name="区教育局管理员",
                                 role=UserRole.DISTRICT)
    finally:
        keys.DEFAULT_KDF = previous
    return database, build_district(database, folder)
