"""Read-only queries behind the app's lists: the roster, households, the day's work, a student's file.

Long lists are read a page at a time (``LIMIT``/``OFFSET`` in an index's order, plus one COUNT), so a
100,000-row table never holds 100,000 objects. A page's rowids come from an index alone (OFFSET skips index
entries without touching the table), and only the page's own rows are read from the table. The roster and
household queries are plain SQL on the DB-API cursor of the session's connection: they run on every
keystroke, and the ORM's per-statement work would cost more than SQLite's index lookup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, not_, select
from sqlalchemy.orm import Session, aliased

from app.domain import codes
from app.domain.codes import CaseOutcome, VisitStatus
from app.domain.i18n import resolve_language
from app.domain.lifecycle import CaseStatus, not_back_values
from app.domain.masking import MASKED_FIELDS, mask_field
from app.services.campaigns import campaign_on
from app.services.common import case_is_open, get
from app.services.search import household_where, parse_term, student_order, student_where
from app.store import oplog
from app.store.clock import physical_ms
from app.store.guard import raw_cursor
from app.store.models import (
    Campaign,
    DeviceState,
    DropoutCase,
    Household,
    HouseholdMember,
    KeyTarget,
    PersuasionAttempt,
    RegistryChange,
    Responsibility,
    RetentionFollowUp,
    ReturnCheck,
    School,
    Student,
    SyncRun,
    User,
    Village,
    Visit,
)
from app.store.types import parse_utc

# The day's work looks this far ahead: a follow-up due within the week is worth seeing on Monday.
DUE_HORIZON_DAYS = 7
# An open case with no persuasion attempt for this long has been left alone (DOMAIN: persuasion continues
# per case until the child is back).
STALE_CASE_DAYS = 7
# A returned child is seen again about monthly until the case is closed.
RETENTION_INTERVAL_DAYS = 30
# A list on the Today page shows at most this many lines per kind (with the full count beside it).
WORK_LIMIT = 200
MAX_PAGE = 1000
AnySelect = Select[*tuple[Any, ...]]


def _live(model: Any) -> Any:
    return model.deleted.is_(False)


def _rows(session: Session, sql: str, params: Sequence[Any]) -> list[Any]:
    # Straight to the DB-API cursor of the session's connection (its transaction, its error handling in
    # Database.read): SQLAlchemy's per-statement work is most of the cost of a keystroke's tiny lookup.
    cursor = raw_cursor(session)
    try:
        return list(cursor.execute(sql, tuple(params)).fetchall())
    finally:
        cursor.close()


def _page_args(offset: int, limit: int) -> tuple[int, int]:
    if offset < 0 or not 0 <= limit <= MAX_PAGE:
        raise ValueError(f"a page is 0..{MAX_PAGE} rows from an offset >= 0")
    return limit, offset


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


# ----------------------------------------------------------------------------- roster
@dataclass(frozen=True)
class StudentFilter:
    """What the roster shows: a typed search and the filters beside it (all optional)."""

    text: str = ""
    school_id: str | None = None
    grade: int | None = None
    class_name: str | None = None
    status: str | None = None
    key_target: bool = False
    registered_poor: bool = False
    left_behind: bool = False  # one or both parents away
    disability: bool = False


@dataclass(frozen=True)
class StudentRow:
    key: int
    id: str
    name: str
    sex: str
    birth_date: date
    school_name: str
    grade: int
    class_name: str | None
    status: str
    id_number: str | None
    student_number: str | None
    registered_poor: bool
    left_behind: str
    disability_type: str | None
    key_target: bool
    household_id: str | None


_KEY_TARGET_EXISTS = ("EXISTS (SELECT 1 FROM key_target AS k WHERE k.student_id = s.id AND k.active = 1 "
                      "AND k.deleted = 0)")


def _student_query(flt: StudentFilter) -> tuple[str, list[Any], str]:
    """WHERE (on ``student AS s``), its parameters, and ORDER BY for a filter."""
    term = parse_term(flt.text)
    clauses = ["s.deleted = 0"]
    where, params = student_where(term)
    if where:
        clauses.append(where)
    for column, value in (("s.school_id", flt.school_id), ("s.grade", flt.grade),
                          ("s.class_name", flt.class_name or None), ("s.status", flt.status or None)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if flt.registered_poor:
        clauses.append("s.registered_poor = 1")
    if flt.left_behind:
        clauses.append("s.left_behind != ?")
        params.append(codes.LeftBehind.NO.value)
    if flt.disability:
        clauses.append("s.disability_type IS NOT NULL")
    if flt.key_target:
        # IN (not EXISTS): the few key targets drive the query through the student id index, instead of a
        # correlated lookup for each of 100,000 students.
        clauses.append("s.id IN (SELECT student_id FROM key_target WHERE active = 1 AND deleted = 0)")
    return " AND ".join(clauses), params, student_order(term)


def count_students(session: Session, flt: StudentFilter) -> int:
    """How many live students match the filter."""
    where, params, _order = _student_query(flt)
    return int(_rows(session, f"SELECT count(*) FROM student AS s WHERE {where}", params)[0][0])


_STUDENT_COLUMNS = ("s.rowid", "s.id", "s.name", "s.sex", "s.birth_date", "coalesce(c.name, '')", "s.grade",
                    "s.class_name", "s.status", "s.id_number", "s.student_number", "s.registered_poor",
                    "s.left_behind", "s.disability_type", _KEY_TARGET_EXISTS, "s.household_id", "s.school_id",
                    "s.name_initials")


def _row_order(order: str) -> Any:
    """A Python sort key equal to SQLite's ``ORDER BY order`` on the selected columns (BINARY collation is
    code-point order, NULLs first), ties by rowid as an index gives them."""
    positions = [_STUDENT_COLUMNS.index(column.strip()) for column in order.split(",")]

    def key(row: Sequence[Any]) -> tuple[Any, ...]:
        return (*((row[p] is not None, row[p] if row[p] is not None else 0) for p in positions), row[0])

    return key


def student_page(session: Session, flt: StudentFilter, offset: int, limit: int) -> list[StudentRow]:
    """Rows ``offset`` to ``offset + limit`` of the filter's matches, in display order.

    One statement: the page's rowids come from an index alone (OFFSET skips index entries, never table
    rows), and only those rows are read; their order is restored here from the same sort columns.
    """
    where, params, order = _student_query(flt)
    sql = (f"SELECT {', '.join(_STUDENT_COLUMNS)} FROM student AS s LEFT JOIN school AS c ON c.id = s.school_id "
           f"WHERE s.rowid IN (SELECT s.rowid FROM student AS s WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?)")
    rows = sorted(_rows(session, sql, [*params, *_page_args(offset, limit)]), key=_row_order(order))
    return [_student_row(row) for row in rows]


def _student_row(row: Sequence[Any]) -> StudentRow:
    return StudentRow(row[0], row[1], row[2], row[3], _date(row[4]), row[5],  # type: ignore[arg-type]
                      row[6], row[7], row[8], row[9], row[10], bool(row[11]), row[12], row[13], bool(row[14]),
                      row[15])


def student_rows(session: Session, keys: Sequence[int]) -> list[StudentRow]:
    """The rows for these rowids, in the order given (rows deleted meanwhile are left out)."""
    if not keys:
        return []
    sql = (f"SELECT {', '.join(_STUDENT_COLUMNS)} FROM student AS s LEFT JOIN school AS c ON c.id = s.school_id "
           f"WHERE s.rowid IN ({', '.join('?' * len(keys))}) AND s.deleted = 0")
    found = {row[0]: _student_row(row) for row in _rows(session, sql, keys)}
    return [found[key] for key in keys if key in found]


def school_choices(session: Session, *, by_township: bool = False) -> list[tuple[str, str]]:
    """(id, name) of every live school, for the pages' school lists: by name, or by township and then name
    (``by_township``: the roster's filter, where a district's schools are looked for by place)."""
    order = (School.township_id, School.name) if by_township else (School.name,)
    return [(row[0], row[1]) for row in session.execute(select(School.id, School.name).where(_live(School))
                                                        .order_by(*order))]


def natural_order(text: str) -> tuple[Any, ...]:
    """A sort key that puts numbers in text in their numeric order: 2班 before 10班."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def class_choices(session: Session, school_id: str, grade: int | None = None) -> list[tuple[int, str]]:
    """(grade, class name) of every class of a school (of one grade, when given) that has students on its
    roll, by grade and then in natural order (2班 before 10班)."""
    stmt = select(Student.grade, Student.class_name).distinct().where(
        _live(Student), Student.school_id == school_id, Student.class_name.is_not(None), Student.class_name != "")
    if grade is not None:
        stmt = stmt.where(Student.grade == grade)
    rows = [(int(row[0]), str(row[1])) for row in session.execute(stmt)]
    return sorted(rows, key=lambda item: (item[0], natural_order(item[1])))


# ----------------------------------------------------------------------------- households
@dataclass(frozen=True)
class HouseholdRow:
    key: int
    id: str
    head_name: str | None
    address: str | None
    village_name: str | None
    phone: str | None
    hardship: list[str]
    students: int


def _household_query(session: Session, text: str) -> tuple[str, list[Any]]:
    where, params = household_where(session, text)
    return "h.deleted = 0" + (f" AND {where}" if where else ""), params


def count_households(session: Session, text: str = "") -> int:
    """How many live households have a head, address or village starting with ``text``."""
    where, params = _household_query(session, text)
    return int(_rows(session, f"SELECT count(*) FROM household AS h WHERE {where}", params)[0][0])


def household_page(session: Session, text: str, offset: int, limit: int) -> list[HouseholdRow]:
    """A page of the matching households, by address (so a village's households stay together)."""
    where, params = _household_query(session, text)
    sql = ("SELECT h.rowid, h.id, h.head_name, h.address, v.name, h.phone, h.hardship, "
           "(SELECT count(*) FROM student AS s WHERE s.household_id = h.id AND s.deleted = 0) "
           "FROM household AS h LEFT JOIN village AS v ON v.id = h.village_id "
           f"WHERE h.rowid IN (SELECT h.rowid FROM household AS h WHERE {where} ORDER BY h.address "
           "LIMIT ? OFFSET ?)")
    rows = _rows(session, sql, [*params, *_page_args(offset, limit)])
    rows.sort(key=lambda row: (row[3] is not None, row[3] or "", row[0]))  # as ORDER BY h.address gives them
    return [HouseholdRow(row[0], row[1], row[2], row[3], row[4], row[5], json.loads(row[6]) if row[6] else [],
                         int(row[7])) for row in rows]


@dataclass(frozen=True)
class HouseholdStudent:
    id: str
    name: str
    school_name: str
    grade: int
    class_name: str | None
    status: str


@dataclass
class HouseholdFile:
    household: Household
    village_name: str | None
    members: list[HouseholdMember]
    students: list[HouseholdStudent]


def household_file(session: Session, household_id: str) -> HouseholdFile:
    household = get(session, Household, household_id)
    village = session.get(Village, household.village_id) if household.village_id else None
    members = list(session.scalars(select(HouseholdMember).where(
        HouseholdMember.household_id == household_id, _live(HouseholdMember))
        .order_by(HouseholdMember.is_guardian.desc(), HouseholdMember.id)))
    students = [HouseholdStudent(*row) for row in session.execute(
        select(Student.id, Student.name, func.coalesce(School.name, ""), Student.grade, Student.class_name,
               Student.status)
        .outerjoin(School, School.id == Student.school_id)
        .where(Student.household_id == household_id, _live(Student)).order_by(Student.birth_date))]
    return HouseholdFile(household, village.name if village else None, members, students)


# ----------------------------------------------------------------------------- a student's file
@dataclass(frozen=True)
class CaseSummary:
    id: str
    status: str
    detected_on: date
    reason: str
    outcome: str | None
    closed_on: date | None
    attempts: int
    last_attempt_on: date | None


@dataclass
class StudentFile:
    """Everything the student page shows, read in one transaction."""

    student: Student
    school_name: str
    household: Household | None
    members: list[HouseholdMember]
    coverage: list[Responsibility]
    visits: list[Visit]
    cases: list[CaseSummary]
    changes: list[RegistryChange]
    key_target: KeyTarget | None
    school_names: dict[str, str] = field(default_factory=dict)


def student_file(session: Session, student_id: str) -> StudentFile:
    from app.services import key_targets, registry, responsibility, roster, visits

    student = get(session, Student, student_id)
    household = session.get(Household, student.household_id) if student.household_id else None
    if household is not None and household.deleted:
        household = None
    members = roster.members_of(session, household.id) if household is not None else []
    members.sort(key=lambda m: (not m.is_guardian, m.id))
    changes = registry.changes_of(session, student_id)
    wanted = {student.school_id} | {c.from_school_id for c in changes if c.from_school_id} | {
        c.to_school_id for c in changes if c.to_school_id}
    names = dict(session.execute(select(School.id, School.name).where(School.id.in_(wanted))).all())
    return StudentFile(
        student=student, school_name=names.get(student.school_id, ""), household=household, members=members,
        coverage=responsibility.coverage(session, student_id), visits=list(visits.visits_of(session, student_id)),
        cases=cases_of_student(session, student_id), changes=changes,
        key_target=key_targets.active_flag(session, student_id), school_names=names)


def cases_of_student(session: Session, student_id: str) -> list[CaseSummary]:
    """Every dropout case of a student (open ones first, then the newest)."""
    attempts = (select(PersuasionAttempt.case_id, func.count().label("n"),
                       func.max(PersuasionAttempt.attempted_on).label("last"))
                .where(_live(PersuasionAttempt)).group_by(PersuasionAttempt.case_id).subquery())
    stmt = (select(DropoutCase.id, DropoutCase.status, DropoutCase.detected_on, DropoutCase.reason,
                   DropoutCase.outcome, DropoutCase.closed_on, func.coalesce(attempts.c.n, 0), attempts.c.last)
            .outerjoin(attempts, attempts.c.case_id == DropoutCase.id)
            .where(DropoutCase.student_id == student_id, _live(DropoutCase))
            .order_by((DropoutCase.status == CaseStatus.CLOSED.value), DropoutCase.detected_on.desc()))
    rows = session.execute(stmt).all()
    return [CaseSummary(r[0], r[1], r[2], r[3], r[4], r[5], int(r[6]), _date(r[7])) for r in rows]


# ----------------------------------------------------------------------------- field history
@dataclass(frozen=True)
class FieldChange:
    """One change of one field: who (display name; None when the user is not known on this laptop), when
    (UTC), on which device, from what and to what (log values: codes, ISO dates)."""

    at: datetime
    user: str | None
    device_id: str
    old: Any
    new: Any
    first: bool  # the record's creation set it


def field_changes(session: Session, table: str, row_id: str, name: str) -> list[FieldChange]:
    """The history of a field, newest first."""
    ops = oplog.field_history(session, table, row_id, name)
    by_key = {op.key: op for op in ops}
    users = dict(session.execute(select(User.id, User.display_name)).all())
    changes = []
    for op in ops:
        old = None
        if op.prev is not None:
            # The value this op replaced is the one of the op its prev names (the winner when it names several).
            named = [by_key[k] for k in op.prev.get(name, ()) if k in by_key]
            if named:
                old = max(named, key=lambda o: (o.hlc, o.device_id)).value_of(name)
        changes.append(FieldChange(
            at=datetime.fromtimestamp(physical_ms(op.hlc) / 1000, UTC), user=users.get(op.user_id or ""),
            device_id=op.device_id, old=old, new=op.value_of(name), first=op.prev is None))
    changes.reverse()
    return changes


_CODED_FIELDS: dict[tuple[str, str], type[codes.Code]] = {
    ("student", "sex"): codes.Sex, ("student", "ethnicity"): codes.Ethnicity, ("student", "id_type"): codes.IdType,
    ("student", "status"): codes.StudentStatus, ("student", "left_behind"): codes.LeftBehind,
    ("student", "disability_type"): codes.DisabilityType, ("student", "disability_grade"): codes.DisabilityGrade,
    ("student", "boarding"): codes.BoardingType, ("household", "household_type"): codes.HouseholdType,
    ("household", "hardship"): codes.HardshipCategory,
}
_YES_NO = {True: ("是", "Yes"), False: ("否", "No")}


def value_text(session: Session, table: str, name: str, value: Any, *, mask: bool = True,
               lang: str | None = None) -> str:
    """A stored value as a teacher reads it: code labels, school names, 是/否; ID, student and phone numbers and
    disability details masked (:mod:`app.domain.masking`) unless ``mask`` is False."""
    language = resolve_language(lang)
    if value is None or value == "" or value == []:
        return ""
    if mask and name in MASKED_FIELDS:
        return mask_field(name, str(value), language)
    if isinstance(value, bool):
        pair = _YES_NO[value]
        return pair[0] if language == "zh" else pair[1]
    kind = _CODED_FIELDS.get((table, name))
    if kind is not None:
        values = value if isinstance(value, list) else [value]
        labels = []
        for item in values:
            try:
                labels.append(kind(str(item)).label(language))
            except ValueError:
                labels.append(str(item))
        return "、".join(labels) if language == "zh" else ", ".join(labels)
    if name.endswith("school_id"):
        school = session.get(School, value)
        return school.name if school is not None else str(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


# ----------------------------------------------------------------------------- the day's work
@dataclass(frozen=True)
class WorkItem:
    """One line of the Today page. ``kind``: follow_up (a visit's follow-up date), retention (a returned
    child's follow-up), stale_case (no persuasion attempt lately), draft (a visit record to finish)."""

    kind: str
    record_kind: str  # the record the line opens: "visit" or "case"
    record_id: str
    student_id: str
    student_name: str
    school_name: str
    due_on: date
    overdue: bool
    note: str | None = None


@dataclass
class WorkList:
    items: dict[str, list[WorkItem]]  # kind -> the first WORK_LIMIT lines, most urgent first
    totals: dict[str, int]  # kind -> how many in all
    overdue: dict[str, int]  # kind -> how many are overdue


WORK_KINDS = ("follow_up", "retention", "stale_case", "draft")


def _names(session: Session, student_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    ids = sorted(set(student_ids))
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for sid, name, school in session.execute(
                select(Student.id, Student.name, func.coalesce(School.name, ""))
                .outerjoin(School, School.id == Student.school_id).where(Student.id.in_(chunk))):
            found[sid] = (name, school)
    return found


def _follow_up_query(today: date, school_id: str | None) -> AnySelect:
    later = aliased(Visit)
    amendment = aliased(Visit)
    stmt = select(Visit.id, Visit.student_id, Visit.follow_up_on, Visit.follow_up_plan).where(
        _live(Visit), Visit.status == VisitStatus.FINALIZED.value, Visit.follow_up_on.is_not(None),
        Visit.follow_up_on <= today + timedelta(days=DUE_HORIZON_DAYS),
        # Done once the student has been visited again after this visit (a correction of it does not count).
        not_(exists().where(later.student_id == Visit.student_id, later.id != Visit.id, _live(later),
                            later.visited_on > Visit.visited_on,
                            func.coalesce(later.amends_visit_id, "") != Visit.id)),
        # A finalized correction carries the follow-up in place of the visit it corrects.
        not_(exists().where(amendment.amends_visit_id == Visit.id, _live(amendment),
                            amendment.status == VisitStatus.FINALIZED.value)))
    if school_id:
        stmt = stmt.where(Visit.school_id == school_id)
    return stmt


def _draft_query(school_id: str | None) -> AnySelect:
    stmt = select(Visit.id, Visit.student_id, Visit.visited_on).where(
        _live(Visit), Visit.status == VisitStatus.DRAFT.value)
    if school_id:
        stmt = stmt.where(Visit.school_id == school_id)
    return stmt


def _count(session: Session, stmt: AnySelect) -> int:
    return int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


def work_list(session: Session, *, today: date, school_id: str | None = None,
              limit: int = WORK_LIMIT) -> WorkList:
    """Follow-ups due and overdue, cases left without an attempt, visit drafts to finish."""
    items: dict[str, list[WorkItem]] = {kind: [] for kind in WORK_KINDS}
    totals: dict[str, int] = {}
    overdue: dict[str, int] = {}

    follow = _follow_up_query(today, school_id)
    totals["follow_up"] = _count(session, follow)
    overdue["follow_up"] = _count(session, follow.where(Visit.follow_up_on < today))
    follow_rows = session.execute(follow.order_by(Visit.follow_up_on, Visit.id).limit(limit)).all()

    drafts = _draft_query(school_id)
    totals["draft"] = _count(session, drafts)
    # A draft is "overdue" when it has waited more than the horizon: the visit is fresh in mind for a week.
    overdue["draft"] = _count(session, drafts.where(Visit.visited_on < today - timedelta(days=DUE_HORIZON_DAYS)))
    draft_rows = session.execute(drafts.order_by(Visit.visited_on, Visit.id).limit(limit)).all()

    # Cases are few (dozens to hundreds a district), so their rules are applied here rather than in SQL.
    case_stmt = select(DropoutCase).where(_live(DropoutCase), case_is_open())
    if school_id:
        case_stmt = case_stmt.where(DropoutCase.school_id == school_id)
    open_cases = list(session.scalars(case_stmt))
    case_ids = [c.id for c in open_cases]
    last_attempt: dict[str, date] = {}
    last_follow: dict[str, date] = {}
    for start in range(0, len(case_ids), 500):
        chunk = case_ids[start:start + 500]
        for case_id, last in session.execute(
                select(PersuasionAttempt.case_id, func.max(PersuasionAttempt.attempted_on))
                .where(PersuasionAttempt.case_id.in_(chunk), _live(PersuasionAttempt))
                .group_by(PersuasionAttempt.case_id)):
            last_attempt[case_id] = _date(last)  # type: ignore[assignment]
        for case_id, last in session.execute(
                select(RetentionFollowUp.case_id, func.max(RetentionFollowUp.followed_on))
                .where(RetentionFollowUp.case_id.in_(chunk), _live(RetentionFollowUp))
                .group_by(RetentionFollowUp.case_id)):
            last_follow[case_id] = _date(last)  # type: ignore[assignment]

    stale: list[tuple[date, DropoutCase]] = []
    retention: list[tuple[date, DropoutCase]] = []
    for case in open_cases:
        if case.status in not_back_values():
            since = last_attempt.get(case.id, case.detected_on)
            due = since + timedelta(days=STALE_CASE_DAYS)
            if due <= today:
                stale.append((due, case))
        elif case.status == CaseStatus.RESOLVED.value and case.outcome and case.outcome_on:
            outcome = CaseOutcome(case.outcome)
            if not outcome.is_return:
                continue
            since = max(last_follow.get(case.id, case.outcome_on), case.outcome_on)
            due = since + timedelta(days=RETENTION_INTERVAL_DAYS)
            if outcome.needs_verification and not case.placement_verified:
                due = min(due, case.outcome_on + timedelta(days=DUE_HORIZON_DAYS))
            if due <= today + timedelta(days=DUE_HORIZON_DAYS):
                retention.append((due, case))
    stale.sort(key=lambda pair: (pair[0], pair[1].id))
    retention.sort(key=lambda pair: (pair[0], pair[1].id))
    totals["stale_case"], overdue["stale_case"] = len(stale), len(stale)
    totals["retention"] = len(retention)
    overdue["retention"] = sum(1 for due, _ in retention if due < today)

    students = _names(session, [r[1] for r in follow_rows] + [r[1] for r in draft_rows]
                      + [c.student_id for _, c in stale[:limit]] + [c.student_id for _, c in retention[:limit]])

    def item(kind: str, record_kind: str, record_id: str, student_id: str, due: date, note: str | None,
             is_overdue: bool) -> WorkItem:
        name, school = students.get(student_id, ("", ""))
        return WorkItem(kind, record_kind, record_id, student_id, name, school, due, is_overdue, note)

    for visit_id, student_id, due_on, plan in follow_rows:
        due = _date(due_on) or today
        items["follow_up"].append(item("follow_up", "visit", visit_id, student_id, due, plan, due < today))
    for visit_id, student_id, visited_on in draft_rows:
        day = _date(visited_on) or today
        items["draft"].append(item("draft", "visit", visit_id, student_id, day, None,
                                   day < today - timedelta(days=DUE_HORIZON_DAYS)))
    for due, case in stale[:limit]:
        items["stale_case"].append(item("stale_case", "case", case.id, case.student_id, due,
                                        case.whereabouts, True))
    for due, case in retention[:limit]:
        note = case.placement if case.placement and not case.placement_verified else None
        items["retention"].append(item("retention", "case", case.id, case.student_id, due, note, due < today))
    return WorkList(items, totals, overdue)


@dataclass(frozen=True)
class CampaignCounts:
    """Where the current campaign stands (or the last one, between campaigns)."""

    campaign_id: str
    name: str
    kind: str
    starts_on: date
    ends_on: date
    running: bool
    visits_finalized: int
    visits_draft: int
    key_targets: int
    returned: int
    not_returned: int
    cases_opened: int
    cases_open: int
    cases_closed: int


def current_campaign(session: Session, today: date) -> Campaign | None:
    """The campaign running today, else the one that ended last."""
    running = campaign_on(session, today)
    if running is not None:
        return running
    return session.scalars(select(Campaign).where(_live(Campaign), Campaign.starts_on <= today)
                           .order_by(Campaign.ends_on.desc())).first()


def campaign_counts(session: Session, *, today: date, school_id: str | None = None) -> CampaignCounts | None:
    campaign = current_campaign(session, today)
    if campaign is None:
        return None

    def count(model: Any, *conditions: Any) -> int:
        stmt = select(func.count()).select_from(model).where(_live(model), *conditions)
        if school_id:
            scope_column = model.school_id if hasattr(model, "school_id") else model.scope
            stmt = stmt.where(scope_column == school_id)
        return int(session.scalar(stmt) or 0)

    in_campaign = Visit.campaign_id == campaign.id
    period = and_(DropoutCase.detected_on >= campaign.starts_on, DropoutCase.detected_on <= campaign.ends_on)
    return CampaignCounts(
        campaign_id=campaign.id, name=campaign.name, kind=campaign.kind, starts_on=campaign.starts_on,
        ends_on=campaign.ends_on, running=campaign.starts_on <= today <= campaign.ends_on,
        visits_finalized=count(Visit, in_campaign, Visit.status == VisitStatus.FINALIZED.value),
        visits_draft=count(Visit, in_campaign, Visit.status == VisitStatus.DRAFT.value),
        key_targets=count(KeyTarget, KeyTarget.campaign_id == campaign.id, KeyTarget.active.is_(True)),
        returned=count(ReturnCheck, ReturnCheck.campaign_id == campaign.id, ReturnCheck.returned.is_(True)),
        not_returned=count(ReturnCheck, ReturnCheck.campaign_id == campaign.id, ReturnCheck.returned.is_(False)),
        cases_opened=count(DropoutCase, period),
        cases_open=count(DropoutCase, case_is_open()),
        cases_closed=count(DropoutCase, DropoutCase.status == CaseStatus.CLOSED.value),
    )


# ----------------------------------------------------------------------------- the status bar
@dataclass(frozen=True)
class SyncStatus:
    pending: int  # local changes not yet synced
    last_synced_at: datetime | None  # None: never synced


def sync_status(session: Session) -> SyncStatus:
    """Changes made on this laptop that no sync has carried yet, and when the last successful sync ended.

    This device's ops are numbered 1..last_seq; each sync run records up to which of them it delivered
    (``exported_seq``), so the pending count is a subtraction of two indexed values, not a count over the log.
    """
    last_seq = session.scalar(select(DeviceState.last_seq).where(DeviceState.id == 1)) or 0
    sent = session.scalar(select(func.max(SyncRun.exported_seq))) or 0
    finished = session.scalar(select(func.max(SyncRun.finished_at)).where(SyncRun.ok.is_(True)))
    return SyncStatus(pending=max(0, int(last_seq) - int(sent)), last_synced_at=_utc(finished))


def _utc(value: Any) -> datetime | None:
    """A stored UTC time as an aware datetime (whether max() brought it back typed or as its text)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return parse_utc(str(value))
