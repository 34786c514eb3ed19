"""预警 on the small fixed district: every rule fires where the district says it should, and nowhere else."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.domain.errors import ValidationError
from app.domain.warnings import Severity, Thresholds, WarningRule
from app.services import attendance
from app.services.warnings import count_by_rule, find_warnings
from app.store.db import Database
from tests.conftest import TODAY
from tests.services.report_district import District, build_district


@pytest.fixture
def district(database: Database, data_dir: Path) -> District:
    return build_district(database, data_dir)


def _seen(database: Database, **kwargs: object) -> list[tuple[str, str, str, date]]:
    with database.read() as session:
        found = find_warnings(session, today=TODAY, **kwargs)  # type: ignore[arg-type]
    return [(w.rule.value, w.student_name, w.severity.value, w.since) for w in found]


def test_the_district_warnings_most_urgent_first(database: Database, district: District) -> None:
    assert _seen(database) == [
        ("not_returned", "周芳", "urgent", date(2026, 9, 1)),
        ("absent", "杨金凤", "urgent", date(2026, 10, 26)),
        ("stale_case", "何𰻝宁", "warning", date(2026, 9, 25)),
        ("no_retention_check", "廖勇", "warning", date(2026, 10, 1)),
        ("final_year_at_risk", "梁文杰", "warning", date(2026, 11, 20)),
        ("absent", "黄丽华", "warning", date(2026, 11, 23)),
        ("follow_up_overdue", "杨金凤", "warning", date(2026, 11, 27)),
        ("id_mismatch", "覃志强", "notice", TODAY),
    ]


def test_each_warning_names_the_record_and_who_covers_the_student(database: Database, district: District) -> None:
    with database.read() as session:
        found = {w.rule: w for w in find_warnings(session, today=TODAY)}
    stale = found[WarningRule.STALE_CASE]
    assert (stale.record_kind, stale.record_id) == ("case", district.cases["c3"])
    assert [(c.line, c.role, c.name, c.phone) for c in stale.coverage] == [
        ("government", "village", "农支书", "139****0002"), ("education", "class", "何老师", "139****0003")]
    as_json = stale.as_dict("zh")
    assert as_json["rule_label"] == "劝返停滞" and as_json["student"]["school"] == "坛洛小学"
    assert as_json["coverage"][0]["role_label"] == "包村" and as_json["since"] == "2026-09-25"
    assert set(as_json) == {"rule", "rule_label", "severity", "since", "detail", "student", "record", "coverage"}
    assert found[WarningRule.FOLLOW_UP_OVERDUE].record_id == district.visits["v4"]
    with database.read() as session:
        revealed = find_warnings(session, today=TODAY, rules=[WarningRule.STALE_CASE], reveal=True)
    assert revealed[0].coverage[0].phone == "13977120002"


def test_thresholds_from_settings_change_what_fires(database: Database, district: District) -> None:
    looser = _seen(database, thresholds=Thresholds(absence_days=6, stale_case_days=70, retention_days=60))
    assert {r for r, *_ in looser} == {"not_returned", "absent", "final_year_at_risk", "follow_up_overdue",
                                       "id_mismatch"}
    assert ("absent", "黄丽华", "warning", date(2026, 11, 23)) not in looser
    stricter = _seen(database, thresholds=Thresholds(placement_days=2, key_target_days=3),
                     rules=[WarningRule.PLACEMENT_UNVERIFIED, WarningRule.KEY_TARGET_NOT_VISITED])
    assert stricter == [("placement_unverified", "陈秀英", "urgent", date(2026, 11, 26)),
                        ("key_target_not_visited", "周芳", "warning", date(2026, 11, 25))]


def test_a_school_or_township_sees_only_its_own(database: Database, district: District) -> None:
    school_a = {(r, name) for r, name, *_ in _seen(database, school_id=district.schools["A"])}
    assert school_a == {("absent", "黄丽华"), ("id_mismatch", "覃志强")}
    tanluo = _seen(database, township_id=district.townships["坛洛"])
    assert {name for _, name, *_ in tanluo} == {"周芳", "杨金凤", "何𰻝宁", "廖勇"}
    assert _seen(database, school_id=district.schools["D"]) == []
    with database.read() as session:
        counts = count_by_rule(find_warnings(session, today=TODAY))
    assert counts[WarningRule.ABSENT] == 2 and counts[WarningRule.PLACEMENT_UNVERIFIED] == 0


def test_ending_an_absence_and_opening_a_case_settle_their_warnings(database: Database, district: District) -> None:
    from app.services import cases

    with database.write() as session:
        spell = attendance.open_absence_of(session, district.students["a_abs"])
        assert spell is not None
        spell_id = spell.id
        attendance.end_absence(session, spell_id, ended_on="2026-11-27", today=TODAY)
        cases.open_case(session, district.students["c_1kt"], detected_on="2026-11-28", reason="hardship",
                        today=TODAY)
    seen = {(r, name) for r, name, *_ in _seen(database)}
    assert ("absent", "黄丽华") not in seen and ("not_returned", "周芳") not in seen
    with database.write() as session, pytest.raises(ValidationError):
        attendance.end_absence(session, spell_id, ended_on="2026-11-01", today=TODAY)


def test_absences_only_for_students_in_school(database: Database, district: District) -> None:
    with database.write() as session:
        with pytest.raises(ValidationError) as caught:
            attendance.record_absence(session, district.students["a_6drop"], started_on="2026-11-25", today=TODAY)
        assert "在校" in caught.value.zh
        with pytest.raises(ValidationError):
            attendance.record_absence(session, district.students["b_7"], started_on="2026-12-25", today=TODAY)
        again = attendance.record_absence(session, district.students["a_abs"], started_on="2026-11-24", today=TODAY)
        assert len(attendance.absences_of(session, district.students["a_abs"])) == 1
        assert again.started_on == date(2026, 11, 24)


def test_no_records_no_warnings(database: Database) -> None:
    with database.read() as session:
        assert find_warnings(session, today=TODAY) == []


def test_severity_order_is_urgent_first() -> None:
    assert sorted(Severity, key=lambda s: s.rank)[0] is Severity.URGENT
