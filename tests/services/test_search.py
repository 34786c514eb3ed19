"""Search as you type and the list queries behind the app's screens (app.services.search, app.services.listing)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.codes import CampaignKind, Sex, VisitorRole, VisitPurpose
from app.services import campaigns, listing, places, roster, visits
from app.services.listing import StudentFilter
from app.services.search import TermKind, parse_term, prefix_bounds, search_students
from app.store.db import Database
from app.store.models import School
from tests.conftest import TODAY, make_student_input
from tests.services.listing_support import make_worklist


# ----------------------------------------------------------------------------- what a typed term is
@pytest.mark.parametrize(("typed", "kind", "text"), [
    ("", TermKind.EMPTY, ""),
    ("   ", TermKind.EMPTY, ""),
    ("韦小明", TermKind.NAME, "韦小明"),
    ("韦 小明", TermKind.NAME, "韦小明"),
    ("覃𰻝", TermKind.NAME, "覃𰻝"),
    ("WXM", TermKind.INITIALS, "wxm"),
    ("ｗｘｍ", TermKind.INITIALS, "wxm"),  # full-width letters from a Chinese input method
    ("4501", TermKind.ID_NUMBER, "4501"),
    ("450107201503050011", TermKind.ID_NUMBER, "450107201503050011"),
    ("45010720150305001x", TermKind.ID_NUMBER, "45010720150305001X"),
    ("4501 0720", TermKind.ID_NUMBER, "45010720"),
    ("g4501", TermKind.STUDENT_NUMBER, "G4501"),
    ("J450107", TermKind.STUDENT_NUMBER, "J450107"),
    ("g", TermKind.INITIALS, "g"),
    ("Anna", TermKind.INITIALS, "anna"),
])
def test_parse_term(typed: str, kind: TermKind, text: str) -> None:
    term = parse_term(typed)
    assert (term.kind, term.text) == (kind, text)


def test_prefix_bounds_cover_exactly_the_texts_that_start_with_the_prefix() -> None:
    low, high = prefix_bounds("wx")
    assert low <= "wx" < high and low <= "wxm" < high and low <= "wx\U0010ffff" < high
    assert not low <= "wy" < high and not low <= "w" < high
    low, high = prefix_bounds("韦")
    assert low <= "韦小明" < high and not low <= "韧" < high
    low, high = prefix_bounds("a\ud7ff")  # the next code point would be a surrogate: stepped over
    assert high == "a\ue000"


# ----------------------------------------------------------------------------- the roster
@pytest.fixture
def people(database: Database, school: School) -> dict[str, str]:
    with database.write() as session:
        other = places.add_school(session, name="石埠中学", school_type="junior")
        ids = {}
        rows = [("韦小明", Sex.MALE, 11, school.id, 4, "2班", {}),
                ("韦小红", Sex.FEMALE, 13, school.id, 4, "10班", {"registered_poor": True}),
                ("覃𰻝", Sex.MALE, 15, school.id, 5, "2班", {"left_behind": "1"}),
                ("黄丽", Sex.FEMALE, 17, other.id, 7, "1班", {"disability_type": "4"}),
                ("陆强", Sex.MALE, 19, other.id, 8, "3班", {})]
        for name, sex, sequence, school_id, grade, class_name, extra in rows:
            inp = make_student_input(school_id, name=name, sex=sex, sequence=sequence, grade=grade,
                                     class_name=class_name, **extra)
            inp.student_number = "G" + inp.id_number  # type: ignore[attr-defined]
            ids[name] = roster.add_student(session, inp, today=TODAY).id  # type: ignore[arg-type]
        ids["other_school"] = other.id
    return ids


def _names(database: Database, flt: StudentFilter) -> list[str]:
    with database.read() as session:
        count = listing.count_students(session, flt)
        rows = listing.student_page(session, flt, 0, 100)
    assert count == len(rows)
    return [row.name for row in rows]


def test_roster_search_and_filters(database: Database, people: dict[str, str], school: School) -> None:
    assert len(_names(database, StudentFilter())) == 5
    assert _names(database, StudentFilter(text="wxm")) == ["韦小明"]
    assert _names(database, StudentFilter(text="wx")) == ["韦小红", "韦小明"]  # initials, then name order
    assert _names(database, StudentFilter(text="韦小")) == ["韦小明", "韦小红"]
    assert _names(database, StudentFilter(text="qb")) == ["覃𰻝"]  # 覃 read as the surname Qín
    assert _names(database, StudentFilter(registered_poor=True)) == ["韦小红"]
    assert _names(database, StudentFilter(left_behind=True)) == ["覃𰻝"]
    assert _names(database, StudentFilter(disability=True)) == ["黄丽"]
    assert _names(database, StudentFilter(school_id=people["other_school"])) == ["黄丽", "陆强"]
    assert _names(database, StudentFilter(school_id=school.id, class_name="2班")) == ["韦小明", "覃𰻝"]
    assert _names(database, StudentFilter(grade=8)) == ["陆强"]
    assert _names(database, StudentFilter(status="dropped_out")) == []
    assert _names(database, StudentFilter(text="韦", registered_poor=True)) == ["韦小红"]
    # The default order: school, grade, class, name.
    with database.read() as session:
        rows = listing.student_page(session, StudentFilter(), 0, 100)
    keys = [(r.school_name, r.grade) for r in rows]
    assert keys == sorted(keys, key=lambda k: ([s for s, _ in keys].index(k[0]), k[1]))


def test_roster_search_by_id_and_student_number(database: Database, people: dict[str, str]) -> None:
    with database.read() as session:
        row = listing.student_page(session, StudentFilter(text="wxm"), 0, 1)[0]
    assert row.id_number and row.student_number
    assert _names(database, StudentFilter(text=row.id_number)) == ["韦小明"]
    assert _names(database, StudentFilter(text=row.id_number[:-1])) == ["韦小明"]
    assert _names(database, StudentFilter(text=row.student_number.lower())) == ["韦小明"]
    assert len(_names(database, StudentFilter(text="450107"))) == 5


def test_key_target_filter_and_flag(database: Database, people: dict[str, str]) -> None:
    from app.services.key_targets import clear_key_target, flag_key_target

    with database.write() as session:
        flag_key_target(session, people["陆强"], ["work"], today=TODAY)
    assert _names(database, StudentFilter(key_target=True)) == ["陆强"]
    with database.read() as session:
        rows = listing.student_page(session, StudentFilter(text="陆"), 0, 10)
    assert rows[0].key_target
    with database.write() as session:
        clear_key_target(session, people["陆强"])
    assert _names(database, StudentFilter(key_target=True)) == []


def test_pages_and_deleted_students(database: Database, people: dict[str, str]) -> None:
    with database.read() as session:
        whole = [r.name for r in listing.student_page(session, StudentFilter(), 0, 100)]
        paged = [r.name for offset in range(0, 5, 2) for r in listing.student_page(session, StudentFilter(), offset, 2)]
        assert paged == whole
        assert listing.student_page(session, StudentFilter(), 10, 5) == []
        with pytest.raises(ValueError):
            listing.student_page(session, StudentFilter(), -1, 5)
        with pytest.raises(ValueError):
            listing.student_page(session, StudentFilter(), 0, listing.MAX_PAGE + 1)
    with database.write() as session:
        roster.delete_student(session, people["陆强"])
    assert "陆强" not in _names(database, StudentFilter())
    assert _names(database, StudentFilter(text="陆")) == []


def test_search_students_for_pickers(database: Database, people: dict[str, str], school: School) -> None:
    with database.read() as session:
        assert [hit.name for hit in search_students(session, "wx")] == ["韦小红", "韦小明"]
        assert [hit.name for hit in search_students(session, "韦", limit=1)] == ["韦小明"]
        assert search_students(session, "黄", school_ids=[school.id]) == []
        assert search_students(session, "黄", school_ids=[]) == []
        hit = search_students(session, "黄", school_ids=[people["other_school"]])[0]
        assert (hit.name, hit.grade, hit.class_name) == ("黄丽", 7, "1班")


def test_choices_for_the_filters(database: Database, people: dict[str, str], school: School) -> None:
    with database.read() as session:
        schools = listing.school_choices(session)
        assert [name for _id, name in schools] == sorted(["西乡塘区石埠小学", "石埠中学"])
        assert sorted(listing.school_choices(session, by_township=True)) == sorted(schools)
        assert listing.class_choices(session, school.id) == [(4, "2班"), (4, "10班"), (5, "2班")]  # natural order
        assert listing.class_choices(session, school.id, 5) == [(5, "2班")]
        assert listing.class_choices(session, school.id, 9) == []


# ----------------------------------------------------------------------------- households
def test_household_search_by_head_address_and_village(database: Database, school: School) -> None:
    with database.write() as session:
        township = places.add_township(session, code="450107009", name="石埠街道")
        village = places.add_village(session, township_id=township.id, name="那龙村")
        for head, address, village_id in (("韦大明", "石埠街道那龙村12号", village.id), ("黄国强", "友爱路3号", None),
                                          ("陆金生", "石埠街道忠良村1号", None)):
            roster.add_household(session, roster.HouseholdInput(scope=school.id, head_name=head, address=address,
                                                                village_id=village_id))
    with database.read() as session:
        def heads(text: str) -> list[str | None]:
            assert listing.count_households(session, text) == len(listing.household_page(session, text, 0, 50))
            return [row.head_name for row in listing.household_page(session, text, 0, 50)]

        assert heads("") == ["黄国强", "陆金生", "韦大明"]  # by address (友爱路 sorts before 石埠)
        assert heads("韦") == ["韦大明"]
        assert heads("石埠街道") == ["陆金生", "韦大明"]
        assert heads("那龙") == ["韦大明"]
        assert heads("nothing") == []
        row = listing.household_page(session, "那龙", 0, 1)[0]
        assert row.village_name == "那龙村" and row.students == 0


def test_household_file(database: Database, school: School) -> None:
    with database.write() as session:
        household = roster.add_household(session, roster.HouseholdInput(scope=school.id, head_name="韦大明"))
        household_id = household.id
        roster.add_member(session, roster.MemberInput(household_id, "韦大明", "父亲"))
        roster.add_member(session, roster.MemberInput(household_id, "黄桂英", "祖母", is_guardian=True))
        roster.add_student(session, make_student_input(school.id, household_id=household_id),  # type: ignore[arg-type]
                           today=TODAY)
    with database.read() as session:
        found = listing.household_file(session, household_id)
    assert [m.name for m in found.members] == ["黄桂英", "韦大明"]
    assert [(s.name, s.school_name) for s in found.students] == [("韦小明", "西乡塘区石埠小学")]


# ----------------------------------------------------------------------------- the day's work
def test_work_list(database: Database, school: School) -> None:
    ids = make_worklist(database, school.id)
    with database.read() as session:
        work = listing.work_list(session, today=TODAY)
    assert [(i.student_name, i.overdue, i.due_on) for i in work.items["follow_up"]] == [
        ("甲一", True, TODAY - timedelta(days=3)), ("乙二", False, TODAY + timedelta(days=3))]
    assert [i.record_id for i in work.items["stale_case"]] == [ids["stale_case"]]
    assert work.items["stale_case"][0].due_on == TODAY - timedelta(days=13)
    assert [i.record_id for i in work.items["retention"]] == [ids["retention_case"]]
    assert work.items["retention"][0].due_on == TODAY - timedelta(days=10)
    assert [i.record_id for i in work.items["draft"]] == [ids["draft"]]
    assert work.totals == {"follow_up": 2, "draft": 1, "stale_case": 1, "retention": 1}
    assert work.overdue == {"follow_up": 1, "draft": 0, "stale_case": 1, "retention": 1}
    with database.read() as session:
        other = listing.work_list(session, today=TODAY, school_id="another-school")
        capped = listing.work_list(session, today=TODAY, limit=1)
    assert sum(other.totals.values()) == 0
    assert len(capped.items["follow_up"]) == 1 and capped.totals["follow_up"] == 2


def test_a_follow_up_is_done_by_a_later_visit_and_carried_by_a_correction(database: Database,
                                                                          school: School) -> None:
    ids = make_worklist(database, school.id)
    visitor = [{"name": "李老师", "role": VisitorRole.HEAD_TEACHER}]
    with database.write() as session:
        amendment = visits.amend_visit(session, ids["due_visit"], today=TODAY,
                                       follow_up_on=TODAY + timedelta(days=5))
        amendment_id = amendment.id
    with database.read() as session:
        names = [i.record_id for i in listing.work_list(session, today=TODAY).items["follow_up"]]
    assert ids["due_visit"] in names  # a draft correction does not yet replace the visit
    with database.write() as session:
        visits.finalize_visit(session, amendment_id)
        later = visits.start_visit(session, ids["甲一"], visited_on=TODAY, today=TODAY,
                                   purpose=VisitPurpose.RETENTION, visitors=visitor, measures="继续关注")
        visits.finalize_visit(session, later.id)
    with database.read() as session:
        items = listing.work_list(session, today=TODAY).items["follow_up"]
    assert [i.record_id for i in items] == [amendment_id]
    assert items[0].due_on == TODAY + timedelta(days=5)


def test_campaign_counts_and_the_last_campaign_between_campaigns(database: Database, school: School) -> None:
    ids = make_worklist(database, school.id)
    with database.read() as session:
        counts = listing.campaign_counts(session, today=TODAY)
        assert counts is not None and counts.running and counts.campaign_id == ids["campaign"]
        assert (counts.visits_draft, counts.cases_open, counts.cases_opened) == (1, 3, 1)
        later = listing.campaign_counts(session, today=TODAY + timedelta(days=60))
        assert later is not None and not later.running and later.campaign_id == ids["campaign"]
        assert listing.campaign_counts(session, today=date(2000, 1, 1)) is None
    with database.write() as session:
        campaigns.create_campaign(session, CampaignKind.SUMMER_ZERO, 2027, starts_on=TODAY + timedelta(days=30),
                                  ends_on=TODAY + timedelta(days=90))
    with database.read() as session:
        counts = listing.campaign_counts(session, today=TODAY + timedelta(days=40))
    assert counts is not None and counts.kind == CampaignKind.SUMMER_ZERO and counts.running


# ----------------------------------------------------------------------------- a student's file, history
def test_field_changes_say_who_when_and_from_what(database: Database, student: object) -> None:
    student_id = student.id  # type: ignore[attr-defined]
    with database.write() as session:
        roster.edit_student(session, student_id, class_name="5班", today=TODAY)
    with database.write() as session:
        roster.edit_student(session, student_id, class_name="6班", today=TODAY)
    with database.read() as session:
        changes = listing.field_changes(session, "student", student_id, "class_name")
        untouched = listing.field_changes(session, "student", student_id, "name")
    assert [(c.old, c.new, c.first) for c in changes] == [("5班", "6班", False), ("2班", "5班", False),
                                                          (None, "2班", True)]
    assert {c.user for c in changes} == {"管理员"}
    assert changes[0].at >= changes[1].at >= changes[2].at and changes[0].at.tzinfo is not None
    assert len(untouched) == 1 and untouched[0].first


def test_value_text_shows_labels_names_and_masks(database: Database, school: School) -> None:
    with database.read() as session:
        def text(table: str, name: str, value: object, **kw: object) -> str:
            return listing.value_text(session, table, name, value, **kw)  # type: ignore[arg-type]

        assert text("student", "sex", "2") == "女"
        assert text("student", "sex", "2", lang="en") == "Female"
        assert text("student", "status", "dropped_out") == "辍学"
        assert text("household", "hardship", ["registered_poor", "dibao"]) == "建档立卡、低保"
        assert text("student", "registered_poor", True) == "是"
        assert text("student", "orphan", False, lang="en") == "No"
        assert text("student", "school_id", school.id) == "西乡塘区石埠小学"
        assert text("student", "id_number", "450107201503050011") == "450107********0011"
        assert text("student", "id_number", "450107201503050011", mask=False) == "450107201503050011"
        assert text("student", "student_number", "G450107201503050011") == "G450107********0011"
        assert text("household", "phone", "13800138000") == "138****8000"
        # Disability details are hidden whole, in the language asked for, unless unmasked.
        assert text("student", "disability_type", "4") == "（已隐藏）"
        assert text("student", "disability_grade", "2", lang="en") == "(hidden)"
        assert text("student", "disability_type", "4", mask=False) == "肢体"
        assert text("student", "class_name", None) == ""
        assert text("student", "sex", "9") == "9"  # an unknown code is shown as it is, not hidden


def test_student_file(database: Database, student: object) -> None:
    with database.read() as session:
        found = listing.student_file(session, student.id)  # type: ignore[attr-defined]
    assert found.student.name == "韦小明" and found.school_name == "西乡塘区石埠小学"
    assert found.household is None and found.members == [] and found.cases == [] and found.key_target is None


def test_sync_status_counts_this_laptops_changes_since_the_last_sync(database: Database, school: School) -> None:
    from datetime import UTC, datetime

    from app.store.models import SyncRun

    with database.read() as session:
        before = listing.sync_status(session)
    with database.write() as session:
        roster.add_household(session, roster.HouseholdInput(scope=school.id, head_name="韦大明"))
    with database.read() as session:
        after = listing.sync_status(session)
    assert after.pending == before.pending + 1 and after.last_synced_at is None
    finished = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    with database.write() as session:  # what a sync run records (a local table, not synced)
        session.add(SyncRun(transport="folder", target="E:/jiafang", started_at=finished, finished_at=finished,
                            sent_ops=after.pending, exported_seq=after.pending - 1, ok=True))
        session.add(SyncRun(transport="folder", target="E:/jiafang", started_at=finished,
                            finished_at=datetime(2026, 11, 28, 10, 0, tzinfo=UTC), ok=False))
    with database.read() as session:
        synced = listing.sync_status(session)
    assert synced.pending == 1 and synced.last_synced_at == finished
