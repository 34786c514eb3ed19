"""Roster import: the student registry's (学籍系统) exports and the poverty and disability lists, as .xlsx, .xls
or .csv, into students and households.

Two steps, so that a screen or ``--dry-run`` can show what would happen before anything is written:

- :func:`plan_import` reads the file as a stream, finds the header under any title rows, matches every row to an
  existing student (by ID number, else by student number), checks it with the roster rules and returns an
  :class:`ImportPlan`: how many students to add, to change (field by field), rows unchanged, rows rejected (with
  the file's own row number and the column's header as the file writes it), with the first few hundred of each
  for a screen.
- :func:`apply_import` writes the plan through the roster services in batches, inside the caller's
  ``database.write()`` transaction, so an error, a cancel or a full disk leaves nothing half imported.

Memory stays flat however long the file: openpyxl reads .xlsx in read-only mode and CSV is read line by line;
the rows a plan will write, and every error and note for the report, wait in encrypted temporary spills
(``importing_rows.Spill``), not in lists; repeated ID numbers are found from compact integer keys
(``importing_rows.KeyIndex``, 12–20 bytes a row). Writing reads the spills back rather than parsing the file a
second time, which would cost as much again as the parse (most of an import's time); the file must still be the
one that was checked (size, modification time and a BLAKE2 digest), or nothing is written. Only .xls is read
whole, by xlrd, which has no streaming mode; the format holds at most 65,536 rows.

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
import codecs
import contextlib
import csv
import functools
import hashlib
import heapq
import itertools
import os
import re
import unicodedata
import zipfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
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
from app.domain.contact import normalize_phone
from app.domain.errors import DomainError, ValidationError
from app.domain.i18n import resolve_language
from app.domain.identity import IdInfo, normalize_id_text, parse_id_number, parse_student_number
from app.domain.names import normalize_name
from app.services import roster
from app.services.importing_rows import KeyIndex, Spill, key_code, key_text, uuid_code
from app.services.roster import HouseholdInput, MemberInput, RowError, StudentInput
from app.store.ids import derived_id
from app.store.models import Household, HouseholdMember, School, Student

# Registry exports of a whole district are a few tens of MB; anything far larger is not a roster, and reading it
# would keep a teacher's laptop busy for minutes before saying so.
MAX_FILE_BYTES = 200 * 1024 * 1024
HEADER_SCAN_ROWS = 20
MIN_HEADER_MATCHES = 3
REPORT_SUFFIX = ".导入报告.csv"

_LOOKUP_CHUNK = 900  # rows matched against the database per query (SQLite's host-parameter limit is 999 on old builds)
_WRITE_CHUNK = 2000  # students written per service call: bounds the services' per-call working lists
_PROGRESS_EVERY = 500
# Of each list (students to add, to change, errors, notes) a plan keeps this many in memory for a screen; the
# report file has every one.
KEPT_ROWS = 500

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_OTHER_FORMATS = (
    (b"\x89PNG", "PNG 图片", "a PNG image"), (b"\xff\xd8\xff", "JPEG 图片", "a JPEG image"),
    (b"GIF8", "GIF 图片", "a GIF image"), (b"%PDF", "PDF 文档", "a PDF document"),
    (b"Rar!", "RAR 压缩包", "a RAR archive"), (b"7z\xbc\xaf", "7z 压缩包", "a 7z archive"),
    (b"\x1f\x8b", "gzip 压缩包", "a gzip archive"), (b"BM", "BMP 图片", "a BMP image"),
)
_TEXT_SUFFIXES = frozenset({".csv", ".txt"})


# ----------------------------------------------------------------------------- errors
class RosterFileError(ValidationError):
    """The file as a whole cannot be imported (not a spreadsheet, too big, no header...); nothing was written."""


class ImportCancelled(DomainError):
    """The user cancelled; nothing was written."""

    def __init__(self) -> None:
        super().__init__("已取消，没有导入任何记录。", "Cancelled; nothing was imported.")


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
    student: StudentInput
    household: HouseholdInput | None = None
    guardian: Guardian | None = None


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


# ----------------------------------------------------------------------------- columns
@dataclass(frozen=True)
class _Column:
    key: str
    zh: str
    en: str
    aliases: tuple[str, ...]  # in order of preference when a file has two of them


_COLUMNS = (
    _Column("name", "姓名", "Name", ("姓名", "学生姓名")),
    _Column("id_number", "身份证件号", "ID number",
            ("身份证件号", "身份证号", "身份证号码", "证件号码", "身份证件号码", "证件号", "学生身份证号")),
    _Column("id_type", "身份证件类型", "ID type", ("身份证件类型", "证件类型")),
    _Column("student_number", "全国学籍号", "Student number", ("全国学籍号", "学籍号", "学籍辅号")),
    _Column("school_name", "学校名称", "School", ("学校名称", "学校", "就读学校")),
    _Column("school_code", "学校标识码", "School code", ("学校标识码", "学校代码")),
    _Column("grade", "年级", "Grade", ("年级", "就读年级")),
    _Column("class_name", "班级", "Class", ("班级", "班级名称")),
    _Column("sex", "性别", "Sex", ("性别",)),
    _Column("birth_date", "出生日期", "Birth date", ("出生日期", "出生年月")),
    _Column("ethnicity", "民族", "Ethnicity", ("民族",)),
    _Column("guardian", "监护人", "Guardian", ("监护人", "监护人姓名", "家长姓名")),
    _Column("relation", "监护人关系", "Relation", ("监护人关系", "与学生关系")),
    _Column("phone", "联系电话", "Phone", ("联系电话", "监护人电话", "手机号码", "监护人联系电话")),
    _Column("address", "家庭住址", "Address", ("家庭住址", "现住址", "家庭地址")),
    _Column("registration_place", "户籍所在地", "Registration place", ("户籍所在地", "户口所在地")),
    _Column("registered_poor", "是否建档立卡", "Registered poor",
            ("是否建档立卡", "建档立卡", "脱贫户", "是否建档立卡户", "是否脱贫户")),
    _Column("left_behind", "是否留守儿童", "Left-behind child", ("是否留守儿童", "留守儿童")),
    _Column("disability_type", "残疾类别", "Disability type", ("残疾类别", "残疾类型")),
    _Column("disability_grade", "残疾等级", "Disability grade", ("残疾等级",)),
    _Column("migrant", "是否随迁子女", "Migrant child", ("是否随迁子女", "随迁子女", "是否进城务工人员随迁子女")),
    _Column("orphan", "是否孤儿", "Orphan", ("是否孤儿", "孤儿")),
    _Column("boarding", "就读方式", "Day or boarding", ("就读方式", "是否住校", "是否寄宿")),
)
_COLUMN_BY_KEY = {c.key: c for c in _COLUMNS}
_STUDENT_KEYS = ("name", "sex", "birth_date", "grade", "class_name", "id_number", "id_type", "student_number",
                 "ethnicity", "registered_poor", "left_behind", "disability_type", "disability_grade", "migrant",
                 "orphan", "boarding")
_HOUSEHOLD_KEYS = ("guardian", "phone", "address", "registration_place")
_HEAD_OF_HOUSEHOLD = "户主"  # not a column of the exports: the head follows the guardian (see _Planner.household)
# Parenthesised notes ("出生日期(yyyy-mm-dd)", "性别（必填）") and required markers are decoration, not the name.
_HEADER_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】|[*:：\s\ufeff]")


def _header_key(text: str) -> str:
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def _build_alias_table() -> dict[str, tuple[str, int]]:
    table: dict[str, tuple[str, int]] = {}
    for column in _COLUMNS:
        for rank, alias in enumerate(column.aliases):
            table[_header_key(alias)] = (column.key, rank)
    return table


_ALIASES = _build_alias_table()


# ----------------------------------------------------------------------------- cell values
class _YearMonth:
    """A birth "date" that gives only the year and month (出生年月 "2014.03")."""

    __slots__ = ("month", "year")

    def __init__(self, year: int, month: int) -> None:
        self.year, self.month = year, month

    def matches(self, day: date) -> bool:
        return (day.year, day.month) == (self.year, self.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (it counts 1900 as a leap year; serials after Feb 1900 agree)
_FULL_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_YEAR_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_CN_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_GRADE = re.compile(r"(小学|初中|初)?([1-9一二三四五六七八九])(?:年级|年|级)?")
_YES = frozenset({"是", "y", "yes", "1", "√", "✓", "✔", "true", "有", "对",
                  # Lists of one kind mark their rows with the kind's own name.
                  "建档立卡", "建档立卡户", "脱贫户", "脱贫", "随迁子女", "随迁", "孤儿", "留守", "留守儿童"})
# No plain "x": some forms tick a box with it, others cross it out, so it is refused rather than guessed.
_NO = frozenset({"否", "n", "no", "0", "×", "✗", "✘", "false", "无", "不是", "非", "非留守"})
_NONE_WORDS = frozenset({"无", "否", "0", "非残疾", "不是", "没有"})
_LEFT_BEHIND_WORDS = {"单亲留守": LeftBehind.ONE_PARENT, "双亲留守": LeftBehind.BOTH_PARENTS}


def _text(value: Any) -> str | None:
    """A cell as trimmed text, or None when empty."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, bool):
        return "是" if value else "否"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    else:
        text = str(value).strip()
    if not text:
        return None
    # CSV exports keep Excel from turning long numbers into 4.5E+17 with ="…", a leading apostrophe or a tab.
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1].strip()
    elif text[0] == "'":
        text = text[1:].strip()
    return text or None


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").casefold()


def _id_text(value: Any) -> str:
    if isinstance(value, float) and value >= 1e15:
        # Excel keeps 15 significant digits: an 18-digit number typed into a number cell has lost its tail.
        raise ValidationError(
            f"证件号被 Excel 存成了数字（{value:.0f}），后几位已经丢失；请把该列设为“文本”格式后重新导出",
            f"Excel stored the ID number as a number ({value:.0f}) and its last digits are lost; export it again "
            "with the column formatted as text")
    text = _text(value)
    assert text is not None
    return normalize_id_text(text)


def _grade(value: Any) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        text = str(int(value))
    else:
        text = (_text(value) or "").replace(" ", "")
    return _grade_of(text)


@functools.lru_cache(maxsize=256)
def _grade_of(text: str) -> int:
    match = _GRADE.fullmatch(unicodedata.normalize("NFKC", text))
    grade = None
    if match:
        stage, digit = match.group(1), match.group(2)
        number = _CN_NUMBERS.get(digit) or int(digit)
        if stage in ("初", "初中"):
            grade = number + 6 if number <= 3 else number if number >= 7 else None
        elif stage == "小学":
            grade = number if number <= 6 else None
        else:
            grade = number
    if grade is None:
        raise ValidationError(f"年级「{text}」无法识别：请填 1–9，或“四年级”“初一”“七年级”这样的写法",
                              f'Grade "{text}" is not understood: use 1–9, or 四年级, 初一, 七年级')
    return grade


def _yes_no(value: Any) -> bool:
    text = _text(value) or ""
    if text in _YES:  # the usual 是/否, before any folding
        return True
    if text in _NO:
        return False
    key = _fold(text)
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValidationError(f"「{text}」不是“是”或“否”（也可写 Y/N、1/0、√）",
                          f'"{text}" is neither yes nor no (是/否, Y/N, 1/0, √)')


def _date(value: Any) -> date | _YearMonth:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if 19000101 <= number <= 21001231 and number.is_integer():
            text = str(int(number))  # 20140305 typed as a number
        elif 1 <= number < 100000:
            return _EXCEL_EPOCH + timedelta(days=int(number))  # an Excel date serial that lost its format
        else:
            text = str(value)
    else:
        text = unicodedata.normalize("NFKC", _text(value) or "")
    try:
        if match := _FULL_DATE.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _COMPACT_DATE.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if (match := _YEAR_MONTH.fullmatch(text)) and 1 <= int(match[2]) <= 12:
            return _YearMonth(int(match[1]), int(match[2]))
    except ValueError:
        pass
    raise ValidationError(f"日期「{text}」无法识别，请写成 2014-03-05 这样的格式",
                          f'The date "{text}" is not understood; write it like 2014-03-05')


def _code(kind: type[Code]) -> Callable[[Any], Code]:
    # A column holds a handful of distinct spellings (男/女, 汉族/壮族) over 100,000 rows: parse each once.
    known: dict[str, Code] = {}

    def parse(value: Any) -> Code:
        text = _text(value) or ""
        found = known.get(text)
        if found is None:
            found = kind.parse(text)
            if len(known) < 1000:
                known[text] = found
        return found

    return parse


def _left_behind(value: Any) -> LeftBehind:
    text = _text(value) or ""
    if text in _LEFT_BEHIND_WORDS:
        return _LEFT_BEHIND_WORDS[text]
    try:
        return LeftBehind.parse(text)
    except ValidationError:
        # A bare "是" says at least one parent is away; which one, the file does not say, so the milder code.
        return LeftBehind.ONE_PARENT if _yes_no(value) else LeftBehind.NO


def _boarding(value: Any) -> BoardingType:
    try:
        return BoardingType.parse(_text(value) or "")
    except ValidationError:
        return BoardingType.BOARDING if _yes_no(value) else BoardingType.DAY  # 是否住校: 是 / 否


def _or_none(kind: type[Code]) -> Callable[[Any], Code | None]:
    def parse(value: Any) -> Code | None:
        text = _text(value) or ""
        return None if _fold(text) in _NONE_WORDS else kind.parse(text)

    return parse


def _plain(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _text(value) or ""
        if len(text) > max_length:
            raise ValidationError(f"内容太长（最多 {max_length} 个字）", f"Too long (at most {max_length} characters)")
        return text

    return parse


def _student_number(value: Any) -> str:
    return normalize_id_text(_text(value) or "").upper()  # "g4501…" typed by hand is the same number


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "name": lambda v: _text(v) or "",
    "id_number": _id_text,
    "id_type": _code(IdType),
    "student_number": _student_number,
    "school_name": lambda v: _text(v) or "",
    "school_code": lambda v: _text(v) or "",
    "grade": _grade,
    "class_name": lambda v: _text(v) or "",
    "sex": _code(Sex),
    "birth_date": _date,
    "ethnicity": _code(Ethnicity),
    "guardian": lambda v: normalize_name(_text(v) or ""),
    "relation": _plain(20),
    "phone": lambda v: normalize_phone(_text(v) or ""),
    "address": _plain(200),
    "registration_place": _plain(200),
    "registered_poor": _yes_no,
    "left_behind": _left_behind,
    "disability_type": _or_none(DisabilityType),
    "disability_grade": _or_none(DisabilityGrade),
    "migrant": _yes_no,
    "orphan": _yes_no,
    "boarding": _boarding,
}
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


# ----------------------------------------------------------------------------- reading files
Rows = Iterator[tuple[int, Sequence[Any]]]  # (the file's 1-based row number, cell values)
Merge = tuple[int, int, int, int]  # min_row, max_row (1-based), first_col, last_col (0-based)


@dataclass
class _Sheet:
    name: str | None
    rows: Rows
    merges: list[Merge]


def _not_a_spreadsheet(zh_what: str, en_what: str) -> RosterFileError:
    return RosterFileError(
        f"不是电子表格：{zh_what}。请导入学籍系统导出的 .xlsx、.xls 或 .csv 文件",
        f"Not a spreadsheet: {en_what}. Import the .xlsx, .xls or .csv file the registry exported")


def _detect_format(path: Path, head: bytes) -> str:
    if head.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            raise _not_a_spreadsheet("文件像 .xlsx 但已损坏（可能没有下载或复制完整）",
                                     "it looks like .xlsx but is damaged (perhaps not fully downloaded or copied)"
                                     ) from None
        if "xl/workbook.xml" not in names:
            raise _not_a_spreadsheet("这是一个压缩包或 Word 等文档", "it is a zip archive or a Word-type document")
        return "xlsx"
    if head.startswith(_OLE2_MAGIC):
        return "xls"
    for magic, zh, en in _OTHER_FORMATS:
        if head.startswith(magic):
            raise _not_a_spreadsheet(f"这是{zh}", f"it is {en}")
    is_utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in head and not is_utf16:
        raise _not_a_spreadsheet("文件内容不是表格数据", "the file does not hold table data")
    if path.suffix.lower() not in _TEXT_SUFFIXES:
        raise _not_a_spreadsheet(
            f"文件扩展名是 {path.suffix or '（无）'}，内容却是纯文本（可能是改了扩展名的 CSV 或网页）；"
            "请用 Excel 打开后另存为 .xlsx，或把扩展名改为 .csv",
            f"the name ends in {path.suffix or '(nothing)'} but the content is plain text (perhaps a renamed CSV "
            "or a web page); open it in Excel and save it as .xlsx, or rename it to .csv")
    return "csv"


def _csv_encoding(path: Path, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text"
    # The whole file is decoded once per candidate (cheap next to parsing it), so a bad byte on row 90,000
    # is found before anything is planned, not half way through.
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise RosterFileError(
        "文件的文字编码无法识别：既不是 UTF-8，也不是 GBK/GB18030。请用 Excel 打开后另存为“CSV UTF-8（逗号分隔）”"
        "或 .xlsx 再导入",
        "The file's text encoding is neither UTF-8 nor GBK/GB18030. Open it in Excel and save it as "
        "'CSV UTF-8 (comma delimited)' or .xlsx, then import that")


def _csv_sheets(path: Path, encoding: str, stack: contextlib.ExitStack) -> Iterator[_Sheet]:
    handle = stack.enter_context(open(path, encoding=encoding, newline=""))  # noqa: SIM115 (the stack closes it)
    sample = handle.read(64 * 1024)
    handle.seek(0)
    delimiter = max((",", "\t", ";"), key=sample.count)
    reader = csv.reader(handle, delimiter=delimiter)

    def rows() -> Rows:
        try:
            for number, record in enumerate(reader, start=1):
                yield number, [cell if cell.strip() else None for cell in record]
        except csv.Error as exc:
            raise RosterFileError(f"CSV 文件第 {reader.line_num} 行格式有误：{exc}",
                                  f"The CSV file is malformed at line {reader.line_num}: {exc}") from None

    yield _Sheet(None, rows(), [])


def _xlsx_merges(path: Path, member: str) -> list[Merge]:
    """The merged ranges of one worksheet, found by scanning its XML for <mergeCell> without parsing it.

    openpyxl's read-only mode streams cells but only meets the merge list after the last row, too late for
    filling merged cells down while streaming; a byte scan of the decompressed sheet costs a small fraction of
    the parse.
    """
    from openpyxl.utils.cell import range_boundaries

    pattern = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)"')
    found: list[Merge] = []
    tail = b""
    with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            for match in pattern.finditer(data):
                min_col, min_row, max_col, max_row = range_boundaries(match.group(1).decode())
                if min_col is None or min_row is None or max_col is None or max_row is None:
                    continue
                if (min_row, min_col) != (max_row, max_col):
                    found.append((min_row, max_row, min_col - 1, max_col - 1))
            tail = data[-200:]  # a tag cut by the chunk boundary is found again in the next round
    return sorted(set(found))


def _xlsx_sheets(path: Path, stack: contextlib.ExitStack) -> Iterator[_Sheet]:
    import openpyxl

    handle = stack.enter_context(open(path, "rb"))  # noqa: SIM115 (the stack closes it)
    try:
        # A file object, not the name: openpyxl refuses names not ending in .xlsx, and the content decides here.
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise RosterFileError(f"无法读取 .xlsx 文件（可能已损坏）：{exc}",
                              f"Cannot read the .xlsx file (it may be damaged): {exc}") from None
    stack.callback(workbook.close)
    for worksheet in workbook.worksheets:
        if not hasattr(worksheet, "reset_dimensions"):
            continue  # a chart sheet
        # Some programs write a wrong <dimension>; without this, read-only mode would cut rows or columns short.
        worksheet.reset_dimensions()
        member = getattr(worksheet, "_worksheet_path", None)
        merges = _xlsx_merges(path, member) if isinstance(member, str) else []

        def rows(sheet: Any = worksheet) -> Rows:
            try:
                yield from enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
            except DomainError:
                raise
            except Exception as exc:
                raise RosterFileError(f".xlsx 文件内容有误，无法读完：{exc}",
                                      f"The .xlsx file is damaged and cannot be read to the end: {exc}") from None

        yield _Sheet(worksheet.title, rows(), merges)


def _xls_sheets(path: Path, stack: contextlib.ExitStack) -> Iterator[_Sheet]:
    import xlrd

    try:
        # formatting_info is what makes xlrd report merged cells.
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, AssertionError... for non-xls OLE2 files
        raise RosterFileError(
            f"无法读取 .xls 文件：可能设置了打开密码、已损坏，或不是 Excel 文件（{exc}）",
            f"Cannot read the .xls file: it may have a password, be damaged, or not be an Excel file ({exc})",
        ) from None
    stack.callback(book.release_resources)
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        merges = [(rlo + 1, rhi, clo, chi - 1) for rlo, rhi, clo, chi in sheet.merged_cells]

        def rows(sheet: Any = sheet) -> Rows:
            for row in range(sheet.nrows):
                yield row + 1, [_xls_value(book, cell) for cell in sheet.row(row)]

        yield _Sheet(sheet.name, rows(), [m for m in merges if (m[0], m[2]) != (m[1], m[3])])


def _xls_value(book: Any, cell: Any) -> Any:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    return cell.value


def _filled(rows: Rows, merges: list[Merge]) -> Rows:
    """The rows with every merged range's value copied into each of its cells (a school name merged down)."""
    if not merges:
        yield from rows
        return
    starting: dict[int, list[Merge]] = {}
    for merge in merges:
        starting.setdefault(merge[0], []).append(merge)
    active: dict[int, tuple[int, Any]] = {}  # column -> (last row of its merge, value)
    for number, values in rows:
        for _, max_row, first, last in starting.get(number, ()):
            value = values[first] if first < len(values) else None
            for column in range(first, last + 1):
                active[column] = (max_row, value)
        if active:
            cells = list(values)
            for column, (until, value) in list(active.items()):
                if number > until:
                    del active[column]
                    continue
                if column >= len(cells):
                    cells.extend([None] * (column + 1 - len(cells)))
                if cells[column] is None:
                    cells[column] = value
            values = cells
        yield number, values


# ----------------------------------------------------------------------------- header
@dataclass
class _Header:
    row: int
    columns: dict[str, tuple[int, str]]  # field -> (0-based column, header text)
    ignored: list[str]


def _match_header(number: int, values: Sequence[Any],
                  aliases: Mapping[str, tuple[str, int]] | None = None) -> _Header | None:
    best: dict[str, tuple[int, int, str]] = {}  # field -> (rank, column, text)
    ignored = []
    table = _ALIASES if aliases is None else aliases
    for column, value in enumerate(values):
        text = _text(value)
        if text is None:
            continue
        found = table.get(_header_key(text))
        if found is None:
            ignored.append(text)
            continue
        key, rank = found
        if key not in best or rank < best[key][0]:
            if key in best:
                ignored.append(best[key][2])
            best[key] = (rank, column, text)
        else:
            ignored.append(text)
    if len(best) < MIN_HEADER_MATCHES:
        return None
    return _Header(number, {k: (c, t) for k, (_, c, t) in best.items()}, ignored)


def _find_header(sheet: _Sheet, aliases: Mapping[str, tuple[str, int]] | None = None) -> tuple[_Header, Rows] | None:
    rows = _filled(sheet.rows, sheet.merges)
    for number, values in rows:
        header = _match_header(number, values, aliases)
        if header is not None:
            return header, rows
        if number >= HEADER_SCAN_ROWS:
            return None
    return None


# ----------------------------------------------------------------------------- reading any list (shared)
@dataclass
class Table:
    """A list file opened at its header: what :func:`open_table` hands over."""

    file_format: str  # "xlsx", "xls" or "csv"
    encoding: str | None  # of a CSV file
    sheet: str | None
    header_row: int
    columns: dict[str, tuple[int, str]]  # field -> (0-based column, header text as the file writes it)
    ignored_columns: list[str]
    rows: Rows  # (file row number, cell values) after the header, merged cells filled in

    def value(self, key: str, values: Sequence[Any]) -> Any:
        """The cell of field ``key`` in a row, or None (no such column, or an empty cell)."""
        found = self.columns.get(key)
        if found is None or found[0] >= len(values):
            return None
        cell = values[found[0]]
        return None if isinstance(cell, str) and not cell.strip() else cell


def column_aliases(columns: Sequence[tuple[str, Sequence[str]]] = ()) -> dict[str, tuple[str, int]]:
    """The roster's header spellings, plus ``columns`` ((field, spellings in order of preference), ...)."""
    table = dict(_ALIASES)
    for key, spellings in columns:
        for rank, alias in enumerate(spellings):
            table[_header_key(alias)] = (key, rank)
    return table


def convert_cell(key: str, value: Any) -> Any:
    """A cell read as the roster import reads field ``key`` (ValidationError when it cannot be read)."""
    return _CONVERTERS[key](value)


def cell_text(value: Any) -> str | None:
    """A cell as trimmed text (None when empty), undoing the tricks exports use to keep long numbers as text."""
    return _text(value)


@contextlib.contextmanager
def open_table(path: Path | str, aliases: Mapping[str, tuple[str, int]] | None = None) -> Iterator[Table]:
    """Open an .xlsx, .xls or .csv list at its header (the first sheet that has one), as the roster import does.

    Raises RosterFileError when the file as a whole cannot be used (missing, over MAX_FILE_BYTES, empty, not a
    spreadsheet, an unknown text encoding, no recognisable header in the first HEADER_SCAN_ROWS rows). The file
    stays open until the ``with`` block ends.
    """
    path = Path(path)
    head = _check_file(path)
    file_format = _detect_format(path, head)
    encoding = _csv_encoding(path, head) if file_format == "csv" else None
    with contextlib.ExitStack() as stack:
        if file_format == "xlsx":
            sheets = _xlsx_sheets(path, stack)
        elif file_format == "xls":
            sheets = _xls_sheets(path, stack)
        else:
            assert encoding is not None
            sheets = _csv_sheets(path, encoding, stack)
        for sheet in sheets:
            found = _find_header(sheet, aliases)
            if found is not None:
                header, rows = found
                yield Table(file_format, encoding, sheet.name, header.row, header.columns, header.ignored, rows)
                return
    hint_zh = hint_en = ""
    if encoding is not None:
        shown = "GBK" if encoding == "gb18030" else "UTF-8" if encoding.startswith("utf-8") else encoding.upper()
        hint_zh = f"（文件按 {shown} 编码读取；如果在记事本中看到的是乱码，请检查文件编码）"
        hint_en = f" (read as {shown}; if the text looks garbled in a text editor, check the file's encoding)"
    raise RosterFileError(
        f"找不到表头：前 {HEADER_SCAN_ROWS} 行中没有一行含有至少 {MIN_HEADER_MATCHES} 个可识别的列名"
        f"（如 姓名、身份证件号、全国学籍号、学校名称、年级）{hint_zh}",
        f"No header found: none of the first {HEADER_SCAN_ROWS} rows has at least {MIN_HEADER_MATCHES} known column "
        f"names (such as 姓名, 身份证件号, 全国学籍号, 学校名称, 年级){hint_en}")


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

    def __init__(self, session: Session, plan: ImportPlan, header: _Header) -> None:
        self.session = session
        self.plan = plan
        self.today = plan.today
        self.columns = header.columns
        self.schools_by_code: dict[str, str] = {}
        self.schools_by_name: dict[str, list[str]] = {}
        for school_id, code, name in session.execute(
                select(School.id, School.code, School.name).where(School.deleted.is_(False))):
            # Keyed by the folded spelling and, for the exact spelling most rows use, by the name as stored.
            for key in {code, _fold(code)} if code else ():
                self.schools_by_code[key] = school_id
            for key in {name, _fold(name)}:
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
        return found[1] if found else _COLUMN_BY_KEY[key].zh

    def error_column(self, key: str | None) -> str | None:
        # Birth date and sex come from the ID number when the file has no column for them.
        for candidate in {"birth_date": ("birth_date", "id_number", "student_number"),
                          "sex": ("sex", "id_number"), "school_id": ("school_code", "school_name"),
                          "household_id": ("guardian",)}.get(key or "", (key,)):
            if candidate in self.columns:
                return self.columns[candidate][1]
        if key in _COLUMN_BY_KEY:
            return _COLUMN_BY_KEY[key].zh
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
        for key, (column, header) in self.columns.items():
            value = values[column] if column < width else None
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            try:
                parsed[key] = _CONVERTERS[key](value)
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
        if isinstance(birth, _YearMonth):
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
        if code and (found := self.schools_by_code.get(code) or self.schools_by_code.get(_fold(code))):
            return found
        if name:
            candidates = self.schools_by_name.get(name) or self.schools_by_name.get(_fold(name), [])
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
            en_names = ", ".join(_COLUMN_BY_KEY[k].en for k in missing)
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
            roster.validate_student(student, today=self.today)
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
        return StudentToAdd(row, student, household, guardian)

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


def _check_file(path: Path) -> bytes:
    try:
        if not path.is_file():
            raise RosterFileError(f"找不到文件 {path}", f"File not found: {path}")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise RosterFileError(
                f"文件有 {size / 1e6:.0f} MB，超过 {MAX_FILE_BYTES / 1e6:.0f} MB 的上限，不像是学生名单；"
                "请确认选对了文件，或把名单按学校分成几个文件",
                f"The file is {size / 1e6:.0f} MB, over the {MAX_FILE_BYTES / 1e6:.0f} MB limit, which no roster "
                "reaches; check that this is the right file, or split the list by school")
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except OSError as exc:
        raise RosterFileError(f"无法读取文件 {path}：{exc.strerror}", f"Cannot read {path}: {exc.strerror}") from None
    if not head.strip():
        raise RosterFileError(f"文件 {path.name} 是空的", f"The file {path.name} is empty")
    return head


def plan_import(session: Session, path: Path | str, *, today: date,
                progress: Callable[[int], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> ImportPlan:
    """Read a roster file and decide, row by row, what importing it would do; writes nothing to the database.

    Raises RosterFileError when the file as a whole cannot be used (missing, over MAX_FILE_BYTES, empty, not a
    spreadsheet, an unknown text encoding, no recognisable header in the first HEADER_SCAN_ROWS rows, no rows,
    changed while it was read), and ImportCancelled when ``cancelled()`` turns true. ``progress(rows_read)`` is
    called every few hundred rows. The plan's memory does not grow with the file (see :class:`ImportPlan`).
    """
    path = Path(path)
    _check_file(path)
    stamp = FileStamp.of(path)  # before reading: a change while the rows are read shows at the end
    with open_table(path) as table:
        header = _Header(table.header_row, table.columns, table.ignored_columns)
        plan = _plan_rows(session, path, table, header, today=today, progress=progress, cancelled=cancelled)
    plan.stamp = stamp
    if not stamp.same_stat(path):
        plan.close()
        raise RosterFileChanged(path, while_reading=True)
    return plan


def _plan_rows(session: Session, path: Path, table: Table, header: _Header, *, today: date,
               progress: Callable[[int], None] | None, cancelled: Callable[[], bool] | None) -> ImportPlan:
    missing = [k for k in ("name",) if k not in header.columns]
    if "id_number" not in header.columns and "student_number" not in header.columns:
        missing.append("id_number")
    if missing:
        names = "、".join(_COLUMN_BY_KEY[k].zh for k in missing)
        raise RosterFileError(
            f"表头（第 {header.row} 行）缺少「{names}」列；需要姓名，以及身份证件号或全国学籍号，才能识别学生",
            f"The header (row {header.row}) lacks {', '.join(_COLUMN_BY_KEY[k].en for k in missing)}; a name and an "
            "ID number or a student number are needed to identify students")
    plan = ImportPlan(path=path, today=today, file_format=table.file_format, encoding=table.encoding,
                      sheet=table.sheet, header_row=header.row, columns={k: t for k, (_, t) in header.columns.items()},
                      ignored_columns=header.ignored)
    try:
        planner = _Planner(session, plan, header)
        batch: list[_Parsed] = []
        for number, values in table.rows:
            parsed = planner.parse(number, values)
            if parsed is not None:
                plan.rows_read += 1
                batch.append(parsed)
                if plan.rows_read % _PROGRESS_EVERY == 0:
                    if cancelled is not None and cancelled():
                        raise ImportCancelled()
                    if progress is not None:
                        progress(plan.rows_read)
            if len(batch) >= _LOOKUP_CHUNK:
                planner.classify(batch)
                batch = []
        planner.classify(batch)
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        if plan.rows_read == 0:
            raise RosterFileError(f"表头（第 {header.row} 行）下面没有学生数据",
                                  f"There are no student rows under the header (row {header.row})")
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
                 progress: Callable[[int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> ImportResult:
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
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        with_household = [item for item in chunk if item.household is not None]
        try:
            household_ids = roster.add_households(session, [item.household for item in with_household
                                                            if item.household is not None])
        except roster.BatchError as exc:
            raise ImportRejected(plan, [_at_row(with_household[e.index].row, e) for e in exc.errors]) from None
        households += len(household_ids)
        by_row = {item.row: household_id for item, household_id in zip(with_household, household_ids, strict=True)}
        members = [MemberInput(household_id=by_row[item.row], name=item.guardian.name, relation=item.guardian.relation,
                               phone=item.guardian.phone, is_guardian=True)
                   for item in with_household if item.guardian is not None]
        if members:
            roster.add_members(session, members)
        # Copies, so the plan itself stays as planned (a rolled-back apply can be retried with it).
        students = [replace(item.student, household_id=by_row[item.row]) if item.row in by_row else item.student
                    for item in chunk]
        try:
            added += len(roster.add_students(session, students, today=plan.today))
        except roster.BatchError as exc:
            raise ImportRejected(plan, [_at_row(chunk[e.index].row, e) for e in exc.errors]) from None
        done += len(chunk)
        if progress is not None:
            progress(done)
    changed = 0
    for number, change in enumerate(plan.students_to_change(), start=1):
        if number % _PROGRESS_EVERY == 0 and cancelled is not None and cancelled():
            raise ImportCancelled()
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
