"""周报、月报: the weekly and monthly dropout-control reports, per school, per township and for the district.

What a report counts (the same definitions are printed in every report):

- **found**: dropout cases detected in the period (一人一案, by the case's school);
- **back**: cases whose outcome, recorded in the period, puts the child back in education (返校复学, 随班就读,
  特殊教育学校, 送教上门, 延缓入学/休学, 中职安置); **outcomes**: every outcome recorded in the period;
- **still out**: cases detected by the period's end with no outcome and not closed by then;
- **registered poor** (建档立卡): the students among found, back and still out whose record carries the flag;
- **visits done**: finalized visit records dated in the period (corrections of a visit are not new visits);
  **planned**: the follow-ups that visits scheduled in the period, plus, while a campaign runs, each active key
  target not yet visited in that campaign before the period began; **planned done**: those of them whose
  student was visited again (follow-ups) or visited in the campaign (key targets) by the period's end;
- **key targets**: active key targets flagged by the period's end; **new**: flagged in the period;
- **dropout rate** (辍学率): students with a case detected in the school year up to the period's end (a case
  found to be a data error is not a dropout) ÷ the students enrolled (in school, taught at home or suspended)
  on 1 September, that roll reconstructed from the current roll and the registry changes since;
- **retention rate** (巩固率): this year's graduates ÷ (the cohort's intake + transfers in − transfers out), with
  the intake reconstructed from the cohort as recorded (members still on the roll or graduated this year, plus
  those who died or transferred out since the intake, minus those who transferred in). The records must reach
  back to the intake (``records_since``), and the report must be for the current school year; otherwise the
  report says why the rate cannot be computed.

Figures are counts over the records as they are now, so a period's stock figures (still out, key targets) are
as of its end as far as the records tell (a flag cleared later does not say when).
"""

from __future__ import annotations

import calendar
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from enum import nonmember
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.domain.ages import school_year_start
from app.domain.codes import CaseOutcome, Code, DropoutReason, RegistryChangeType, SchoolType, StudentStatus
from app.domain.errors import NotFoundError, ValidationError
from app.domain.i18n import resolve_language
from app.domain.rates import Rate, Stage, dropout_rate, not_computable, records_cover, retention_rate
from app.store.clock import physical_ms
from app.store.models import Campaign, DropoutCase, School, Student, Township, Visit

# Enrolled on the roll for the dropout rate's denominator (送教上门 and 休学 keep their registry place).
ENROLLED = (StudentStatus.IN_SCHOOL.value, StudentStatus.HOME_TEACHING.value, StudentStatus.SUSPENDED.value)
# On the roll: enrolled, or a dropout who keeps the registry record (DOMAIN: a dropout keeps the record).
ON_ROLL = (*ENROLLED, StudentStatus.DROPPED_OUT.value)
_NO_TOWNSHIP = "-"


class ReportKind(Code):
    TABLE = nonmember(("报表", "Report"))
    WEEKLY = ("weekly", "周报", "Weekly report")
    MONTHLY = ("monthly", "月报", "Monthly report")


class Level(Code):
    TABLE = nonmember(("统计层级", "Level"))
    DISTRICT = ("district", "全区", "District")
    TOWNSHIP = ("township", "镇/街道", "Township")
    SCHOOL = ("school", "学校", "School")


# ----------------------------------------------------------------------------- periods
@dataclass(frozen=True)
class Period:
    kind: ReportKind
    start: date
    end: date
    as_of: date  # the period's end, or the day asked for when that is earlier

    def previous(self) -> Period:
        return period_of(self.kind, self.start - timedelta(days=1), today=self.start - timedelta(days=1))

    def label(self, lang: str | None = None) -> str:
        zh = resolve_language(lang) == "zh"
        if self.kind is ReportKind.MONTHLY:
            return f"{self.start.year}年{self.start.month}月" if zh else self.start.strftime("%B %Y")
        week = self.start.isocalendar()
        if zh:
            return f"{week.year}年第{week.week}周（{self.start}—{self.end}）"
        return f"week {week.week} of {week.year} ({self.start} to {self.end})"


def period_of(kind: ReportKind | str, on: date, *, today: date | None = None) -> Period:
    """The week (Monday to Sunday) or calendar month containing ``on``; figures as of ``on`` at the latest."""
    kind = kind if isinstance(kind, ReportKind) else ReportKind.parse(kind)
    if kind is ReportKind.WEEKLY:
        start = on - timedelta(days=on.weekday())
        end = start + timedelta(days=6)
    else:
        start = on.replace(day=1)
        end = on.replace(day=calendar.monthrange(on.year, on.month)[1])
    return Period(kind, start, end, min(end, today or on))


# ----------------------------------------------------------------------------- figures
@dataclass
class Cohort:
    """What the retention rate of one stage needs, additive over schools."""

    graduates: int = 0  # graduated (or, in a nine-year school, completed grade 6) this year by the period's end
    members: int = 0  # the cohort as recorded: on the roll in the final grade, or graduated this year
    deaths: int = 0  # died while in the cohort, since its intake
    transfers_in: int = 0
    transfers_out: int = 0

    @property
    def intake(self) -> int:
        return self.members + self.deaths + self.transfers_out - self.transfers_in

    def __add__(self, other: Cohort) -> Cohort:
        return Cohort(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass
class Figures:
    """The counts of one unit for one period; additive, so a township is the sum of its schools."""

    students: int = 0  # on the roll now
    found: int = 0
    found_by_reason: Counter[str] = field(default_factory=Counter)
    back: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    still_out: int = 0
    still_out_by_reason: Counter[str] = field(default_factory=Counter)
    poor_found: int = 0
    poor_back: int = 0
    poor_still_out: int = 0
    visits_done: int = 0
    visits_planned: int = 0
    planned_done: int = 0
    key_targets: int = 0
    key_targets_new: int = 0
    enrolment: int = 0  # enrolled on 1 September of the school year
    dropouts_year: int = 0  # students with a case detected in the school year by the period's end
    cohorts: dict[Stage, Cohort] = field(default_factory=lambda: {Stage.PRIMARY: Cohort(), Stage.JUNIOR: Cohort()})

    def add(self, other: Figures) -> None:
        """Add ``other``'s counts into these (a township is summed from 150 schools: no new objects per step)."""
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in _COUNTERS:
            getattr(self, name).update(getattr(other, name))
        for stage, cohort in other.cohorts.items():
            mine = self.cohorts.setdefault(stage, Cohort())
            mine.graduates += cohort.graduates
            mine.members += cohort.members
            mine.deaths += cohort.deaths
            mine.transfers_in += cohort.transfers_in
            mine.transfers_out += cohort.transfers_out

    @classmethod
    def total(cls, parts: Iterable[Figures]) -> Figures:
        found = cls()
        for part in parts:
            found.add(part)
        return found


_COUNTERS = tuple(f.name for f in fields(Figures) if f.name.endswith("_reason") or f.name == "outcomes")
_COUNTS = tuple(f.name for f in fields(Figures) if f.name not in _COUNTERS and f.name != "cohorts")


@dataclass(frozen=True)
class UnitRow:
    """One line of a report: a school, a township or the district, this period and the previous one."""

    level: Level
    unit_id: str | None
    name: str
    figures: Figures
    previous: Figures
    dropout_rate: Rate
    previous_dropout_rate: Rate
    retention: Mapping[Stage, Rate]  # the stages that apply to the unit

    @property
    def empty(self) -> bool:
        return self.figures.students == 0 and self.figures.found == 0 and self.figures.still_out == 0


@dataclass(frozen=True)
class TypicalCase:
    case_id: str
    student_name: str
    school_name: str
    reason: str
    outcome: str | None
    story: str


@dataclass(frozen=True)
class StudentLine:
    """A student behind a school's figures, for the drill-down: what the report counts them as."""

    student_id: str
    name: str
    grade: int
    class_name: str
    counted_as: str  # found / back / still_out / outcome / key_target_planned
    case_id: str | None
    reason: str | None
    detected_on: date | None
    outcome: str | None
    registered_poor: bool


@dataclass(frozen=True)
class Report:
    kind: ReportKind
    period: Period
    previous: Period
    level: Level
    unit_id: str | None
    unit_name: str
    total: UnitRow
    rows: tuple[UnitRow, ...]  # townships of the district, schools of a township, the school itself
    typical: tuple[TypicalCase, ...]
    records_since: date | None
    notes: tuple[tuple[str, str], ...] = ()  # (zh, en)

    @property
    def empty(self) -> bool:
        """No students and no case in the scope: the report says so rather than print a table of zeros."""
        return self.total.empty

    @property
    def june_summary(self) -> bool:
        return self.kind is ReportKind.MONTHLY and self.period.start.month == 6

    def note_lines(self, lang: str | None = None) -> list[str]:
        zh = resolve_language(lang) == "zh"
        return [n[0] if zh else n[1] for n in self.notes]


# ----------------------------------------------------------------------------- what the records hold
@dataclass(frozen=True)
class _Case:
    id: str
    student_id: str
    school_id: str
    status: str
    detected_on: date
    reason: str
    outcome: str | None
    outcome_on: date | None
    closed_on: date | None
    typical: bool
    story: str | None
    poor: bool
    name: str
    grade: int
    class_name: str


@dataclass(frozen=True)
class _Visit:
    id: str
    student_id: str
    school_id: str
    visited_on: date
    follow_up_on: date | None
    campaign_id: str | None
    amends: bool


@dataclass
class _Records:
    schools: dict[str, tuple[str, str | None, str]]  # id -> (name, township id, school type)
    townships: dict[str, str]
    cases: list[_Case]
    visits: list[_Visit]  # finalized only
    flags: list[tuple[str, str, date, str]]  # student id, school id, flagged on, flag id
    campaigns: list[tuple[str, date, date]]
    roll: Counter[str]  # school id -> students on the roll now
    students: dict[str, tuple[str, int, str]]  # key-target students: id -> (name, grade, class)
    enrolled: Counter[str]  # school id -> students enrolled now


def _live(model: Any) -> Any:
    return model.deleted.is_(False)


def _load(session: Session) -> _Records:
    schools = {sid: (name, town, kind) for sid, name, town, kind in session.execute(
        select(School.id, School.name, School.township_id, School.school_type).where(_live(School)))}
    # In division-code order (衡阳 450107001 first), as the bureau's own tables list them.
    townships = dict(session.execute(select(Township.id, Township.name).where(_live(Township))
                                     .order_by(Township.code)).all())
    cases = [_Case(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], bool(row[9]), row[10],
                   bool(row[11]), row[12], row[13], row[14] or "") for row in session.execute(
        select(DropoutCase.id, DropoutCase.student_id, DropoutCase.school_id, DropoutCase.status,
               DropoutCase.detected_on, DropoutCase.reason, DropoutCase.outcome, DropoutCase.outcome_on,
               DropoutCase.closed_on, DropoutCase.typical, DropoutCase.story, Student.registered_poor, Student.name,
               Student.grade, Student.class_name)
        .join(Student, Student.id == DropoutCase.student_id)
        .where(_live(DropoutCase), _live(Student)))]
    visits = [_Visit(vid, sid, school, day, follow, campaign, amends is not None) for
              vid, sid, school, day, follow, campaign, amends in session.execute(
                  select(Visit.id, Visit.student_id, Visit.school_id, Visit.visited_on, Visit.follow_up_on,
                         Visit.campaign_id, Visit.amends_visit_id)
                  .where(_live(Visit), Visit.status == "finalized"))]
    gone = (StudentStatus.GRADUATED.value, StudentStatus.TRANSFERRED_OUT.value, StudentStatus.DECEASED.value)
    flags = []
    students: dict[str, tuple[str, int, str]] = {}
    # Key targets first, each student looked up by id (CROSS JOIN keeps that order): without it SQLite walks all
    # 100,000 students to find the few thousand flagged, three times slower.
    placeholders = ", ".join(f"'{g}'" for g in gone)
    for student_id, school_id, flagged, flag_id, name, grade, class_name in session.execute(text(
            "SELECT k.student_id, s.school_id, k.flagged_on, k.id, s.name, s.grade, s.class_name "
            "FROM key_target k CROSS JOIN student s ON s.id = k.student_id "
            f"WHERE k.deleted = 0 AND k.active = 1 AND s.deleted = 0 AND s.status NOT IN ({placeholders})")):
        day = flagged if isinstance(flagged, date) else date.fromisoformat(flagged)
        flags.append((student_id, school_id, day, flag_id))
        students[student_id] = (name, grade, class_name or "")
    campaigns = [tuple(row) for row in session.execute(
        select(Campaign.id, Campaign.starts_on, Campaign.ends_on).where(_live(Campaign)))]
    # One scan of the roster index (it carries the status) gives both the roll and today's enrolment by school.
    roll: Counter[str] = Counter()
    enrolled: Counter[str] = Counter()
    for school_id, status, count in session.execute(text(
            "SELECT school_id, status, count(*) FROM student WHERE deleted = 0 GROUP BY school_id, status")):
        if status in ON_ROLL:
            roll[school_id] += count
        if status in ENROLLED:
            enrolled[school_id] += count
    return _Records(schools, townships, cases, visits, flags, campaigns, roll,  # type: ignore[arg-type]
                    students, enrolled)


# The students with a registry change on or after a day: their first such change (which records the school and
# status it changed from, i.e. those of that day) and where they are now.
_CHANGED_SINCE_SQL = """
WITH firsts AS (
    SELECT student_id, from_school_id, from_status,
           row_number() OVER (PARTITION BY student_id ORDER BY effective_on, id) AS n
    FROM registry_change WHERE deleted = 0 AND effective_on >= :day
)
SELECT f.from_school_id, f.from_status, s.school_id, s.status
FROM firsts f JOIN student s ON s.id = f.student_id
WHERE f.n = 1 AND s.deleted = 0
"""


def enrolment_on(session: Session, day: date, enrolled_now: Counter[str] | None = None) -> Counter[str]:
    """Students enrolled (in school, taught at home, suspended) at each school on ``day``.

    Today's enrolment, with each student changed since ``day`` moved back to the school and status their first
    change since then records: a registry change is the only way a status or school changes, so the few changed
    students are all that differ (reading them is far cheaper than replaying every student).
    """
    if enrolled_now is None:
        enrolled_now = Counter()
        placeholders = ", ".join(f"'{s}'" for s in ENROLLED)
        for school_id, count in session.execute(text(
                f"SELECT school_id, count(*) FROM student WHERE deleted = 0 AND status IN ({placeholders}) "
                "GROUP BY school_id")):
            enrolled_now[school_id] = count
    found = Counter(enrolled_now)
    for from_school, from_status, school, status in session.execute(text(_CHANGED_SINCE_SQL),
                                                                    {"day": day.isoformat()}):
        if status in ENROLLED:
            found[school] -= 1
        if from_status in ENROLLED and from_school:
            found[from_school] += 1
    return +found  # drops schools counted down to nothing


def _stages_of(school_type: str) -> tuple[Stage, ...]:
    grades = SchoolType(school_type).grades
    return tuple(stage for stage in (Stage.PRIMARY, Stage.JUNIOR) if stage.final_grade in grades)


def cohorts_on(session: Session, as_of: date) -> dict[str, dict[Stage, Cohort]]:
    """The retention inputs of each school and stage, for the cohorts graduating in the school year of ``as_of``
    (valid for the current school year only: cohort members are read from today's grades)."""
    year_start = school_year_start(as_of)
    year_end = date(year_start.year + 1, 8, 31)
    result: dict[str, dict[Stage, Cohort]] = defaultdict(lambda: {Stage.PRIMARY: Cohort(), Stage.JUNIOR: Cohort()})
    # Members on the roll in a final grade now.
    on_roll = ", ".join(f"'{s}'" for s in ON_ROLL)
    for school_id, grade, count in session.execute(text(
            f"SELECT school_id, grade, count(*) FROM student WHERE deleted = 0 AND grade IN (6, 9) "
            f"AND status IN ({on_roll}) GROUP BY school_id, grade")):
        result[school_id][Stage.PRIMARY if grade == 6 else Stage.JUNIOR].members += count
    # This year's completions: graduation from grade 6 or 9, or (nine-year schools) promotion out of grade 6.
    for school_id, grade, effective, count in session.execute(text(
            "SELECT from_school_id, from_grade, effective_on <= :as_of, count(DISTINCT student_id) "
            "FROM registry_change WHERE deleted = 0 AND effective_on >= :start AND effective_on <= :end "
            "AND ((change_type = 'graduation' AND from_grade IN (6, 9)) "
            "     OR (change_type = 'promotion' AND from_grade = 6)) "
            "GROUP BY from_school_id, from_grade, effective_on <= :as_of"),
            {"start": year_start.isoformat(), "end": year_end.isoformat(), "as_of": as_of.isoformat()}):
        cohort = result[school_id][Stage.PRIMARY if grade == 6 else Stage.JUNIOR]
        cohort.members += count
        if effective:
            cohort.graduates += count
    # Transfers and deaths since the earliest intake (junior cohorts entered 3 years ago, primary 6), kept when
    # the grade the student left from is the cohort's grade in that year.
    earliest = date(year_start.year - Stage.PRIMARY.years + 1, 9, 1)
    for change, from_school, to_school, from_grade, effective in session.execute(text(
            "SELECT change_type, from_school_id, to_school_id, from_grade, effective_on FROM registry_change "
            "WHERE deleted = 0 AND effective_on >= :earliest AND effective_on <= :as_of "
            "AND change_type IN ('transfer_in', 'transfer_out', 'death') AND from_grade IS NOT NULL"),
            {"earliest": earliest.isoformat(), "as_of": as_of.isoformat()}):
        day = effective if isinstance(effective, date) else date.fromisoformat(effective)
        years_before = year_start.year - school_year_start(day).year
        for stage in (Stage.PRIMARY, Stage.JUNIOR):
            if years_before >= stage.years or from_grade != stage.final_grade - years_before:
                continue
            if change == RegistryChangeType.TRANSFER_IN.value:
                result[to_school][stage].transfers_in += 1
            elif change == RegistryChangeType.TRANSFER_OUT.value:
                result[from_school][stage].transfers_out += 1
            else:
                result[from_school][stage].deaths += 1
    return result


def nine_year_cohort(session: Session, as_of: date,
                     school_cohorts: Mapping[str, Mapping[Stage, Cohort]] | None = None) -> Cohort:
    """The district's nine-year cohort: this year's grade-9 graduates against grade-1 intake nine years ago.

    Moves between the district's schools appear as a transfer out and a transfer in and cancel; moving from a
    primary to a junior school is a graduation and a new enrolment, so the cohort is read from grade 9.
    """
    year_start = school_year_start(as_of)
    total = Cohort()
    by_school = school_cohorts if school_cohorts is not None else cohorts_on(session, as_of)
    for cohorts in by_school.values():
        junior = cohorts[Stage.JUNIOR]
        total.graduates += junior.graduates
        total.members += junior.members
    earliest = date(year_start.year - Stage.NINE_YEAR.years + 1, 9, 1)
    for change, from_grade, effective in session.execute(text(
            "SELECT change_type, from_grade, effective_on FROM registry_change WHERE deleted = 0 "
            "AND effective_on >= :earliest AND effective_on <= :as_of "
            "AND change_type IN ('transfer_in', 'transfer_out', 'death') AND from_grade IS NOT NULL"),
            {"earliest": earliest.isoformat(), "as_of": as_of.isoformat()}):
        day = effective if isinstance(effective, date) else date.fromisoformat(effective)
        years_before = year_start.year - school_year_start(day).year
        if years_before >= Stage.NINE_YEAR.years or from_grade != 9 - years_before:
            continue
        if change == RegistryChangeType.TRANSFER_IN.value:
            total.transfers_in += 1
        elif change == RegistryChangeType.TRANSFER_OUT.value:
            total.transfers_out += 1
        else:
            total.deaths += 1
    return total


def records_begin(session: Session) -> date | None:
    """The day of the first record any device made (the first op of each device), None for an empty store."""
    hlc = session.scalar(text("SELECT min(o.hlc) FROM op_atom a JOIN op_log o ON o.device = a.id AND o.seq = 1"))
    if hlc is None:
        return None
    return datetime.fromtimestamp(physical_ms(int(hlc)) / 1000).date()


def records_since_setting(value: Any) -> date | None:
    """The ``records_complete_since`` setting as a date (None when unset or not a date)."""
    try:
        return date.fromisoformat(str(value).strip()) if value else None
    except ValueError:
        return None


# ----------------------------------------------------------------------------- figures of a period
def _figures(records: _Records, period: Period, enrolment: Counter[str]) -> dict[str, Figures]:
    by_school: dict[str, Figures] = defaultdict(Figures)
    start, end = period.start, period.as_of
    year_start = school_year_start(end)
    dropouts: dict[str, set[str]] = defaultdict(set)
    for case in records.cases:
        figures = by_school[case.school_id]
        resolved = case.outcome is not None and case.outcome_on is not None and case.outcome_on <= end
        closed = case.closed_on is not None and case.closed_on <= end
        if start <= case.detected_on <= end:
            figures.found += 1
            figures.found_by_reason[case.reason] += 1
            figures.poor_found += case.poor
        if case.outcome is not None and case.outcome_on is not None and start <= case.outcome_on <= end:
            figures.outcomes[case.outcome] += 1
            if CaseOutcome(case.outcome).is_return:
                figures.back += 1
                figures.poor_back += case.poor
        if case.detected_on <= end and not resolved and not closed:
            figures.still_out += 1
            figures.still_out_by_reason[case.reason] += 1
            figures.poor_still_out += case.poor
        if year_start <= case.detected_on <= end and case.outcome != CaseOutcome.DATA_ERROR.value:
            dropouts[case.school_id].add(case.student_id)
    for school_id, students in dropouts.items():
        by_school[school_id].dropouts_year = len(students)

    # Visits: done in the period, and the planned ones (see the module's docstring).
    visits_of: dict[str, list[_Visit]] = defaultdict(list)
    for visit in records.visits:
        visits_of[visit.student_id].append(visit)
        if start <= visit.visited_on <= end and not visit.amends:
            by_school[visit.school_id].visits_done += 1
    for visit in records.visits:
        if visit.follow_up_on is not None and start <= visit.follow_up_on <= end and not visit.amends:
            figures = by_school[visit.school_id]
            figures.visits_planned += 1
            if any(v.id != visit.id and visit.visited_on < v.visited_on <= end for v in visits_of[visit.student_id]):
                figures.planned_done += 1
    running = [(cid, max(s, start), min(e, end), s) for cid, s, e in records.campaigns if s <= end and e >= start]
    for student_id, school_id, flagged, _ in records.flags:
        figures = by_school[school_id]
        if flagged <= end:
            figures.key_targets += 1
        if start <= flagged <= end:
            figures.key_targets_new += 1
        for _, window_start, window_end, campaign_start in running:
            if flagged > window_end:
                continue
            days = [v.visited_on for v in visits_of.get(student_id, ())]
            if any(campaign_start <= d < window_start for d in days):
                continue  # visited in this campaign before the period: not planned for it
            figures.visits_planned += 1
            if any(window_start <= d <= window_end for d in days):
                figures.planned_done += 1
    for school_id, count in records.roll.items():
        by_school[school_id].students = count
    for school_id, count in enrolment.items():
        by_school[school_id].enrolment = count
    return by_school


@dataclass(frozen=True)
class _Gates:
    """Why each retention rate cannot be computed, or None when it can."""

    stages: Mapping[Stage, Rate | None]


def _gates(period: Period, today: date, records_since: date | None) -> _Gates:
    gates: dict[Stage, Rate | None] = {}
    for stage in Stage:
        if school_year_start(period.as_of) != school_year_start(today):
            gates[stage] = not_computable(
                f"巩固率按本学年的在册学生计算，{period.as_of} 不在本学年内",
                f"Retention rates are computed for the current school year only; {period.as_of} is not in it")
        else:
            gates[stage] = records_cover(stage, period.as_of, records_since)
    return _Gates(gates)


def _retention(cohort: Cohort, gate: Rate | None) -> Rate:
    if gate is not None:
        return gate
    return retention_rate(cohort.graduates, cohort.intake, cohort.transfers_in, cohort.transfers_out)


def _dropout(figures: Figures) -> Rate:
    return dropout_rate(figures.dropouts_year, figures.enrolment)


def build_report(session: Session, kind: ReportKind | str, on: date, *, level: Level | str = Level.DISTRICT,
                 unit_id: str | None = None, records_since: date | None = None, today: date | None = None,
                 progress: Callable[[str, float], None] | None = None) -> Report:
    """The weekly or monthly report of the period containing ``on``, for the district, a township or a school.

    ``records_since``: the day from which the records hold the whole roll (the ``records_complete_since``
    setting); when None, the day of the first record. ``today`` decides which school year is current.
    """
    kind = kind if isinstance(kind, ReportKind) else ReportKind.parse(kind)
    level = level if isinstance(level, Level) else Level.parse(level)
    today = today or date.today()
    if on > today:
        raise ValidationError(f"报表日期 {on} 在今天之后。", f"The report date {on} is in the future.", field="date")
    period = period_of(kind, on, today=today)
    previous = period.previous()
    step = progress or (lambda stage, fraction: None)
    records = _load(session)
    step("records", 0.3)
    if level is not Level.DISTRICT and not unit_id:
        raise ValidationError("请选择镇/街道或学校。", "Choose a township or a school.", field="unit_id")
    if level is Level.TOWNSHIP and unit_id not in records.townships:
        raise NotFoundError(f"找不到镇/街道（编号 {unit_id}）。", f"No township with id {unit_id}.")
    if level is Level.SCHOOL and unit_id not in records.schools:
        raise NotFoundError(f"找不到学校（编号 {unit_id}）。", f"No school with id {unit_id}.")
    since = records_since if records_since is not None else records_begin(session)
    enrolments: dict[date, Counter[str]] = {}

    def enrolment_for(p: Period) -> Counter[str]:
        day = school_year_start(p.as_of)
        if day not in enrolments:
            enrolments[day] = enrolment_on(session, day, records.enrolled)
        return enrolments[day]

    now = _figures(records, period, enrolment_for(period))
    before = _figures(records, previous, enrolment_for(previous))
    step("figures", 0.6)
    gates_now = _gates(period, today, since)
    cohorts: dict[str, dict[Stage, Cohort]] = {}
    if any(g is None for g in gates_now.stages.values()):
        cohorts = cohorts_on(session, period.as_of)
    for school_id, by_stage in cohorts.items():
        now[school_id].cohorts = by_stage
    step("rates", 0.8)

    def row(level_: Level, unit: str | None, name: str, school_ids: Iterable[str], stages: tuple[Stage, ...],
            district: bool = False) -> UnitRow:
        ids = list(school_ids)
        mine = Figures.total(now[s] for s in ids if s in now)
        theirs = Figures.total(before[s] for s in ids if s in before)
        retention = {stage: _retention(mine.cohorts.get(stage, Cohort()), gates_now.stages[stage])
                     for stage in stages}
        if district:
            gate = gates_now.stages[Stage.NINE_YEAR]
            retention[Stage.NINE_YEAR] = gate if gate is not None else _retention(
                nine_year_cohort(session, period.as_of, cohorts), None)
        return UnitRow(level_, unit, name, mine, theirs, _dropout(mine), _dropout(theirs), retention)

    schools_of: dict[str, list[str]] = defaultdict(list)
    for school_id, (_, town, _) in records.schools.items():
        schools_of[town or _NO_TOWNSHIP].append(school_id)
    both = (Stage.PRIMARY, Stage.JUNIOR)
    notes: list[tuple[str, str]] = []
    if level is Level.DISTRICT:
        unit_name = "全区"
        rows = []
        order = {town: number for number, town in enumerate(records.townships)}
        for town_id in sorted(schools_of, key=lambda t: order.get(t, len(order))):
            name = records.townships.get(town_id, "未归属镇/街道的学校")
            rows.append(row(Level.TOWNSHIP, None if town_id == _NO_TOWNSHIP else town_id, name, schools_of[town_id],
                            both))
        scope_ids = list(records.schools)
        total = row(Level.DISTRICT, None, unit_name, scope_ids, both, district=True)
    elif level is Level.TOWNSHIP:
        assert unit_id is not None
        unit_name = records.townships[unit_id]
        scope_ids = schools_of.get(unit_id, [])
        rows = [row(Level.SCHOOL, s, records.schools[s][0], [s], _stages_of(records.schools[s][2]))
                for s in sorted(scope_ids, key=lambda s: records.schools[s][0])]
        total = row(Level.TOWNSHIP, unit_id, unit_name, scope_ids, both)
        if not scope_ids:
            notes.append((f"{unit_name}没有登记学校。", f"{unit_name} has no schools on record."))
    else:
        assert unit_id is not None
        unit_name = records.schools[unit_id][0]
        scope_ids = [unit_id]
        total = row(Level.SCHOOL, unit_id, unit_name, scope_ids, _stages_of(records.schools[unit_id][2]))
        rows = [total]
    scope = set(scope_ids)
    if total.figures.students == 0:
        notes.append((f"{unit_name}没有在册学生，各项比率无法计算。",
                      f"{unit_name} has no students on the roll; no rate can be computed."))
    elif not (total.figures.found or total.figures.still_out or total.figures.outcomes or total.figures.visits_done
              or total.figures.visits_planned):
        notes.append(("本期没有辍学个案和家访记录。", "No dropout cases and no visits in this period."))
    if since is not None and since > school_year_start(period.as_of):
        notes.append((f"记录从 {since} 开始：学年初（{school_year_start(period.as_of)}）的在校生数按现有学籍和其后的"
                      "学籍异动推算。",
                      f"The records begin on {since}: the enrolment of {school_year_start(period.as_of)} is "
                      "reconstructed from the current roll and the registry changes since."))
    typical: list[TypicalCase] = []
    if kind is ReportKind.MONTHLY and period.start.month == 6:
        year_start = school_year_start(period.as_of)
        for case in sorted(records.cases, key=lambda c: (c.detected_on, c.id)):
            if case.typical and case.school_id in scope and (
                    year_start <= case.detected_on <= period.as_of
                    or (case.outcome_on is not None and year_start <= case.outcome_on <= period.as_of)):
                typical.append(TypicalCase(case.id, case.name, records.schools.get(case.school_id, ("",))[0],
                                           case.reason, case.outcome, case.story or ""))
    step("report", 1.0)
    return Report(kind, period, previous, level, unit_id, unit_name, total, tuple(rows), tuple(typical), since,
                  tuple(notes))


def school_lines(session: Session, school_id: str, kind: ReportKind | str, on: date, *,
                 today: date | None = None) -> list[StudentLine]:
    """The students behind a school's figures in the period of ``on``: cases found, back, still out or with an
    outcome, and key targets planned for a visit and not yet visited (the report's drill-down)."""
    kind = kind if isinstance(kind, ReportKind) else ReportKind.parse(kind)
    period = period_of(kind, on, today=today or date.today())
    start, end = period.start, period.as_of
    records = _load(session)
    if school_id not in records.schools:
        raise NotFoundError(f"找不到学校（编号 {school_id}）。", f"No school with id {school_id}.")
    lines: list[StudentLine] = []
    for case in records.cases:
        if case.school_id != school_id:
            continue
        resolved = case.outcome is not None and case.outcome_on is not None and case.outcome_on <= end
        closed = case.closed_on is not None and case.closed_on <= end
        counted = None
        if start <= case.detected_on <= end:
            counted = "found"
        elif case.outcome and case.outcome_on and start <= case.outcome_on <= end:
            counted = "back" if CaseOutcome(case.outcome).is_return else "outcome"
        elif case.detected_on <= end and not resolved and not closed:
            counted = "still_out"
        if counted:
            lines.append(StudentLine(case.student_id, case.name, case.grade, case.class_name, counted, case.id,
                                     case.reason, case.detected_on, case.outcome, case.poor))
    visited_in: dict[str, list[date]] = defaultdict(list)
    for visit in records.visits:
        visited_in[visit.student_id].append(visit.visited_on)
    for _, campaign_start, campaign_end in records.campaigns:
        if campaign_start > end or campaign_end < start:
            continue
        for student_id, flag_school, flagged, _ in records.flags:
            if flag_school != school_id or flagged > min(end, campaign_end):
                continue
            if any(campaign_start <= d <= min(end, campaign_end) for d in visited_in.get(student_id, ())):
                continue
            name, grade, class_name = records.students[student_id]
            lines.append(StudentLine(student_id, name, grade, class_name, "key_target_planned", None, None, None,
                                     None, False))
    order = {"still_out": 0, "found": 1, "back": 2, "outcome": 3, "key_target_planned": 4}
    lines.sort(key=lambda line: (order[line.counted_as], line.grade, line.class_name, line.name))
    return lines


# ----------------------------------------------------------------------------- showing a report
COUNTED_AS = {"found": ("本期新发现", "Found this period"), "back": ("本期劝返复学", "Back this period"),
              "outcome": ("本期处置（其他）", "Other outcome this period"),
              "still_out": ("仍未返校", "Still out"), "key_target_planned": ("重点对象待家访", "Key target to visit")}


def _say(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _label(table: type[Code], value: str | None, lang: str) -> str:
    if not value:
        return ""
    try:
        return table(value).label(lang)
    except ValueError:
        return value


def _delta(now: float, before: float) -> str:
    change = now - before
    if change == 0:
        return "0"
    return f"{change:+g}" if isinstance(change, float) else f"{change:+d}"


def _rate_delta(now: Rate, before: Rate) -> str:
    if now.value is None or before.value is None:
        return "—"
    return f"{now.value - before.value:+.2f}"


def summary_columns(lang: str) -> list[str]:
    return [_say(lang, *pair) for pair in (
        ("单位", "Unit"), ("在册学生", "On roll"), ("本期新发现辍学", "Found"), ("本期劝返复学", "Back"),
        ("目前仍未返校", "Still out"), ("建档立卡 发现/复学/未返", "Registered poor found/back/out"),
        ("家访 完成/计划", "Visits done/planned"), ("计划完成", "Planned done"),
        ("重点监测对象（新增）", "Key targets (new)"),
        ("辍学率", "Dropout rate"), ("小学巩固率", "Primary retention"), ("初中巩固率", "Junior retention"))]


def summary_cells(row: UnitRow, lang: str) -> list[str]:
    f = row.figures

    def rate(stage: Stage) -> str:
        found = row.retention.get(stage)
        return found.shown(lang) if found is not None else "—"

    name = _say(lang, "全区", "District") if row.level is Level.DISTRICT else row.name
    return [name, str(f.students), str(f.found), str(f.back), str(f.still_out),
            f"{f.poor_found}/{f.poor_back}/{f.poor_still_out}", f"{f.visits_done}/{f.visits_planned}",
            str(f.planned_done), f"{f.key_targets}（{f.key_targets_new}）" if lang == "zh"
            else f"{f.key_targets} ({f.key_targets_new})", row.dropout_rate.shown(lang), rate(Stage.PRIMARY),
            rate(Stage.JUNIOR)]


def change_rows(report: Report, lang: str) -> list[list[str]]:
    """This period, the previous one and the change, indicator by indicator (the district's or the unit's)."""
    now, before = report.total.figures, report.total.previous
    lines = []
    for zh, en, attr in (("新发现辍学", "Dropouts found", "found"), ("劝返复学", "Persuaded back", "back"),
                         ("仍未返校", "Still out", "still_out"), ("其中建档立卡仍未返校", "Of them registered poor",
                                                                 "poor_still_out"),
                         ("完成家访", "Visits done", "visits_done"), ("计划家访", "Visits planned", "visits_planned"),
                         ("重点监测对象", "Key targets", "key_targets")):
        a, b = getattr(now, attr), getattr(before, attr)
        lines.append([_say(lang, zh, en), str(a), str(b), _delta(a, b)])
    lines.append([_say(lang, "辍学率", "Dropout rate"), report.total.dropout_rate.shown(lang),
                  report.total.previous_dropout_rate.shown(lang),
                  _rate_delta(report.total.dropout_rate, report.total.previous_dropout_rate)])
    return lines


def reason_rows(report: Report, lang: str) -> list[list[str]]:
    now = report.total.figures
    return [[reason.label(lang), str(now.found_by_reason.get(reason.value, 0)),
             str(now.still_out_by_reason.get(reason.value, 0))]
            for reason in DropoutReason
            if now.found_by_reason.get(reason.value) or now.still_out_by_reason.get(reason.value)]


def outcome_rows(report: Report, lang: str) -> list[list[str]]:
    now = report.total.figures
    return [[outcome.label(lang), str(now.outcomes[outcome.value]),
             _say(lang, "是", "yes") if outcome.is_return else _say(lang, "否", "no")]
            for outcome in CaseOutcome if now.outcomes.get(outcome.value)]


def rate_rows(report: Report, lang: str) -> list[list[str]]:
    """Each rate with what it was computed from, or why it was not."""
    total = report.total
    lines = []
    d = total.dropout_rate
    lines.append([_say(lang, "辍学率", "Dropout rate"), d.shown(lang),
                  _say(lang, f"本学年辍学 {total.figures.dropouts_year} 人 ÷ 学年初在校生 {total.figures.enrolment} 人",
                       f"{total.figures.dropouts_year} dropouts this year ÷ {total.figures.enrolment} enrolled on "
                       "1 September") if d.computable else d.note(lang)])
    for stage, rate in total.retention.items():
        cohort = total.figures.cohorts.get(stage, Cohort()) if stage is not Stage.NINE_YEAR else None
        if rate.computable and cohort is not None:
            how = _say(lang, f"毕业 {cohort.graduates} 人 ÷（入学 {cohort.intake} + 转入 {cohort.transfers_in} − 转出 "
                             f"{cohort.transfers_out}）",
                       f"{cohort.graduates} graduates ÷ (intake {cohort.intake} + in {cohort.transfers_in} − out "
                       f"{cohort.transfers_out})")
            if rate.capped:
                how += "；" + rate.note(lang) if lang == "zh" else "; " + rate.note(lang)
        elif rate.computable:
            how = _say(lang, f"{rate.numerator} ÷ {rate.denominator}", f"{rate.numerator} ÷ {rate.denominator}")
        else:
            how = rate.note(lang)
        lines.append([_say(lang, f"{stage.zh}巩固率", f"{stage.en} retention rate"), rate.shown(lang), how])
    return lines


def definitions(lang: str) -> list[str]:
    return [_say(lang, zh, en) for zh, en in (
        ("计划家访：本期到期的家访跟进，加上专项活动期间本期之前尚未家访的重点监测对象；计划完成：其中已再次家访（跟进）或在活动中家访（重点对象）的。",
         "Planned visits: follow-ups due in the period, plus, during a campaign, key targets not visited in it before "
         "the period; planned done: those visited again (follow-ups) or in the campaign (key targets)."),
        ("劝返复学：本期记录的处置结果为返校复学、随班就读、特殊教育学校、送教上门、延缓入学/休学或中职安置。",
         "Back: outcomes recorded in the period that put the child back in education (returned, mainstream, special "
         "school, home teaching, deferred, vocational)."),
        ("辍学率＝本学年辍学人数÷学年初在校生数；巩固率＝本届毕业生数÷（该届入学人数＋转入－转出），最高按 100% 计。",
         "Dropout rate = dropouts this school year ÷ enrolment at its start; retention = graduates ÷ (intake + "
         "transfers in − transfers out), at most 100%."),
    )]


def report_title(report: Report, lang: str) -> str:
    kind = report.kind.label(lang)
    if report.june_summary:
        kind = _say(lang, "6月总结", "June summary")
    unit = "District" if report.level is Level.DISTRICT and lang != "zh" else report.unit_name
    return _say(lang, f"{unit}控辍保学{kind}", f"{unit}: dropout control, {kind}")


def report_subtitle(report: Report, lang: str) -> str:
    p = report.period
    return _say(lang, f"统计周期：{p.label('zh')}　截至 {p.as_of}　上期：{report.previous.label('zh')}",
                f"Period: {p.label('en')}, as of {p.as_of}; previous: {report.previous.label('en')}")


# ----------------------------------------------------------------------------- PDF and xlsx
def report_document(report: Report, *, lang: str | None = None, printed_by: str = "—",
                    now: datetime | None = None) -> Any:
    """The report as the PDF engine's plain data (:class:`app.documents.report.ReportDocument`)."""
    from app.documents.data import Printing
    from app.documents.report import Column, ReportDocument, ReportSection, ReportTable

    lang = resolve_language(lang)
    moment = (now or datetime.now()).astimezone()
    widths = (34, 16, 20, 20, 20, 30, 22, 16, 26, 18, 22, 0)
    summary_rows = [summary_cells(r, lang) for r in report.rows]
    if report.level is not Level.SCHOOL:
        summary_rows.append(summary_cells(report.total, lang))
    sections = []
    if report.empty:
        sections.append(ReportSection(_say(lang, "说明", "Note"), paragraphs=tuple(report.note_lines(lang))))
    else:
        sections.append(ReportSection(
            _say(lang, "一、主要指标", "1. Indicators"),
            tables=(ReportTable(tuple(Column(label, w, align="left" if i == 0 else "center")
                                      for i, (label, w) in enumerate(zip(summary_columns(lang), widths, strict=True))),
                                tuple(tuple(r) for r in summary_rows)),),
            notes=tuple(report.note_lines(lang))))
        sections.append(ReportSection(
            _say(lang, "二、与上期比较", "2. Change since the last report"),
            tables=(ReportTable((Column(_say(lang, "指标", "Indicator"), 60),
                                 Column(_say(lang, "本期", "This period"), 40, align="center"),
                                 Column(_say(lang, "上期", "Previous"), 40, align="center"),
                                 Column(_say(lang, "变化", "Change"), 0, align="center")),
                                tuple(tuple(r) for r in change_rows(report, lang))),)))
        sections.append(ReportSection(
            _say(lang, "三、辍学原因与处置结果", "3. Reasons and outcomes"),
            tables=(ReportTable((Column(_say(lang, "辍学原因", "Reason"), 80),
                                 Column(_say(lang, "本期新发现", "Found this period"), 50, align="center"),
                                 Column(_say(lang, "目前仍未返校", "Still out"), 0, align="center")),
                                tuple(tuple(r) for r in reason_rows(report, lang)),
                                empty=_say(lang, "本期没有新发现或未返校的辍学学生。",
                                           "No dropouts found or still out.")),
                    ReportTable((Column(_say(lang, "处置结果", "Outcome"), 80),
                                 Column(_say(lang, "本期人数", "This period"), 50, align="center"),
                                 Column(_say(lang, "计为劝返复学", "Counted as back"), 0, align="center")),
                                tuple(tuple(r) for r in outcome_rows(report, lang)),
                                empty=_say(lang, "本期没有记录处置结果。", "No outcomes recorded in this period.")))))
        sections.append(ReportSection(
            _say(lang, "四、辍学率与巩固率", "4. Dropout and retention rates"),
            tables=(ReportTable((Column(_say(lang, "指标", "Rate"), 50), Column(_say(lang, "数值", "Value"), 30,
                                                                              align="center"),
                                 Column(_say(lang, "计算依据", "How it was computed"), 0)),
                                tuple(tuple(r) for r in rate_rows(report, lang))),),
            notes=tuple(definitions(lang))))
    if report.june_summary:
        paragraphs = tuple(f"{n}. {c.student_name}（{c.school_name}，{_label(DropoutReason, c.reason, lang)}"
                           f"{'，' + _label(CaseOutcome, c.outcome, lang) if c.outcome else ''}）：{c.story}"
                           for n, c in enumerate(report.typical, start=1))
        sections.append(ReportSection(_say(lang, "五、典型案例", "5. Typical cases"),
                                      paragraphs=paragraphs or (_say(lang, "本学年没有标记为典型的案例。",
                                                                     "No case was marked typical this school year."),)))
    record_id = f"{report.kind.value}-{report.period.start}-{report.level.value}-{report.unit_id or 'all'}"
    return ReportDocument(
        record_id=record_id, sheet_no=f"R-{report.period.start:%Y%m%d}-{report.kind.value[0].upper()}",
        printing=Printing(printed_by=printed_by, printed_at=moment.strftime("%Y-%m-%d %H:%M")),
        title=report_title(report, lang), subtitle=report_subtitle(report, lang), sections=tuple(sections),
        signature=_say(lang, "填报人：＿＿＿＿＿＿　　审核人：＿＿＿＿＿＿　　联系电话：＿＿＿＿＿＿　　（盖章）",
                       "Prepared by: ________   Checked by: ________   Phone: ________   (seal)"))


def write_report_pdf(report: Report, path: Path | str, *, lang: str | None = None, printed_by: str = "—") -> Any:
    """Render the report to ``path`` (atomically); returns the RenderedDocument."""
    from app.documents.render import write_pdf
    from app.documents.report import render_report

    rendered = render_report(report_document(report, lang=lang, printed_by=printed_by))
    write_pdf(rendered, Path(path))
    return rendered


def write_report_xlsx(report: Report, path: Path | str, *, lang: str | None = None) -> Path:
    """The report as a workbook: one sheet per section, frozen headers, landscape A4 fit to width."""
    from openpyxl import Workbook

    from app.services.ledgers import finish_sheet, header_row, title_rows

    lang = resolve_language(lang)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _say(lang, "主要指标", "Indicators")
    first = title_rows(sheet, report_title(report, lang), report_subtitle(report, lang), len(summary_columns(lang)))
    header_row(sheet, first, summary_columns(lang))
    rows = [summary_cells(r, lang) for r in report.rows]
    if report.level is not Level.SCHOOL:
        rows.append(summary_cells(report.total, lang))
    for row in rows:
        sheet.append(row)
    for line in report.note_lines(lang):
        sheet.append([line])
    finish_sheet(sheet, first, widths=[24, 10, 12, 12, 12, 20, 14, 10, 16, 10, 12, 12])
    reasons = [_say(lang, "辍学原因", "Reason"), _say(lang, "本期新发现", "Found"),
               _say(lang, "目前仍未返校", "Still out")]
    outcomes = [_say(lang, "处置结果", "Outcome"), _say(lang, "本期人数", "This period"),
                _say(lang, "计为劝返复学", "Counted as back")]
    changes = [_say(lang, "指标", "Indicator"), _say(lang, "本期", "This period"), _say(lang, "上期", "Previous"),
               _say(lang, "变化", "Change")]
    rates = [_say(lang, "指标", "Rate"), _say(lang, "数值", "Value"), _say(lang, "计算依据", "How it was computed")]
    sheets: list[tuple[str, list[str], list[list[str]], list[float]]] = [
        (_say(lang, "与上期比较", "Change"), changes, change_rows(report, lang), [24, 14, 14, 12]),
        (_say(lang, "辍学原因", "Reasons"), reasons, reason_rows(report, lang), [30, 14, 14]),
        (_say(lang, "处置结果", "Outcomes"), outcomes, outcome_rows(report, lang), [30, 14, 14]),
        (_say(lang, "辍学率与巩固率", "Rates"), rates, rate_rows(report, lang), [20, 12, 80]),
    ]
    for title, columns, table, widths in sheets:
        extra = book.create_sheet(title)
        start = title_rows(extra, report_title(report, lang), report_subtitle(report, lang), len(columns))
        header_row(extra, start, columns)
        for cells in table:
            extra.append(cells)
        if title == _say(lang, "辍学率与巩固率", "Rates"):
            for definition in definitions(lang):
                extra.append([definition])
        finish_sheet(extra, start, widths=widths)
    if report.june_summary:
        extra = book.create_sheet(_say(lang, "典型案例", "Typical cases"))
        typical_columns = [_say(lang, "姓名", "Name"), _say(lang, "学校", "School"), _say(lang, "辍学原因", "Reason"),
                   _say(lang, "处置结果", "Outcome"), _say(lang, "案例经过", "Story")]
        start = title_rows(extra, report_title(report, lang), report_subtitle(report, lang), len(typical_columns))
        header_row(extra, start, typical_columns)
        for case in report.typical:
            extra.append([case.student_name, case.school_name, _label(DropoutReason, case.reason, lang),
                          _label(CaseOutcome, case.outcome, lang), case.story])
        finish_sheet(extra, start, widths=[12, 24, 16, 16, 80])
    return save_workbook(book, Path(path))


def save_workbook(book: Any, path: Path) -> Path:
    """Save atomically (temporary name in the same folder, then rename): a failed save leaves no half file."""
    tmp = path.with_name(path.name + ".part")
    try:
        book.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_report(report: Report, path: Path | str, *, lang: str | None = None, printed_by: str = "—") -> Path:
    """Write the report as .pdf or .xlsx, chosen by the file's suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        write_report_pdf(report, path, lang=lang, printed_by=printed_by)
    elif suffix == ".xlsx":
        write_report_xlsx(report, path, lang=lang)
    else:
        raise ValidationError(f"报表文件应以 .pdf 或 .xlsx 结尾：{path.name}",
                              f"The report file must end in .pdf or .xlsx: {path.name}", field="out")
    return path
