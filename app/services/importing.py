"""Roster import: the student registry's (学籍系统) exports and the poverty and disability lists, as .xlsx, .xls
or .csv, into students and households.

Two steps, so that a screen or ``--dry-run`` can show what would happen before anything is written:

- :func:`plan_import` reads the file as a stream (:func:`app.services.spreadsheets.open_table` finds its format,
  encoding and header under any title rows, fills merged cells and reads the cells), matches every row to an
  existing student (by ID number, else by student number), checks it with the roster rules and returns an
  :class:`ImportPlan`: how many students to add, to change (field by field), rows unchanged, rows rejected (with
  the file's own row number and the column's header as the file writes it), with the first few hundred of each
  for a screen.
- :func:`apply_import` writes the plan through the roster services in batches, inside the caller's
  ``database.write()`` transaction, so an error, a cancel or a full disk leaves nothing half imported.

What a plan keeps does not grow with the file: the rows it will write, and every error and note for the report,
wait in encrypted temporary spills (``importing_rows.Spill``), not in lists; repeated ID numbers are found from
compact integer keys (``importing_rows.KeyIndex``, 12–20 bytes a row). Writing reads the spills back rather than
parsing the file a second time; the file must still be the one that was checked (size, modification time and a
BLAKE2 digest), or nothing is written. Reading does not grow with the file either: an .xlsx sheet and a CSV are
streamed row by row; only an .xls sheet, at most 65,536 rows, is read whole.

An empty cell never erases what is stored: a poverty list with only 姓名, 身份证号 and 是否建档立卡 updates the
flag and leaves grade, class and the rest alone.

A known student's household follows the file too (a newer export is how a school learns a guardian's new phone):
家庭住址, 户籍所在地 and 联系电话 update the household field by field, and the phone also the guardian's own; a
guardian who is not the one on record becomes a new member, marked guardian, and the one before stays a member of
the household, no longer marked. A household or a guardian an import makes for a known student takes an id that
follows from the student (``ids.derived_id``), so two laptops importing the same export make the same rows and
sync merges their fields, keeping a conflict where the files disagree.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import hashlib
import heapq
import itertools
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.codes import (
    BoardingType,
    Code,
    DisabilityGrade,
    DisabilityType,
    Ethnicity,
    HardshipCategory,
    IdType,
    LeftBehind,
    Sex,
)
from app.domain.errors import DomainError, ValidationError
from app.domain.i18n import resolve_language
from app.domain.identity import IdInfo, parse_id_number, parse_student_number
from app.domain.progress import IsCancelled, RowProgress, raise_if_cancelled
from app.services import roster
from app.services.importing_rows import KeyIndex, Spill, key_code, key_text, pickle_compactly, uuid_code
from app.services.roster import HouseholdInput, MemberInput, RowError, StudentInput
from app.services.spreadsheets import (
    COLUMN_BY_KEY,
    RosterFileError,
    Table,
    YearMonth,
    cell_reader,
    check_file,
    fold,
    open_table,
)
from app.store.ids import derived_id
from app.store.models import Household, HouseholdMember, School, Student

REPORT_SUFFIX = ".导入报告.csv"

_LOOKUP_CHUNK = 900  # rows matched against the database per query (SQLite's host-parameter limit is 999 on old builds)
_WRITE_CHUNK = 2000  # students written per service call: bounds the services' per-call working lists
_PROGRESS_EVERY = 500
# Of each list (students to add, to change, errors, notes) a plan keeps this many in memory for a screen; the
# report file has every one.
KEPT_ROWS = 500



# ----------------------------------------------------------------------------- errors
#: The cancel's message (:class:`app.domain.progress.Cancelled`): the caller's transaction takes back what was
#: written.
CANCELLED = ("已取消，没有导入任何记录。", "Cancelled; nothing was imported.")


class RosterFileChanged(RosterFileError):
    """The file changed while it was read, or after it was checked; nothing was written."""

    def __init__(self, path: Path, *, while_reading: bool = False) -> None:
        if while_reading:
            super().__init__(f"文件 {path.name} 在读取过程中被修改了，没有导入任何记录；请等它保存完毕后重新导入",
                             f"The file {path.name} changed while it was being read; nothing was imported. Wait "
                             "until it is saved, then import it again")
        else:
            super().__init__(f"文件 {path.name} 在检查之后被修改过，没有导入任何记录；请重新检查后再导入",
                             f"The file {path.name} changed after it was checked; nothing was imported. Check it "
                             "again, then import it")


class ImportRejected(ValidationError):
    """Rows of the file are invalid and ``skip_invalid`` was not given: nothing was written.

    ``errors`` are the first KEPT_ROWS of them (all of them are in the report file); ``count`` is how many there are.
    """

    def __init__(self, plan: ImportPlan, errors: Sequence[RowError] | None = None) -> None:
        self.plan = plan
        self.errors = list(errors if errors is not None else plan.rejected)
        self.count = plan.counts.errors if errors is None else len(self.errors)
        first = self.errors[0]
        rows = plan.counts.rejected if errors is None else len({e.index for e in self.errors})
        super().__init__(
            f"{rows} 行有误，没有导入任何记录。第一处：{describe_error(first, 'zh')}",
            f"{rows} row(s) are invalid; nothing was imported. First: {describe_error(first, 'en')}",
            field=first.field,
        )


def describe_error(error: RowError | RowNote, lang: str | None = None) -> str:
    """'第 12 行「身份证件号」：…' / 'Row 12 [身份证件号]: …' (``index`` is the file's row number here)."""
    if resolve_language(lang) == "zh":
        where = f"第 {error.index} 行" + (f"「{error.field}」" if error.field else "")
        return f"{where}：{error.zh}"
    return f"Row {error.index}" + (f" [{error.field}]" if error.field else "") + f": {error.en}"


# ----------------------------------------------------------------------------- the plan
@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a matched student that the file changes; values are the stored codes."""

    field: str
    column: str  # the header as the file writes it
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class RowNote:
    """Something the file says that the import deliberately does not apply (``index`` is the file's row)."""

    index: int
    field: str | None  # the column's header in the file
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Guardian:
    name: str
    relation: str | None
    phone: str | None


@dataclass(slots=True)
class StudentToAdd:
    row: int
    #: The student's stored values as :func:`roster.validate_student` made them on the plan's day: the apply
    #: writes these (with the household it makes), so a row is validated once. Not the StudentInput they came
    #: from as well: every planned row is spilled and read back, and it was a third of the bytes.
    stored: dict[str, Any]
    household: HouseholdInput | None = None
    guardian: Guardian | None = None

    @property
    def name(self) -> str:
        return str(self.stored["name"])

    @property
    def grade(self) -> int:
        return int(self.stored["grade"])

    @property
    def class_name(self) -> str | None:
        return self.stored["class_name"]


@dataclass(frozen=True, slots=True)
class HouseholdChange:
    """What a row changes in a matched student's household; :func:`apply_import` writes it through the roster
    services."""

    household_id: str  # the student's household, or the id of the one to make (``create``)
    create: HouseholdInput | None = None  # the student has no household yet: this one is made and linked
    fields: Mapping[str, Any] = field(default_factory=dict)  # roster.edit_household changes
    guardian_id: str | None = None  # the member the file names as guardian, when they are one already
    guardian_fields: Mapping[str, Any] = field(default_factory=dict)  # roster.edit_member changes of that member
    new_guardian: Guardian | None = None  # a person not yet in the household, added as its guardian
    no_longer_guardian: tuple[str, ...] = ()  # members marked guardian before a new one was named


@dataclass(slots=True)
class StudentToChange:
    row: int
    student_id: str
    name: str
    changes: dict[str, Any]  # field -> value for roster.edit_student
    diffs: tuple[FieldChange, ...]
    household: HouseholdChange | None = None

    def describe(self, lang: str | None = None) -> str:
        """'年级 4 → 5；班级 2班 → 3班' for a screen or the command line."""
        separator = "；" if resolve_language(lang) == "zh" else "; "
        return separator.join(f"{d.column} {_shown_value(d.field, d.before, lang)} → "
                              f"{_shown_value(d.field, d.after, lang)}" for d in self.diffs)


pickle_compactly(FieldChange, RowNote, Guardian, StudentToAdd, HouseholdChange, StudentToChange)


@dataclass
class ImportCounts:
    """How many of the file's data rows each outcome has; ``errors`` and ``notes`` count messages (a row can have
    several errors)."""

    to_add: int = 0
    to_change: int = 0
    unchanged: int = 0
    rejected: int = 0  # rows
    errors: int = 0
    notes: int = 0


@dataclass(frozen=True)
class FileStamp:
    """What the file was when it was checked: writing refuses a file that is no longer this."""

    size: int
    mtime_ns: int
    digest: str  # BLAKE2b of the content

    @classmethod
    def of(cls, path: Path) -> FileStamp:
        try:
            before = path.stat()
            digest = hashlib.blake2b(digest_size=20)
            with open(path, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
            after = path.stat()
        except OSError as exc:
            raise RosterFileError(f"无法读取文件 {path}：{exc.strerror}",
                                  f"Cannot read {path}: {exc.strerror}") from None
        if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns):
            raise RosterFileChanged(path, while_reading=True)
        return cls(after.st_size, after.st_mtime_ns, digest.hexdigest())

    def same_stat(self, path: Path) -> bool:
        try:
            now = path.stat()
        except OSError:
            return False
        return (now.st_size, now.st_mtime_ns) == (self.size, self.mtime_ns)


@dataclass(eq=False)
class ImportPlan:
    """What importing ``path`` would do.

    ``counts`` has the totals. ``to_add``, ``to_change``, ``rejected`` and ``notes`` hold the first KEPT_ROWS of
    each (all of them when there are fewer), in the file's row order, for a screen: :meth:`all_errors` and
    :meth:`all_notes` give every one, and the rows to write wait in encrypted temporary spills until
    :func:`apply_import` reads them back, so a plan's memory does not grow with the file. A RowError's ``index``
    is the file's own row number (1-based, as Excel shows it) and its ``field`` is the column's header as the
    file writes it.
    """

    path: Path
    today: date
    file_format: str  # "xlsx", "xls" or "csv"
    encoding: str | None  # of a CSV file
    sheet: str | None
    header_row: int
    columns: dict[str, str]  # recognised field -> header text in the file
    ignored_columns: list[str]
    stamp: FileStamp | None = None
    rows_read: int = 0
    counts: ImportCounts = field(default_factory=ImportCounts)
    to_add: list[StudentToAdd] = field(default_factory=list)
    to_change: list[StudentToChange] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    notes: list[RowNote] = field(default_factory=list)
    _adds: Spill[StudentToAdd] = field(default_factory=Spill, repr=False)
    _changes: Spill[StudentToChange] = field(default_factory=Spill, repr=False)
    _errors: Spill[RowError] = field(default_factory=Spill, repr=False)  # all but the repeats', in row order
    _notes: Spill[RowNote] = field(default_factory=Spill, repr=False)
    _repeats: _Repeats | None = field(default=None, repr=False)

    def summary(self, lang: str | None = None) -> str:
        counts = self.counts
        if resolve_language(lang) == "zh":
            return (f"新增 {counts.to_add} 人，更新 {counts.to_change} 人，未变 {counts.unchanged} 人，"
                    f"有误 {counts.rejected} 行")
        return (f"{counts.to_add} to add, {counts.to_change} to change, {counts.unchanged} unchanged, "
                f"{counts.rejected} row(s) rejected")

    def all_errors(self) -> Iterator[RowError]:
        """Every error, by row and then column (what the report lists)."""
        repeats = self._repeats.errors() if self._repeats is not None else iter(())
        # Both are in that order already; on a tie the row's own errors come first, as they were found first.
        return heapq.merge(self._errors, repeats, key=_error_order)

    def all_notes(self) -> Iterator[RowNote]:
        """Every note, by row."""
        return (note for note in self._notes if not self._repeated(note.index))

    def students_to_add(self) -> Iterator[StudentToAdd]:
        return (item for item in self._adds if not self._repeated(item.row))

    def students_to_change(self) -> Iterator[StudentToChange]:
        return (item for item in self._changes if not self._repeated(item.row))

    def close(self) -> None:
        """Let go of the temporary files now rather than when the plan is garbage collected."""
        for spill in (self._adds, self._changes, self._errors, self._notes):
            spill.close()

    def _repeated(self, row: int) -> bool:
        return self._repeats is not None and self._repeats.has(row)


def _error_order(error: RowError) -> tuple[int, str]:
    return error.index, error.field or ""


@dataclass
class ImportResult:
    plan: ImportPlan
    added: int  # students added
    changed: int  # students edited
    households: int
    skipped: list[RowError]  # the first of the errors of the rows left out under skip_invalid (plan.rejected)

    @property
    def unchanged(self) -> int:
        return self.plan.counts.unchanged

    @property
    def skipped_rows(self) -> int:
        return self.plan.counts.rejected if self.skipped else 0

    def summary(self, lang: str | None = None) -> str:
        if resolve_language(lang) == "zh":
            return (f"新增 {self.added} 人，更新 {self.changed} 人，未变 {self.unchanged} 人，"
                    f"跳过有误的 {self.skipped_rows} 行")
        return (f"{self.added} added, {self.changed} changed, {self.unchanged} unchanged, "
                f"{self.skipped_rows} invalid row(s) skipped")


_STUDENT_KEYS = ("name", "sex", "birth_date", "grade", "class_name", "id_number", "id_type", "student_number",
                 "ethnicity", "registered_poor", "left_behind", "disability_type", "disability_grade", "migrant",
                 "orphan", "boarding")
_HOUSEHOLD_KEYS = ("guardian", "phone", "address", "registration_place")
_HEAD_OF_HOUSEHOLD = "户主"  # not a column of the exports: the head follows the guardian (see _Planner.household)


_CODE_TABLES: dict[str, type[Code]] = {
    "sex": Sex, "ethnicity": Ethnicity, "id_type": IdType, "left_behind": LeftBehind,
    "disability_type": DisabilityType, "disability_grade": DisabilityGrade, "boarding": BoardingType,
}


def _shown_value(key: str, value: Any, lang: str | None = None) -> str:
    """A stored value as a person reads it: a code by its label, a flag as 是/否."""
    zh = resolve_language(lang) == "zh"
    if value is None or value == "":
        return "（空）" if zh else "(empty)"
    if isinstance(value, bool):
        return ("是" if value else "否") if zh else ("yes" if value else "no")
    kind = _CODE_TABLES.get(key)
    if kind is not None:
        try:
            return kind.parse(str(value)).label(lang)
        except ValidationError:
            return str(value)
    return value.isoformat() if isinstance(value, date) else str(value)


# ----------------------------------------------------------------------------- planning
@dataclass
class _Existing:
    id: str
    input: StudentInput
    stored: dict[str, Any]


@dataclass
class _Parsed:
    row: int
    values: dict[str, Any]
    errors: list[RowError]


_SELECTED = (Student.id, *(getattr(Student, name) for name in roster.STUDENT_FIELDS))


def _existing(session: Session, column: Any, keys: set[str]) -> dict[str, _Existing]:
    found: dict[str, _Existing] = {}
    ordered = sorted(keys)
    for start in range(0, len(ordered), _LOOKUP_CHUNK):
        chunk = ordered[start:start + _LOOKUP_CHUNK]
        for row in session.execute(select(*_SELECTED).where(column.in_(chunk), Student.deleted.is_(False))):
            values = dict(zip(roster.STUDENT_FIELDS, row[1:], strict=True))
            stored = {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
            found[getattr(row, column.key)] = _Existing(row[0], StudentInput(**values), stored)
    return found


@dataclass(frozen=True, slots=True)
class _Member:
    id: str
    name: str
    relation: str | None
    phone: str | None
    is_guardian: bool


@dataclass(frozen=True, slots=True)
class _Family:
    """A matched student's household as stored, for a re-import to compare the file with."""

    id: str
    head_name: str | None
    address: str | None
    phone: str | None
    registration_place: str | None
    hardship: tuple[str, ...]
    members: tuple[_Member, ...]  # the live ones, guardians first, then in the order they were recorded

    @property
    def guardians(self) -> list[_Member]:
        return [m for m in self.members if m.is_guardian]


def _families(session: Session, household_ids: set[str]) -> dict[str, _Family]:
    """The live households of ``household_ids`` with their live members."""
    found: dict[str, _Family] = {}
    ordered = sorted(household_ids)
    for start in range(0, len(ordered), _LOOKUP_CHUNK):
        chunk = ordered[start:start + _LOOKUP_CHUNK]
        members: dict[str, list[_Member]] = {}
        for household_id, member_id, name, relation, phone, is_guardian in session.execute(
                select(HouseholdMember.household_id, HouseholdMember.id, HouseholdMember.name,
                       HouseholdMember.relation, HouseholdMember.phone, HouseholdMember.is_guardian)
                .where(HouseholdMember.household_id.in_(chunk), HouseholdMember.deleted.is_(False))
                .order_by(HouseholdMember.household_id, HouseholdMember.is_guardian.desc(), HouseholdMember.id)):
            members.setdefault(household_id, []).append(_Member(member_id, name, relation, phone, is_guardian))
        for row in session.execute(
                select(Household.id, Household.head_name, Household.address, Household.phone,
                       Household.registration_place, Household.hardship)
                .where(Household.id.in_(chunk), Household.deleted.is_(False))):
            found[row[0]] = _Family(*row[:5], hardship=tuple(row[5] or ()), members=tuple(members.get(row[0], ())))
    return found


class _Planner:
    """Classifies the rows of one file; see :func:`plan_import`."""

    def __init__(self, session: Session, plan: ImportPlan, columns: dict[str, tuple[int, str]]) -> None:
        self.session = session
        self.plan = plan
        self.today = plan.today
        self.columns = columns
        self.readers = [(key, column, header, cell_reader(key)) for key, (column, header) in columns.items()]
        self.schools_by_code: dict[str, str] = {}
        self.schools_by_name: dict[str, list[str]] = {}
        for school_id, code, name in session.execute(
                select(School.id, School.code, School.name).where(School.deleted.is_(False))):
            # Keyed by the folded spelling and, for the exact spelling most rows use, by the name as stored.
            for key in {code, fold(code)} if code else ():
                self.schools_by_code[key] = school_id
            for key in {name, fold(name)}:
                self.schools_by_name.setdefault(key, []).append(school_id)
        # Kinds of key a row must not share with another row of the file (see finish).
        self.keys = {"id": KeyIndex(), "number": KeyIndex(), "student": KeyIndex(wide=True)}
        self.rows = array("I")  # the file's row number of each data row, in order
        self.outcomes = bytearray()  # what each data row does: _ADD, _CHANGE, _UNCHANGED or _REJECTED
        self.row_errors: list[RowError] = []  # of the row being classified
        self.families: dict[str, _Family] = {}  # the households of the batch's matched students

    # -- helpers
    def column(self, key: str) -> str:
        """The file's header for a field, or the field's usual name when the file has no such column."""
        found = self.columns.get(key)
        return found[1] if found else COLUMN_BY_KEY[key].zh

    def error_column(self, key: str | None) -> str | None:
        # Birth date and sex come from the ID number when the file has no column for them.
        for candidate in {"birth_date": ("birth_date", "id_number", "student_number"),
                          "sex": ("sex", "id_number"), "school_id": ("school_code", "school_name"),
                          "household_id": ("guardian",)}.get(key or "", (key,)):
            if candidate in self.columns:
                return self.columns[candidate][1]
        if key in COLUMN_BY_KEY:
            return COLUMN_BY_KEY[key].zh
        return None

    def reject(self, row: int, key: str | None, zh: str, en: str) -> None:
        self.row_errors.append(RowError(row, self.error_column(key), zh, en))

    def seen(self, kind: str, key: str, row: int) -> None:
        self.keys[kind].add(key, uuid_code(key) if kind == "student" else key_code(key), row)

    def note(self, note: RowNote) -> None:
        plan = self.plan
        plan._notes.append(note)
        plan.counts.notes += 1
        if len(plan.notes) < KEPT_ROWS:
            plan.notes.append(note)

    def record(self, row: int, decided: StudentToAdd | StudentToChange | None) -> None:
        """Keep what the row does: counted, the first few for a screen, all of them in the plan's spills."""
        plan, counts = self.plan, self.plan.counts
        self.rows.append(row)
        if self.row_errors:
            self.outcomes.append(_REJECTED)
            counts.rejected += 1
            counts.errors += len(self.row_errors)
            for error in sorted(self.row_errors, key=_error_order):
                plan._errors.append(error)
        elif isinstance(decided, StudentToAdd):
            self.outcomes.append(_ADD)
            counts.to_add += 1
            plan._adds.append(decided)
            if len(plan.to_add) < KEPT_ROWS:
                plan.to_add.append(decided)
        elif isinstance(decided, StudentToChange):
            self.outcomes.append(_CHANGE)
            counts.to_change += 1
            plan._changes.append(decided)
            if len(plan.to_change) < KEPT_ROWS:
                plan.to_change.append(decided)
        else:
            self.outcomes.append(_UNCHANGED)
            counts.unchanged += 1

    # -- per row
    def parse(self, number: int, values: Sequence[Any]) -> _Parsed | None:
        parsed: dict[str, Any] = {}
        errors: list[RowError] = []
        width = len(values)
        for key, column, header, read in self.readers:
            value = values[column] if column < width else None
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            try:
                parsed[key] = read(value)
            except ValidationError as exc:
                errors.append(RowError(number, header, exc.zh, exc.en))
        if not parsed and not errors:
            return None  # a blank row, or a footer written outside the recognised columns
        name_header = self.columns.get("name")
        if name_header and parsed.get("name") == name_header[1]:
            return None  # the header repeated (exports that print a header on every page)
        return _Parsed(number, parsed, errors)

    def classify(self, batch: list[_Parsed]) -> None:
        ids: set[str] = set()
        numbers: set[str] = set()
        for item in batch:
            if item.values.get("id_number"):
                ids.add(item.values["id_number"])
            if item.values.get("student_number"):
                numbers.add(item.values["student_number"])
        by_id = _existing(self.session, Student.id_number, ids) if ids else {}
        by_number = _existing(self.session, Student.student_number, numbers) if numbers else {}
        household_ids = {m.stored["household_id"] for m in itertools.chain(by_id.values(), by_number.values())
                         if m.stored["household_id"]}
        self.families = _families(self.session, household_ids) if household_ids else {}
        for item in batch:
            self.row_errors = list(item.errors)
            self.record(item.row, self.classify_row(item, by_id, by_number))

    def classify_row(self, item: _Parsed, by_id: Mapping[str, _Existing],
                     by_number: Mapping[str, _Existing]) -> StudentToAdd | StudentToChange | None:
        """What the row does: a student to add or to change, or None (unchanged, or rejected: ``row_errors``)."""
        row, values = item.row, dict(item.values)
        id_number: str | None = values.get("id_number") or None
        student_number: str | None = values.get("student_number") or None
        if id_number:
            self.seen("id", id_number, row)
        if student_number:
            self.seen("number", student_number, row)
        if not id_number and not student_number and not item.errors:
            self.reject(row, "id_number", "身份证件号和全国学籍号至少要填一个，否则无法识别这名学生",
                        "Give an ID number or a student number; without either the student cannot be matched")
        id_type = values.get("id_type") or IdType.RESIDENT_ID
        info: IdInfo | None = None
        if id_number and id_type is IdType.RESIDENT_ID:
            try:
                info = parse_id_number(id_number, today=self.today)
            except ValidationError as exc:
                self.reject(row, "id_number", exc.zh, exc.en)
        # Match: the ID number first; the student number when the ID finds no one.
        match = by_id.get(id_number) if id_number else None
        owner = by_number.get(student_number) if student_number else None
        if match is not None and owner is not None and owner.id != match.id:
            self.reject(row, "student_number", f"学籍号 {student_number} 属于另一名学生，请核对",
                        f"The student number {student_number} belongs to another student; please check it")
        elif match is None and owner is not None:
            if id_number and owner.stored["id_number"] and owner.stored["id_number"] != id_number:
                self.reject(row, "student_number", f"学籍号属于另一名学生（身份证号不同）：{student_number}",
                            f"The student number belongs to another student (a different ID number): "
                            f"{student_number}")
            else:
                match = owner
        if match is not None:
            self.seen("student", match.id, row)
        school_id = self.school(row, values)
        birth = values.get("birth_date")
        if isinstance(birth, YearMonth):
            del values["birth_date"]
            known = info.birth_date if info else match.input.birth_date if match else self.number_birth(
                student_number)
            if not isinstance(known, date):
                self.reject(row, "birth_date", f"出生日期只写了年月（{birth}），请填写完整日期或身份证号",
                            f"The birth date gives only a month ({birth}); give the full date or the ID number")
            elif not birth.matches(known):
                self.reject(row, "birth_date", f"出生年月 {birth} 与出生日期 {known.isoformat()} 不一致",
                            f"Birth month {birth} disagrees with the birth date {known.isoformat()}")
        if self.row_errors:
            return None
        if match is not None:
            return self.change(row, values, match, school_id)
        return self.add(row, values, info, school_id)

    def number_birth(self, student_number: str | None) -> date | None:
        if not student_number:
            return None
        try:
            return parse_student_number(student_number, today=self.today).birth_date
        except ValidationError:
            return None

    def school(self, row: int, values: Mapping[str, Any]) -> str | None:
        code, name = values.get("school_code"), values.get("school_name")
        if code and (found := self.schools_by_code.get(code) or self.schools_by_code.get(fold(code))):
            return found
        if name:
            candidates = self.schools_by_name.get(name) or self.schools_by_name.get(fold(name), [])
            if len(candidates) == 1:
                return candidates[0]
            if len(candidates) > 1:
                self.reject(row, "school_name", f"有 {len(candidates)} 所学校都叫「{name}」，请在文件中填写学校标识码",
                            f'{len(candidates)} schools are named "{name}"; give the school code in the file')
                return None
        if code or name:
            shown_zh = f"「{name}」（标识码 {code}）" if name and code else f"「{name or code}」"
            shown_en = f'"{name}" (code {code})' if name and code else f'"{name or code}"'
            self.reject(row, "school_name" if name else "school_code",
                        f"找不到学校{shown_zh}：请先在“学校”中添加这所学校（含学校标识码），再导入",
                        f"No school {shown_en}: add the school (with its code) first, then import")
        return None

    def add(self, row: int, values: dict[str, Any], info: IdInfo | None, school_id: str | None) -> StudentToAdd | None:
        missing = [key for key in ("name", "grade") if key not in values]
        if school_id is None and "school_code" not in values and "school_name" not in values:
            missing.append("school_name")
        if missing:
            names = "、".join(self.column(k) for k in missing)
            en_names = ", ".join(COLUMN_BY_KEY[k].en for k in missing)
            self.reject(row, missing[0], f"新学生需要填写：{names}", f"A new student needs: {en_names}")
            return None
        if school_id is None:
            return None  # the unknown school was reported
        student = StudentInput(
            name=values["name"], sex=values.get("sex") or (info.sex if info else ""),
            birth_date=values.get("birth_date"), school_id=school_id, grade=values["grade"],
            class_name=values.get("class_name"), id_number=values.get("id_number"),
            id_type=values.get("id_type") or IdType.RESIDENT_ID, student_number=values.get("student_number"),
            ethnicity=values.get("ethnicity"), registered_poor=values.get("registered_poor", False),
            left_behind=values.get("left_behind") or LeftBehind.NO, disability_type=values.get("disability_type"),
            disability_grade=values.get("disability_grade"), migrant=values.get("migrant", False),
            orphan=values.get("orphan", False), boarding=values.get("boarding"))
        try:
            stored = roster.validate_student(student, today=self.today)
        except DomainError as exc:
            self.reject(row, exc.field, exc.zh, exc.en)
            return None
        household = guardian = None
        if any(key in values for key in _HOUSEHOLD_KEYS):
            household = HouseholdInput(
                scope=school_id, head_name=values.get("guardian"), address=values.get("address"),
                phone=values.get("phone"), registration_place=values.get("registration_place"),
                hardship=[HardshipCategory.REGISTERED_POOR] if values.get("registered_poor") else [])
            if values.get("guardian"):
                guardian = Guardian(values["guardian"], values.get("relation") or None, values.get("phone"))
        return StudentToAdd(row, stored, household, guardian)

    def change(self, row: int, values: dict[str, Any], match: _Existing,
               school_id: str | None) -> StudentToChange | None:
        if school_id is not None and school_id != match.input.school_id:
            header = self.column("school_name" if values.get("school_name") else "school_code")
            self.note(RowNote(row, header, "学校不同，请用学籍异动转学",
                              "The school differs; move the student with a registry transfer"))
        given = {key: values[key] for key in _STUDENT_KEYS if key in values}
        try:
            validated = roster.validate_student(replace(match.input, **given), today=self.today)
        except DomainError as exc:
            self.reject(row, exc.field, exc.zh, exc.en)
            return None
        diffs = [FieldChange(key, self.column(key), match.stored[key], validated[key])
                 for key in given if validated[key] != match.stored[key]]
        changes = {d.field: given[d.field] for d in diffs}
        household = self.household(values, match, validated, diffs,
                                   poor_now=any(d.field == "registered_poor" and d.after for d in diffs))
        if not diffs:
            return None  # unchanged
        return StudentToChange(row, match.id, validated["name"], changes, tuple(diffs), household)

    def household(self, values: Mapping[str, Any], match: _Existing, validated: Mapping[str, Any],
                  diffs: list[FieldChange], *, poor_now: bool) -> HouseholdChange | None:
        """What the row changes in the matched student's household (its FieldChanges appended to ``diffs``).
        ``poor_now``: the row marks the student registered poor (建档立卡), which the household's hardship
        then says too, as for a new student."""
        guardian: str | None = values.get("guardian")
        relation: str | None = values.get("relation")
        phone: str | None = values.get("phone")
        given = {key: values[key] for key in ("address", "registration_place", "phone") if key in values}
        household_id = match.stored["household_id"]
        family = self.families.get(household_id) if household_id else None
        poor = HardshipCategory.REGISTERED_POOR.value
        if not given and not guardian and not (poor_now and family is not None and poor not in family.hardship):
            return None
        if family is None:
            # No household on record (or it was deleted): make the one an import of a new student would.
            for key in ("guardian", "phone", "address", "registration_place"):
                if key in values:
                    diffs.append(FieldChange(key, self.column(key), None, values[key]))
            create = HouseholdInput(
                scope=match.input.school_id, head_name=guardian, address=values.get("address"), phone=phone,
                registration_place=values.get("registration_place"),
                hardship=[HardshipCategory.REGISTERED_POOR] if validated["registered_poor"] else [])
            return HouseholdChange(derived_id("household", match.id), create=create,
                                   new_guardian=Guardian(guardian, relation, phone) if guardian else None)
        fields: dict[str, Any] = {}
        if poor_now and poor not in family.hardship:
            fields["hardship"] = [*family.hardship, poor]  # shown by the student's 是否建档立卡 change
        for key in ("address", "registration_place"):
            if key in given and given[key] != getattr(family, key):
                fields[key] = given[key]
                diffs.append(FieldChange(key, self.column(key), getattr(family, key), given[key]))
        guardians = family.guardians
        named = next((m for m in family.members if m.name == guardian), None) if guardian else None
        target = named if guardian else (guardians[0] if guardians else None)
        guardian_fields: dict[str, Any] = {}
        new_guardian: Guardian | None = None
        no_longer: tuple[str, ...] = ()
        if guardian and (named is None or not named.is_guardian):
            diffs.append(FieldChange("guardian", self.column("guardian"),
                                     "、".join(g.name for g in guardians) or None, guardian))
            no_longer = tuple(g.id for g in guardians)
            if named is None:
                new_guardian = Guardian(guardian, relation, phone)
            else:
                guardian_fields["is_guardian"] = True
            # The head of household was the guardian's name when the household came from an import; it follows
            # the guardian then, and stays when a person wrote someone else.
            if not family.head_name or family.head_name in {g.name for g in guardians}:
                fields["head_name"] = guardian
                diffs.append(FieldChange("head_name", _HEAD_OF_HOUSEHOLD, family.head_name, guardian))
        if target is not None:
            if relation and relation != target.relation:
                guardian_fields["relation"] = relation
                diffs.append(FieldChange("relation", self.column("relation"), target.relation, relation))
            if phone and phone != target.phone:
                guardian_fields["phone"] = phone
        if phone and phone != family.phone:
            fields["phone"] = phone
        if "phone" in fields or "phone" in guardian_fields:
            before = family.phone if "phone" in fields else target.phone if target is not None else None
            diffs.append(FieldChange("phone", self.column("phone"), before, phone))
        if not fields and not guardian_fields and new_guardian is None:
            return None
        return HouseholdChange(family.id, fields=fields, guardian_id=target.id if target is not None else None,
                               guardian_fields=guardian_fields, new_guardian=new_guardian,
                               no_longer_guardian=no_longer)

    # -- after the last row
    def finish(self) -> None:
        """Reject every row whose ID number, student number or matched student repeats another row's: which of
        the rows is right only a person can tell, so none of them is imported."""
        plan, counts = self.plan, self.plan.counts
        repeats = _Repeats.find(self.keys, self.error_column)
        self.keys = {}
        if repeats is not None:
            plan._repeats = repeats
            for row in repeats.rows:
                ordinal = bisect.bisect_left(self.rows, row)
                outcome = self.outcomes[ordinal]
                if outcome == _REJECTED:
                    continue
                if outcome == _ADD:
                    counts.to_add -= 1
                elif outcome == _CHANGE:
                    counts.to_change -= 1
                else:
                    counts.unchanged -= 1
                counts.rejected += 1
                self.outcomes[ordinal] = _REJECTED
            counts.errors += repeats.count
            # What the screen shows again, without the repeated rows.
            plan.to_add = list(itertools.islice(plan.students_to_add(), KEPT_ROWS))
            plan.to_change = list(itertools.islice(plan.students_to_change(), KEPT_ROWS))
            plan.notes = list(itertools.islice(plan.all_notes(), KEPT_ROWS))
            counts.notes = len(plan.notes) if len(plan.notes) < KEPT_ROWS else sum(1 for _ in plan.all_notes())
        plan.rejected = list(itertools.islice(plan.all_errors(), KEPT_ROWS))


_ADD, _CHANGE, _UNCHANGED, _REJECTED = 1, 2, 3, 4


class _Repeats:
    """The rows of a file that share an ID number, a student number or a matched student with another row, and
    the errors that say so, made when asked for (one group of rows per repeated key, not one message per row)."""

    def __init__(self, groups: list[tuple[str, str, array[int]]], column: Callable[[str | None], str | None]) -> None:
        self.groups = groups  # (kind, the key as shown, the rows that have it)
        self.fields = {"id": column("id_number"), "number": column("student_number"), "student": column("id_number")}
        # Rows with a repeated ID number usually repeat the student number (and so the student) too: say it once.
        # Within a kind the groups share no row; a group whose rows all repeat a key of an earlier kind is left out.
        said = bytearray(len(groups))
        earlier: set[int] = set()
        for kind in ("id", "number", "student"):
            members = [index for index, group in enumerate(groups) if group[0] == kind]
            for index in members:
                said[index] = not all(row in earlier for row in groups[index][2])
            for index in members:
                earlier.update(groups[index][2])
        self.rows = array("I", sorted(earlier))  # every repeated row
        # (row, group) of each message, by row: the order the report lists them in.
        self.entries = array("Q", sorted(row << 32 | index for index, group in enumerate(groups) if said[index]
                                         for row in group[2]))
        self.count = len(self.entries)

    @classmethod
    def find(cls, keys: Mapping[str, KeyIndex], column: Callable[[str | None], str | None]) -> _Repeats | None:
        groups = []
        for kind in ("id", "number", "student"):
            for code, text, rows in keys[kind].repeated():
                shown = text if text is not None else key_text(code) if code is not None and kind != "student" else ""
                groups.append((kind, shown, array("I", rows)))
        return cls(groups, column) if groups else None

    def has(self, row: int) -> bool:
        at = bisect.bisect_left(self.rows, row)
        return at < len(self.rows) and self.rows[at] == row

    def errors(self) -> Iterator[RowError]:
        pending: list[RowError] = []
        for entry in self.entries:
            row, index = entry >> 32, entry & 0xFFFFFFFF
            if pending and pending[0].index != row:
                yield from sorted(pending, key=_error_order)
                pending = []
            pending.append(self.error(row, index))
        yield from sorted(pending, key=_error_order)

    def error(self, row: int, index: int) -> RowError:
        kind, number, rows = self.groups[index]
        others_zh, others_en = "、".join(str(r) for r in rows if r != row), ", ".join(str(r) for r in rows if r != row)
        if kind == "student":
            return RowError(row, self.fields[kind], f"与第 {others_zh} 行是同一名学生，请合并为一行",
                            f"The same student as row(s) {others_en}; merge them into one row")
        zh_kind, en_kind = ("身份证号", "ID number") if kind == "id" else ("学籍号", "student number")
        return RowError(row, self.fields[kind],
                        f"{zh_kind} {number} 在文件中重复出现（另见第 {others_zh} 行），这几行都未导入",
                        f"The {en_kind} {number} appears more than once in the file (also row(s) {others_en}); "
                        "none of these rows was imported")


def plan_import(session: Session, path: Path | str, *, today: date,
                progress: RowProgress | None = None,
                cancelled: IsCancelled | None = None) -> ImportPlan:
    """Read a roster file and decide, row by row, what importing it would do; writes nothing to the database.

    Raises RosterFileError when the file as a whole cannot be used (missing, over MAX_FILE_BYTES, empty, not a
    spreadsheet, an unknown text encoding, no recognisable header in the first HEADER_SCAN_ROWS rows, no rows,
    changed while it was read), and Cancelled when ``cancelled()`` turns true. ``progress(rows_read)`` is
    called every few hundred rows. The plan's memory does not grow with the file (see :class:`ImportPlan`).
    """
    path = Path(path)
    check_file(path)
    stamp = FileStamp.of(path)  # before reading: a change while the rows are read shows at the end
    with open_table(path) as table:
        plan = _plan_rows(session, path, table, today=today, progress=progress, cancelled=cancelled)
    plan.stamp = stamp
    if not stamp.same_stat(path):
        plan.close()
        raise RosterFileChanged(path, while_reading=True)
    return plan


def _plan_rows(session: Session, path: Path, table: Table, *, today: date,
               progress: RowProgress | None, cancelled: IsCancelled | None) -> ImportPlan:
    missing = [k for k in ("name",) if k not in table.columns]
    if "id_number" not in table.columns and "student_number" not in table.columns:
        missing.append("id_number")
    if missing:
        names = "、".join(COLUMN_BY_KEY[k].zh for k in missing)
        raise RosterFileError(
            f"表头（第 {table.header_row} 行）缺少「{names}」列；需要姓名，以及身份证件号或全国学籍号，才能识别学生",
            f"The header (row {table.header_row}) lacks {', '.join(COLUMN_BY_KEY[k].en for k in missing)}; a name "
            "and an ID number or a student number are needed to identify students")
    plan = ImportPlan(path=path, today=today, file_format=table.file_format, encoding=table.encoding,
                      sheet=table.sheet, header_row=table.header_row,
                      columns={k: t for k, (_, t) in table.columns.items()}, ignored_columns=table.ignored_columns)
    try:
        planner = _Planner(session, plan, table.columns)
        batch: list[_Parsed] = []
        for number, values in table.rows:
            parsed = planner.parse(number, values)
            if parsed is not None:
                plan.rows_read += 1
                batch.append(parsed)
                if plan.rows_read % _PROGRESS_EVERY == 0:
                    raise_if_cancelled(cancelled, *CANCELLED)
                    if progress is not None:
                        progress(plan.rows_read)
            if len(batch) >= _LOOKUP_CHUNK:
                planner.classify(batch)
                batch = []
        planner.classify(batch)
        raise_if_cancelled(cancelled, *CANCELLED)
        if plan.rows_read == 0:
            raise RosterFileError(f"表头（第 {table.header_row} 行）下面没有学生数据",
                                  f"There are no student rows under the header (row {table.header_row})")
        planner.finish()
    except BaseException:
        plan.close()
        raise
    if progress is not None:
        progress(plan.rows_read)
    return plan


# ----------------------------------------------------------------------------- applying
def _batches(items: Iterable[StudentToAdd], size: int) -> Iterator[list[StudentToAdd]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def apply_import(session: Session, plan: ImportPlan, *, skip_invalid: bool,
                 progress: RowProgress | None = None,
                 cancelled: IsCancelled | None = None) -> ImportResult:
    """Write a plan through the roster services, in batches, in the caller's transaction.

    Without ``skip_invalid``, any rejected row raises ImportRejected before anything is written. With it, the valid
    rows are written and the rejected ones are reported in the result. A file that is no longer the one that was
    checked (size, modification time, content) raises RosterFileChanged before anything is written. Any error
    raised here leaves the caller's transaction to roll back, so nothing is half imported. ``progress(rows)`` is
    called with the rows written so far.
    """
    from app.services.access import require_admin_session

    require_admin_session(session, zh="导入名单", en="import rosters")
    if plan.counts.rejected and not skip_invalid:
        raise ImportRejected(plan)
    if plan.stamp is not None and FileStamp.of(plan.path) != plan.stamp:
        raise RosterFileChanged(plan.path)
    done = 0
    added = 0
    households = 0
    for chunk in _batches(plan.students_to_add(), _WRITE_CHUNK):
        raise_if_cancelled(cancelled, *CANCELLED)
        families = [roster.NewFamily(item.stored, item.household) if item.guardian is None else roster.NewFamily(
            item.stored, item.household, item.guardian.name, item.guardian.relation, item.guardian.phone)
            for item in chunk]
        try:
            made, made_households = roster.add_new_families(session, families)
        except roster.BatchError as exc:
            raise ImportRejected(plan, [_at_row(chunk[e.index].row, e) for e in exc.errors]) from None
        added += len(made)
        households += made_households
        done += len(chunk)
        if progress is not None:
            progress(done)
    changed = 0
    for number, change in enumerate(plan.students_to_change(), start=1):
        if number % _PROGRESS_EVERY == 0:
            raise_if_cancelled(cancelled, *CANCELLED)
        try:
            if change.household is not None:
                households += _write_household(session, change.student_id, change.household, plan.today)
            if change.changes:
                roster.edit_student(session, change.student_id, today=plan.today, **change.changes)
        except DomainError as exc:
            raise ImportRejected(plan, [RowError(change.row, exc.field, exc.zh, exc.en)]) from None
        changed += 1
        done += 1
        if progress is not None and number % _PROGRESS_EVERY == 0:
            progress(done)
    return ImportResult(plan=plan, added=added, changed=changed, households=households, skipped=list(plan.rejected))


def _write_household(session: Session, student_id: str, change: HouseholdChange, today: date) -> int:
    """Write one row's household change; returns the households made (0 or 1)."""
    made = 0
    household_id = change.household_id
    if change.create is not None:
        existing = session.get(Household, household_id)
        if existing is None:
            roster.add_household(session, change.create, row_id=household_id)
            made = 1
        elif existing.deleted:  # someone deleted the one made before: a new one, not a resurrection
            household_id = roster.add_household(session, change.create).id
            made = 1
        else:  # a sibling's row of this file, or another laptop, made it already
            given = {key: getattr(change.create, key) for key in ("head_name", "address", "phone",
                                                                  "registration_place")}
            roster.edit_household(session, household_id, **{k: v for k, v in given.items() if v})
        roster.edit_student(session, student_id, today=today, household_id=household_id)
    elif change.fields:
        roster.edit_household(session, household_id, **change.fields)
    for member_id in change.no_longer_guardian:
        roster.edit_member(session, member_id, is_guardian=False)
    guardian = change.new_guardian
    if guardian is not None:
        member_id = derived_id("household_member", household_id, guardian.name)
        given = {"relation": guardian.relation, "phone": guardian.phone}
        member = session.get(HouseholdMember, member_id)
        if member is not None and not member.deleted:
            roster.edit_member(session, member_id, is_guardian=True, **{k: v for k, v in given.items() if v})
        else:
            roster.add_member(session, MemberInput(household_id=household_id, name=guardian.name, is_guardian=True,
                                                   **given), row_id=None if member is not None else member_id)
    elif change.guardian_id is not None and change.guardian_fields:
        roster.edit_member(session, change.guardian_id, **change.guardian_fields)
    return made


def _at_row(row: int, error: RowError) -> RowError:
    # The plan checked these rows already; reaching here means the records changed since it was made.
    return RowError(row, error.field, f"{error.zh}（数据在检查之后有变动，请重新导入）",
                    f"{error.en} (the records changed after the check; import again)")


# ----------------------------------------------------------------------------- report
def _report_path(path: Path | str) -> Path:
    path = Path(path)
    target = path.with_name(path.stem + REPORT_SUFFIX)
    # Importing a file that is itself named like a report must not overwrite the file being imported.
    return path.with_name(path.name + REPORT_SUFFIX) if target == path else target


def _safe_cell(value: object) -> str:
    text = str(value)
    # A cell starting with = + - @ would run as a formula when the report is opened in Excel, and the messages
    # quote cells of the imported file.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def write_report(outcome: ImportPlan | ImportResult, path: Path | str | None = None) -> Path:
    """Write the import report beside the input file (``<stem>.导入报告.csv``, UTF-8 with BOM for Excel) and return
    its path: the counts, then every error, every note and every change, each by row. ``path`` is the input file
    (default: the plan's). Written to a temporary name, then renamed."""
    plan = outcome.plan if isinstance(outcome, ImportResult) else outcome
    counts = plan.counts
    target = _report_path(path if path is not None else plan.path)
    if isinstance(outcome, ImportResult):
        state = "已导入（有误的行已跳过）" if outcome.skipped else "已导入"
        totals: list[list[object]] = [["新增", outcome.added], ["更新", outcome.changed], ["未变", counts.unchanged],
                                      ["有误（未导入）", counts.rejected]]
    else:
        state = "未导入" if counts.rejected else "尚未导入（仅检查）"
        totals = [["可新增", counts.to_add], ["可更新", counts.to_change], ["未变", counts.unchanged],
                  ["有误", counts.rejected]]
    head: list[list[object]] = [["导入报告", plan.path.name], ["结果", state],
                                ["工作表", plan.sheet or ""], ["表头所在行", plan.header_row], *totals, [],
                                ["行号", "列", "类别", "说明"]]
    changed = "更新" if isinstance(outcome, ImportResult) else "将更新"
    lines = itertools.chain(head, ([e.index, e.field or "", "错误", e.zh] for e in plan.all_errors()),
                            ([n.index, n.field or "", "提示", n.zh] for n in plan.all_notes()),
                            ([c.row, "、".join(d.column for d in c.diffs), changed, f"{c.name}：{c.describe('zh')}"]
                             for c in plan.students_to_change()))
    tmp = target.with_name(target.name + ".part")
    try:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            for line in lines:
                writer.writerow([_safe_cell(cell) for cell in line])
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise RosterFileError(f"无法写入导入报告 {target}：{exc.strerror}",
                              f"Cannot write the import report {target}: {exc.strerror}") from None
    return target
