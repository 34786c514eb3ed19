"""巩固率 (retention rate) and 辍学率 (dropout rate), as counties compute them (DOMAIN.md, "Figures").

- Retention: this year's graduates ÷ (that cohort's intake N years earlier + transfers in − transfers out)
  × 100%, capped at 100%. N is 6 for primary (grades 1–6), 3 for junior (7–9), 9 for the nine-year rate.
- Dropout: dropouts during the school year ÷ enrolment at the start of the school year × 100%.

The formulas are plain arithmetic; what matters is saying when they cannot be applied. A :class:`Rate` either
carries a value with the numbers it came from, or no value and the reason, in both languages, so a report
prints "cannot be computed: …" instead of a number the records do not support.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import nonmember

from app.domain.ages import school_year_start
from app.domain.codes import Code
from app.domain.i18n import resolve_language

RETENTION_CAP = 100.0


class Stage(Code):
    """A stage of compulsory education, for the retention rate."""

    TABLE = nonmember(("学段", "Stage"))
    PRIMARY = ("primary", "小学", "Primary")
    JUNIOR = ("junior", "初中", "Junior middle")
    NINE_YEAR = ("nine_year", "九年义务教育", "Nine-year compulsory")

    @property
    def entry_grade(self) -> int:
        return 7 if self is Stage.JUNIOR else 1

    @property
    def final_grade(self) -> int:
        return 6 if self is Stage.PRIMARY else 9

    @property
    def years(self) -> int:
        """How many years before its graduation the cohort entered (6, 3 or 9)."""
        return self.final_grade - self.entry_grade + 1


@dataclass(frozen=True)
class Rate:
    """A percentage with its numerator and denominator, or no value and why not."""

    value: float | None  # percent, rounded to 2 decimals; None when it cannot be computed
    numerator: int | None = None
    denominator: int | None = None
    capped: bool = False  # the raw quotient was above 100% (retention only)
    note_zh: str = ""
    note_en: str = ""

    @property
    def computable(self) -> bool:
        return self.value is not None

    def note(self, lang: str | None = None) -> str:
        return self.note_zh if resolve_language(lang) == "zh" else self.note_en

    def shown(self, lang: str | None = None) -> str:
        """'98.50%' or '无法计算' / 'n/a', for a table cell."""
        if self.value is None:
            return "无法计算" if resolve_language(lang) == "zh" else "n/a"
        return f"{self.value:.2f}%"


def not_computable(zh: str, en: str) -> Rate:
    return Rate(value=None, note_zh=zh, note_en=en)


def _percent(numerator: int, denominator: int) -> float:
    return round(100.0 * numerator / denominator, 2)


def retention_rate(graduates: int, intake: int, transfers_in: int, transfers_out: int) -> Rate:
    """巩固率: graduates ÷ (intake + transfers in − transfers out), capped at 100%.

    Not computable when the cohort is empty (no intake, or every member transferred away): a rate over
    nobody is not 0% and not 100%.
    """
    if min(graduates, intake, transfers_in, transfers_out) < 0:
        raise ValueError("counts cannot be negative")
    cohort = intake + transfers_in - transfers_out
    if cohort <= 0:
        return not_computable(
            f"该届学生人数为 {cohort}（入学 {intake} + 转入 {transfers_in} − 转出 {transfers_out}），无法计算巩固率",
            f"The cohort is {cohort} (intake {intake} + in {transfers_in} − out {transfers_out}); "
            "no retention rate")
    raw = 100.0 * graduates / cohort
    if raw > RETENTION_CAP:
        return Rate(RETENTION_CAP, graduates, cohort, capped=True,
                    note_zh=f"实际比值 {raw:.2f}% 超过 100%，按 100% 计",
                    note_en=f"The quotient is {raw:.2f}%, above 100%; counted as 100%")
    return Rate(_percent(graduates, cohort), graduates, cohort)


def dropout_rate(dropouts: int, enrolment: int) -> Rate:
    """辍学率: dropouts during the year ÷ enrolment at the start of the year."""
    if dropouts < 0 or enrolment < 0:
        raise ValueError("counts cannot be negative")
    if enrolment == 0:
        return not_computable("学年初在校生数为 0，无法计算辍学率",
                              "No students were enrolled at the start of the school year; no dropout rate")
    return Rate(_percent(dropouts, enrolment), dropouts, enrolment)


def cohort_intake_year(stage: Stage, on: date) -> date:
    """1 September of the school year in which the cohort graduating in the school year of ``on`` entered."""
    start = school_year_start(on)
    return date(start.year - stage.years + 1, 9, 1)


def records_cover(stage: Stage, on: date, records_since: date | None) -> Rate | None:
    """None when the records reach back to the cohort's intake; else the not-computable Rate saying why.

    The intake of a cohort six or nine years ago is known only from records kept since then; a district
    that started keeping records last year cannot give a retention rate for this year's graduates.
    """
    intake = cohort_intake_year(stage, on)
    if records_since is None:
        return not_computable(f"记录中没有数据，无法计算{stage.zh}巩固率",
                              f"There are no records; no {stage.en.lower()} retention rate")
    if records_since > intake:
        return not_computable(
            f"{stage.zh}巩固率需要该届学生 {intake.year} 年秋季入学时的人数，而记录从 {records_since} 才开始",
            f"The {stage.en.lower()} retention rate needs the cohort's intake in autumn {intake.year}, but the "
            f"records begin on {records_since}")
    return None
