"""巩固率 and 辍学率 by DOMAIN.md's formulas, and saying why when they cannot be computed."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.rates import (
    Stage,
    cohort_intake_year,
    dropout_rate,
    records_cover,
    retention_rate,
)


def test_retention_is_graduates_over_intake_plus_in_minus_out() -> None:
    rate = retention_rate(graduates=196, intake=200, transfers_in=5, transfers_out=5)
    assert rate.value == 98.0 and rate.numerator == 196 and rate.denominator == 200
    assert retention_rate(2, 3, 0, 1).value == 100.0
    assert retention_rate(1, 3, 0, 1).value == 50.0
    assert retention_rate(2, 3, 0, 0).shown("zh") == "66.67%"


def test_retention_is_capped_at_100_percent_and_says_so() -> None:
    rate = retention_rate(graduates=105, intake=100, transfers_in=0, transfers_out=2)
    assert rate.value == 100.0 and rate.capped
    assert "107.14%" in rate.note("en") and "100%" in rate.note("zh")


def test_an_empty_cohort_has_no_rate_rather_than_zero() -> None:
    rate = retention_rate(graduates=0, intake=3, transfers_in=0, transfers_out=3)
    assert rate.value is None and not rate.computable
    assert rate.shown("zh") == "无法计算" and rate.shown("en") == "n/a"
    assert "0" in rate.note("zh")
    with pytest.raises(ValueError):
        retention_rate(-1, 3, 0, 0)


def test_dropout_rate_is_dropouts_over_enrolment_at_the_start() -> None:
    assert dropout_rate(5, 17).value == 29.41
    assert dropout_rate(0, 3000).value == 0.0
    empty = dropout_rate(0, 0)
    assert empty.value is None and "0" in empty.note("zh") and "enrolled" in empty.note("en")


def test_stages_and_their_intake_years() -> None:
    assert (Stage.PRIMARY.entry_grade, Stage.PRIMARY.final_grade, Stage.PRIMARY.years) == (1, 6, 6)
    assert (Stage.JUNIOR.entry_grade, Stage.JUNIOR.final_grade, Stage.JUNIOR.years) == (7, 9, 3)
    assert Stage.NINE_YEAR.years == 9
    # The school year 2026–27 graduates entered primary in autumn 2021, junior in 2024, grade 1 (nine-year) 2018.
    on = date(2027, 6, 30)
    assert cohort_intake_year(Stage.PRIMARY, on) == date(2021, 9, 1)
    assert cohort_intake_year(Stage.JUNIOR, date(2026, 11, 29)) == date(2024, 9, 1)
    assert cohort_intake_year(Stage.NINE_YEAR, on) == date(2018, 9, 1)


def test_records_must_reach_back_to_the_intake() -> None:
    on = date(2026, 11, 29)
    assert records_cover(Stage.JUNIOR, on, date(2024, 9, 1)) is None
    late = records_cover(Stage.JUNIOR, on, date(2024, 9, 2))
    assert late is not None and late.value is None
    assert "2024" in late.note("zh") and "2024-09-02" in late.note("en")
    none = records_cover(Stage.PRIMARY, on, None)
    assert none is not None and none.value is None
