"""The early-warning rules, each on its own, with thresholds from the settings."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from app.config import SETTINGS
from app.domain.codes import CaseOutcome, Sex, StudentStatus
from app.domain.identity import make_id_number
from app.domain.lifecycle import CaseStatus
from app.domain.warnings import (
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
    school_days,
    stale_case_warning,
)

TODAY = date(2026, 11, 29)  # a Sunday
T = Thresholds()


def test_every_threshold_is_a_declared_setting_with_the_same_default() -> None:
    declared = {s.name: s for s in SETTINGS}
    for item in fields(Thresholds):
        setting = declared[f"warn_{item.name}"]
        assert setting.default == item.default and setting.kind is int
        assert setting.label_zh and setting.label_en


def test_thresholds_come_from_settings_and_bad_values_keep_the_default() -> None:
    t = Thresholds.from_settings({"warn_absence_days": 5, "warn_stale_case_days": "x", "warn_retention_days": -2,
                                  "warn_placement_days": True, "language": "zh"})
    assert t.absence_days == 5 and t.stale_case_days == 7 and t.retention_days == 30 and t.placement_days == 14


def test_school_days_skip_weekends() -> None:
    assert school_days(date(2026, 11, 23), date(2026, 11, 29)) == 5  # Monday to Sunday
    assert school_days(date(2026, 11, 28), date(2026, 11, 29)) == 0  # a weekend
    assert school_days(date(2026, 10, 26), date(2026, 11, 29)) == 25
    assert school_days(date(2026, 11, 27), date(2026, 11, 23)) == 0


def test_absence_warns_after_some_days_and_urges_a_case_at_four_weeks() -> None:
    assert absence_warning(date(2026, 11, 26), None, has_open_case=False, today=TODAY, t=T) is None  # 2 days
    found = absence_warning(date(2026, 11, 23), None, has_open_case=False, today=TODAY, t=T)
    assert found is not None and found.rule is WarningRule.ABSENT and found.severity is Severity.WARNING
    assert found.since == date(2026, 11, 23) and "5" in found.detail("zh")
    long = absence_warning(date(2026, 10, 26), None, has_open_case=False, today=TODAY, t=T)
    assert long is not None and long.severity is Severity.URGENT and "case" in long.detail("en")
    handled = absence_warning(date(2026, 10, 26), None, has_open_case=True, today=TODAY, t=T)
    assert handled is not None and handled.severity is Severity.NOTICE
    assert absence_warning(date(2026, 10, 26), date(2026, 11, 20), has_open_case=False, today=TODAY, t=T) is None
    stricter = Thresholds(absence_days=2)
    assert absence_warning(date(2026, 11, 26), None, has_open_case=False, today=TODAY, t=stricter) is not None


def test_not_back_at_term_start_without_a_case() -> None:
    found = not_returned_warning(date(2026, 9, 1), "家中有事", has_case=False)
    assert found is not None and found.severity is Severity.URGENT and "家中有事" in found.detail("zh")
    assert not_returned_warning(date(2026, 9, 1), None, has_case=True) is None


def test_stale_case_counts_from_the_last_attempt_or_the_detection() -> None:
    assert stale_case_warning(CaseStatus.OPEN, date(2026, 11, 24), None, today=TODAY, t=T) is None
    fresh = stale_case_warning(CaseStatus.OPEN, date(2026, 11, 20), None, today=TODAY, t=T)
    assert fresh is not None and fresh.severity is Severity.URGENT and fresh.since == date(2026, 11, 20)
    old = stale_case_warning(CaseStatus.PERSUADING, date(2026, 9, 20), date(2026, 9, 25), today=TODAY, t=T)
    assert old is not None and old.since == date(2026, 9, 25) and "65" in old.detail("zh")
    assert stale_case_warning(CaseStatus.RESOLVED, date(2026, 9, 20), None, today=TODAY, t=T) is None


def test_retention_check_due_a_month_after_the_return_or_the_last_check() -> None:
    back = CaseOutcome.RETURNED
    assert retention_warning(CaseStatus.RESOLVED, back, date(2026, 11, 25), None, today=TODAY, t=T) is None
    found = retention_warning(CaseStatus.RESOLVED, back, date(2026, 9, 20), date(2026, 10, 1), today=TODAY, t=T)
    assert found is not None and found.since == date(2026, 10, 1) and "59" in found.detail("en")
    never = retention_warning(CaseStatus.RESOLVED, back, date(2026, 9, 20), None, today=TODAY, t=T)
    assert never is not None and never.since == date(2026, 9, 20)
    # Outcomes that do not put the child back in education are not followed up.
    assert retention_warning(CaseStatus.RESOLVED, CaseOutcome.TRANSFERRED, date(2026, 9, 1), None, today=TODAY,
                             t=T) is None


def test_vocational_placement_must_be_verified() -> None:
    vocational = CaseOutcome.VOCATIONAL
    assert placement_warning(CaseStatus.RESOLVED, vocational, date(2026, 11, 26), False, "职校", today=TODAY,
                             t=T) is None
    found = placement_warning(CaseStatus.RESOLVED, vocational, date(2026, 11, 1), False, "职校", today=TODAY, t=T)
    assert found is not None and found.severity is Severity.URGENT and "职校" in found.detail("zh")
    assert placement_warning(CaseStatus.RESOLVED, vocational, date(2026, 11, 1), True, "职校", today=TODAY,
                             t=T) is None
    assert placement_warning(CaseStatus.RESOLVED, CaseOutcome.RETURNED, date(2026, 11, 1), False, None,
                             today=TODAY, t=T) is None


def test_final_year_students_at_risk() -> None:
    found = final_year_warning(9, StudentStatus.IN_SCHOOL, key_target_since=date(2026, 11, 20), absent_since=None)
    assert found is not None and found.since == date(2026, 11, 20)
    both = final_year_warning(9, StudentStatus.IN_SCHOOL, key_target_since=date(2026, 11, 20),
                              absent_since=date(2026, 11, 2))
    assert both is not None and both.since == date(2026, 11, 2) and "absent" in both.detail("en")
    assert final_year_warning(8, StudentStatus.IN_SCHOOL, key_target_since=date(2026, 11, 20),
                              absent_since=None) is None
    assert final_year_warning(9, StudentStatus.IN_SCHOOL, key_target_since=None, absent_since=None) is None


def test_key_target_not_visited_some_days_into_the_campaign() -> None:
    start = date(2026, 11, 16)
    assert key_target_warning(date(2026, 11, 10), "寒假大家访", start, visited=False, today=TODAY, t=T) is None
    found = key_target_warning(date(2026, 11, 10), "寒假大家访", start, visited=False, today=date(2026, 12, 1), t=T)
    assert found is not None and found.since == start
    assert key_target_warning(date(2026, 11, 10), "寒假大家访", start, visited=True, today=date(2026, 12, 1),
                              t=T) is None


def test_follow_up_overdue_after_the_grace_days() -> None:
    found = follow_up_warning(date(2026, 11, 27), "再次上门", today=TODAY, t=T)
    assert found is not None and found.since == date(2026, 11, 27) and "再次上门" in found.detail("zh")
    assert follow_up_warning(date(2026, 11, 27), None, today=TODAY, t=Thresholds(follow_up_grace_days=2)) is None
    assert follow_up_warning(date(2026, 11, 29), None, today=TODAY, t=T) is None


def test_a_record_disagreeing_with_its_id_number() -> None:
    birth = date(2016, 3, 5)
    number = make_id_number("450107", birth, 13)
    assert id_mismatch_warning(number, birth_date=birth, sex=Sex.MALE, grade=5, status=StudentStatus.IN_SCHOOL,
                               today=TODAY) is None
    wrong = id_mismatch_warning(number, birth_date=date(2016, 4, 5), sex=Sex.FEMALE, grade=5,
                                status=StudentStatus.IN_SCHOOL, today=TODAY)
    assert wrong is not None and "2016-03-05" in wrong.detail("zh") and "sex" in wrong.detail("en")
    too_old = id_mismatch_warning(number, birth_date=birth, sex=Sex.MALE, grade=9, status=StudentStatus.IN_SCHOOL,
                                  today=TODAY)
    assert too_old is not None and "grade" in too_old.detail("en")
    broken = id_mismatch_warning(number[:-1] + ("0" if number[-1] != "0" else "1"), birth_date=birth, sex=Sex.MALE,
                                 grade=5, status=StudentStatus.IN_SCHOOL, today=TODAY)
    assert broken is not None and broken.rule is WarningRule.ID_MISMATCH


def test_every_rule_and_severity_has_both_labels() -> None:
    for rule in WarningRule:
        assert rule.zh and rule.en
    assert [s.rank for s in Severity] == [0, 1, 2]
