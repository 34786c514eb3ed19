"""账实相符: reconcile our records with a list from the student registry (学籍系统), the poverty system (建档立卡 /
防返贫监测) or the disability federation (残联), and settle each mismatch.

:func:`reconcile` reads the list the way the roster import reads a roster (``.xlsx``, ``.xls``, ``.csv`` in UTF-8
or GBK, title rows, merged cells, header spellings: :func:`app.services.importing.open_table`) and writes nothing.
It reports, line by line:

- ``not_in_records``: a student of the registry list we have no record of;
- ``status_differs``: the registry says another status (辍学, 在校, 转出 ...);
- ``poor_differs``: the poverty list and our registered-poor flag disagree;
- ``disability_differs``: the disability list and our record of the child's disability disagree;
- ``id_invalid``: the list's ID number fails the check (wrong length, date or check character);
- ``suspected_dropout`` (疑似辍学): a child of compulsory age on a household list (poverty or disability) who is
  in no school we know of.

Each line is then accepted (:func:`accept_line`: the change goes through the services, so the op log records it)
or dismissed with a reason (:func:`dismiss_line`: a synced record, so the next run, on any laptop, shows the
line as dismissed). A line is known by a digest of the list kind, the mismatch, the person and the list's value,
so a later list that says something new about the same child raises a new line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import nonmember
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.ages import expected_grade, is_compulsory_age
from app.domain.codes import (
    Code,
    DisabilityGrade,
    DisabilityType,
    DropoutReason,
    RegistryChangeType,
    ReturnMode,
    Sex,
    StudentStatus,
    status_after_change,
)
from app.domain.errors import DomainError, LifecycleError, ValidationError
from app.domain.i18n import resolve_language
from app.domain.identity import normalize_id_text, parse_id_number
from app.domain.lifecycle import not_back_values
from app.domain.masking import mask_id_number
from app.domain.progress import IsCancelled, RowProgress, raise_if_cancelled
from app.services import cases, registry, roster
from app.services.common import get, require_text
from app.services.importing import CANCELLED
from app.services.spreadsheets import RosterFileError, Table, cell_text, column_aliases, convert_cell, open_table
from app.store import oplog
from app.store.models import DISTRICT_SCOPE, ReconciliationDismissal, School, Student, User

_CHUNK = 900
_PROGRESS_EVERY = 500


class ListKind(Code):
    TABLE = nonmember(("名单类型", "List"))
    REGISTRY = ("registry", "学籍系统名单", "Student registry list")
    POVERTY = ("poverty", "建档立卡（防返贫监测）名单", "Poverty system list")
    DISABILITY = ("disability", "残联残疾人名单", "Disability system list")
    ALIASES = nonmember({"学籍": "registry", "建档立卡": "poverty", "扶贫": "poverty", "残联": "disability",
                         "残疾": "disability"})


class Issue(Code):
    TABLE = nonmember(("不一致类型", "Mismatch"))
    NOT_IN_RECORDS = ("not_in_records", "名单中有、系统中没有", "On the list, not in our records")
    STATUS_DIFFERS = ("status_differs", "学籍状态不一致", "Status differs")
    POOR_DIFFERS = ("poor_differs", "建档立卡标记不一致", "Registered-poor flag differs")
    DISABILITY_DIFFERS = ("disability_differs", "残疾信息不一致", "Disability differs")
    ID_INVALID = ("id_invalid", "身份证号有误", "ID number invalid")
    SUSPECTED_DROPOUT = ("suspected_dropout", "疑似辍学（未在任何学校）", "Suspected dropout (in no school)")


# Columns other systems' lists carry besides the roster's (in order of preference).
_EXTRA_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("status", ("学籍状态", "学生状态", "在校状态", "就读状态", "在校情况")),
    ("head_name", ("户主姓名", "户主")),
    ("head_relation", ("与户主关系", "与户主的关系")),
    ("certificate", ("残疾证号", "残疾人证号", "残疾证号码", "残疾人证号码")),
    ("poor_kind", ("脱贫户类型", "户类型", "监测对象类型", "帮扶状态")),
)
_ALIASES = column_aliases(_EXTRA_COLUMNS)
# The columns that say which system a list comes from. School, grade and class are on every list of students (the
# poverty system lists its students with their schools), so they only point to the registry when nothing else does.
_SIGNATURES: dict[ListKind, tuple[str, ...]] = {
    ListKind.REGISTRY: ("student_number", "status"),
    ListKind.POVERTY: ("registered_poor", "head_name", "head_relation", "poor_kind"),
    ListKind.DISABILITY: ("disability_type", "disability_grade", "certificate"),
}
_STUDENT_LIST = ("school_name", "school_code", "grade", "class_name")
# Registry exports word statuses in their own ways.
_STATUS_WORDS = {"正常": "in_school", "在籍": "in_school", "在读": "in_school", "在校": "in_school",
                 "流失": "dropped_out", "辍学": "dropped_out", "休学": "suspended", "转学": "transferred_out",
                 "转出": "transferred_out", "已毕业": "graduated", "毕业": "graduated", "死亡": "deceased",
                 "送教上门": "home_teaching"}
_NOT_IN_SCHOOL = (StudentStatus.DROPPED_OUT.value, StudentStatus.SUSPENDED.value)


@dataclass(frozen=True)
class Dismissed:
    reason: str
    on: date
    by: str


@dataclass(frozen=True)
class Line:
    """One mismatch. ``ours`` and ``theirs`` are what a person reads; ``change`` is what accepting does."""

    key: str
    issue: Issue
    row: int  # the file's own row number
    name: str
    id_shown: str  # masked
    student_id: str | None
    school_name: str
    ours: str
    theirs: str
    detail_zh: str
    detail_en: str
    change: Mapping[str, Any] = field(default_factory=dict)
    acceptable: bool = True
    needs_school: bool = False  # accepting needs the school that will keep the child's record
    dismissed: Dismissed | None = None
    accepted: str | None = None  # what accepting it did, once accepted in this run

    @property
    def settled(self) -> bool:
        return self.dismissed is not None or self.accepted is not None

    def detail(self, lang: str | None = None) -> str:
        return self.detail_zh if resolve_language(lang) == "zh" else self.detail_en

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        lang = resolve_language(lang)
        return {"key": self.key, "issue": self.issue.value, "issue_label": self.issue.label(lang), "row": self.row,
                "name": self.name, "id_number": self.id_shown, "student_id": self.student_id,
                "school": self.school_name, "ours": self.ours, "theirs": self.theirs, "detail": self.detail(lang),
                "acceptable": self.acceptable, "needs_school": self.needs_school, "accepted": self.accepted,
                "dismissed": None if self.dismissed is None else {
                    "reason": self.dismissed.reason, "on": self.dismissed.on.isoformat(), "by": self.dismissed.by}}


@dataclass
class Reconciliation:
    path: Path
    kind: ListKind
    guessed: bool  # the kind was read from the columns, not given
    today: date
    sheet: str | None
    header_row: int
    columns: dict[str, str]
    rows_read: int = 0
    matched: int = 0
    not_compulsory: int = 0  # household-list rows of people outside compulsory-education age, not checked
    without_id: int = 0  # rows with no ID or student number: nothing to match them by
    lines: list[Line] = field(default_factory=list)

    @property
    def open_lines(self) -> list[Line]:
        return [line for line in self.lines if not line.settled]

    def line(self, key: str) -> Line:
        for line in self.lines:
            if line.key == key or (len(key) >= 6 and line.key.startswith(key)):
                return line
        raise ValidationError(f"这份名单的比对结果中没有编号为 {key} 的一行。",
                              f"No line {key} in this list's reconciliation.", field="key")

    def summary(self, lang: str | None = None) -> str:
        counts: dict[Issue, int] = {}
        for line in self.open_lines:
            counts[line.issue] = counts.get(line.issue, 0) + 1
        dismissed = sum(1 for line in self.lines if line.dismissed is not None)
        if resolve_language(lang) == "zh":
            parts = "，".join(f"{issue.zh} {n}" for issue, n in counts.items()) or "没有不一致"
            return (f"{self.kind.zh}：读取 {self.rows_read} 行，匹配 {self.matched} 人；{parts}"
                    + (f"；已忽略 {dismissed} 条" if dismissed else "")
                    + (f"；非义务教育年龄 {self.not_compulsory} 人未比对" if self.not_compulsory else "")
                    + (f"；{self.without_id} 行没有证件号无法比对" if self.without_id else ""))
        parts = ", ".join(f"{issue.en} {n}" for issue, n in counts.items()) or "no mismatches"
        return (f"{self.kind.en}: {self.rows_read} rows read, {self.matched} matched; {parts}"
                + (f"; {dismissed} dismissed" if dismissed else "")
                + (f"; {self.not_compulsory} outside compulsory age not checked" if self.not_compulsory else "")
                + (f"; {self.without_id} rows without an ID number not checked" if self.without_id else ""))


def line_key(kind: ListKind, issue: Issue, person: str, theirs: str) -> str:
    """The stable key of a line: the same mismatch about the same person with the same list value."""
    digest = hashlib.sha256(f"{kind.value}|{issue.value}|{person}|{theirs}".encode()).hexdigest()
    return digest[:16]


# ----------------------------------------------------------------------------- which list is it
def _signature_counts(columns: Iterable[str]) -> dict[ListKind, int]:
    present = set(columns)
    counts = {kind: len(present & set(keys)) for kind, keys in _SIGNATURES.items()}
    if not any(counts.values()) and present & set(_STUDENT_LIST):
        counts[ListKind.REGISTRY] = 1  # a bare list of students with their schools: the registry's shape
    return counts


def _check_kind(table: Table, kind: ListKind | None) -> tuple[ListKind, bool]:
    counts = _signature_counts(table.columns)
    best = max(counts, key=lambda k: (counts[k], k is ListKind.REGISTRY))
    shown = "、".join(text for _, text in table.columns.values())
    if kind is None:
        if counts[best] == 0:
            raise RosterFileError(
                f"看不出这是哪个系统的名单（表头：{shown}）；请指定名单类型（学籍、建档立卡或残联）",
                f"Cannot tell which system this list comes from (header: {shown}); choose the list kind "
                "(registry, poverty or disability)")
        kind, guessed = best, True
    else:
        guessed = False
        if counts[kind] == 0 and counts[best] > 0:
            raise RosterFileError(
                f"这份文件看起来是{best.zh}（表头：{shown}），不是{kind.zh}；请选择正确的名单类型或文件",
                f"This file looks like a {best.en.lower()} (header: {shown}), not a {kind.en.lower()}; choose the "
                "right list kind or file")
    if "id_number" not in table.columns and (kind is not ListKind.REGISTRY or "student_number" not in table.columns):
        need_zh = "身份证件号或全国学籍号" if kind is ListKind.REGISTRY else "身份证件号"
        need_en = "an ID number or a student number" if kind is ListKind.REGISTRY else "an ID number"
        raise RosterFileError(f"名单（表头在第 {table.header_row} 行）缺少{need_zh}列，无法与系统中的学生比对",
                              f"The list (header on row {table.header_row}) has no column for {need_en}; its people "
                              "cannot be matched")
    return kind, guessed


# ----------------------------------------------------------------------------- reading rows
@dataclass
class _Row:
    number: int
    name: str
    id_number: str | None
    id_problem: tuple[str, str] | None
    student_number: str | None
    birth: date | None
    sex: Sex | None
    values: dict[str, Any]


def _read(table: Table, number: int, values: Sequence[Any], today: date) -> _Row | None:
    parsed: dict[str, Any] = {}
    for key in table.columns:
        cell = table.value(key, values)
        if cell is None:
            continue
        if key in ("status", "head_name", "head_relation", "certificate", "poor_kind"):
            parsed[key] = cell_text(cell)
            continue
        try:
            parsed[key] = convert_cell(key, cell)
        except ValidationError:
            parsed[key] = None  # a cell this check does not need to read; the ID number is checked below
            if key == "id_number":
                parsed[key] = normalize_id_text(cell_text(cell) or "")
    if not any(v for v in parsed.values()):
        return None
    name = str(parsed.get("name") or "")
    if name and name == table.columns.get("name", (0, ""))[1]:
        return None  # the header repeated on every page of a print export
    id_number = parsed.get("id_number") or None
    problem = None
    birth: date | None = parsed.get("birth_date") if isinstance(parsed.get("birth_date"), date) else None
    sex: Sex | None = parsed.get("sex") if isinstance(parsed.get("sex"), Sex) else None
    if id_number:
        try:
            info = parse_id_number(id_number, today=today)
            id_number, birth, sex = info.number, info.birth_date, info.sex
        except ValidationError as exc:
            problem = (exc.zh, exc.en)
    return _Row(number, name, id_number, problem, parsed.get("student_number") or None, birth, sex, parsed)


def _status_of(text: str | None) -> StudentStatus | None:
    if not text:
        return None
    word = _STATUS_WORDS.get(text.strip())
    if word:
        return StudentStatus(word)
    try:
        return StudentStatus.parse(text)
    except ValidationError:
        return None


def _disability_of(row: _Row) -> tuple[str | None, str | None]:
    """(type, grade) from the list's columns, else from the certificate number (the ID + category + grade)."""
    kind = row.values.get("disability_type")
    grade = row.values.get("disability_grade")
    certificate = (row.values.get("certificate") or "").strip().upper()
    if certificate and len(certificate) >= 20:
        category, level = certificate[18], certificate[19]
        if kind is None and category in {t.value for t in DisabilityType}:
            kind = DisabilityType(category)
        if grade is None and level in {g.value for g in DisabilityGrade}:
            grade = DisabilityGrade(level)
    return (kind.value if kind is not None else None, grade.value if grade is not None else None)


# ----------------------------------------------------------------------------- the reconciliation
def reconcile(session: Session, path: Path | str, kind: ListKind | str | None = None, *, today: date,
              progress: RowProgress | None = None,
              cancelled: IsCancelled | None = None) -> Reconciliation:
    """Compare a list with our records; writes nothing. ``kind`` None reads the kind from the list's columns.

    Raises RosterFileError when the file cannot be used (not a spreadsheet, no header, no ID column, a list of
    another system than ``kind`` says), Cancelled when ``cancelled()`` turns true.
    """
    path = Path(path)
    wanted = None if kind is None else kind if isinstance(kind, ListKind) else ListKind.parse(kind)
    with open_table(path, _ALIASES) as table:
        list_kind, guessed = _check_kind(table, wanted)
        result = Reconciliation(path, list_kind, guessed, today, table.sheet, table.header_row,
                                {k: t for k, (_, t) in table.columns.items()})
        batch: list[_Row] = []
        for number, values in table.rows:
            row = _read(table, number, values, today)
            if row is None:
                continue
            result.rows_read += 1
            batch.append(row)
            if result.rows_read % _PROGRESS_EVERY == 0:
                raise_if_cancelled(cancelled, *CANCELLED)
                if progress is not None:
                    progress(result.rows_read)
            if len(batch) >= _CHUNK:
                _check_batch(session, result, batch)
                batch = []
        _check_batch(session, result, batch)
    if result.rows_read == 0:
        raise RosterFileError(f"表头（第 {result.header_row} 行）下面没有数据", f"There are no rows under the header "
                              f"(row {result.header_row})")
    _mark_dismissed(session, result)
    if progress is not None:
        progress(result.rows_read)
    return result


@dataclass(frozen=True)
class _Ours:
    id: str
    name: str
    status: str
    registered_poor: bool
    disability_type: str | None
    disability_grade: str | None
    school_id: str
    id_number: str | None


def _check_batch(session: Session, result: Reconciliation, batch: list[_Row]) -> None:
    if not batch:
        return
    columns = (Student.id, Student.name, Student.status, Student.registered_poor, Student.disability_type,
               Student.disability_grade, Student.school_id, Student.id_number)
    ids = sorted({r.id_number for r in batch if r.id_number})
    numbers = sorted({r.student_number for r in batch if r.student_number})
    by_id: dict[str, _Ours] = {}
    if ids:
        for found in session.execute(select(*columns).where(Student.id_number.in_(ids), Student.deleted.is_(False))):
            by_id[str(found[7])] = _Ours(*found)
    by_number: dict[str, _Ours] = {}
    if numbers:
        for match in session.execute(select(*columns, Student.student_number).where(
                Student.student_number.in_(numbers), Student.deleted.is_(False))):
            by_number[str(match[8])] = _Ours(*match[:8])
    schools = dict(session.execute(select(School.id, School.name)).all())
    for row in batch:
        _check_row(result, row, by_id, by_number, schools)


_PERSON_KEYS = ("sex", "class_name", "student_number", "registered_poor", "school_name", "school_code")


def _person_values(row: _Row) -> dict[str, Any]:
    """What adding this person as a student needs, kept with the line (the file is not read again)."""
    values = {key: row.values.get(key) for key in _PERSON_KEYS if row.values.get(key) is not None}
    values.update(id_number=row.id_number, birth_date=row.birth, sex=row.sex or row.values.get("sex"),
                  list_grade=row.values.get("grade"))
    return values


def _shown_id(row: _Row) -> str:
    return mask_id_number(row.id_number) if row.id_number else ""


def _person(row: _Row) -> str:
    return row.id_number or row.student_number or f"{row.name}|{row.birth or ''}"


def _check_row(result: Reconciliation, row: _Row, by_id: Mapping[str, _Ours], by_number: Mapping[str, _Ours],
               schools: Mapping[str, str]) -> None:
    kind = result.kind
    lines = result.lines

    def add(issue: Issue, ours: str, theirs: str, theirs_code: str, zh: str, en: str, *, student: _Ours | None,
            change: Mapping[str, Any] | None = None, acceptable: bool = True, needs_school: bool = False) -> None:
        lines.append(Line(line_key(kind, issue, _person(row), theirs_code), issue, row.number, row.name,
                          _shown_id(row), student.id if student else None,
                          schools.get(student.school_id, "") if student else str(row.values.get("school_name") or ""),
                          ours, theirs, zh, en, dict(change or {}), acceptable, needs_school))

    if row.id_problem is not None:
        add(Issue.ID_INVALID, "", row.id_number or "", row.id_number or "", row.id_problem[0], row.id_problem[1],
            student=None, acceptable=False)
    if not row.id_number and not row.student_number:
        result.without_id += 1
        return
    ours = (by_id.get(row.id_number) if row.id_number else None) or (
        by_number.get(row.student_number) if row.student_number else None)
    if ours is None:
        if row.id_problem is not None:
            return  # said above: an invalid number cannot be looked up
        if kind is ListKind.REGISTRY:
            listed = _status_of(row.values.get("status")) or StudentStatus.IN_SCHOOL
            add(Issue.NOT_IN_RECORDS, "", listed.zh, listed.value,
                f"学籍系统中有 {row.name}（{row.values.get('school_name') or '学校未填'}），本系统没有这名学生",
                f"The registry lists {row.name} ({row.values.get('school_name') or 'no school given'}); we have no "
                "record of this student", student=None, change={**_person_values(row), "status": listed.value})
            return
        if row.birth is None or not is_compulsory_age(row.birth, result.today):
            result.not_compulsory += 1
            return
        grade = expected_grade(row.birth, result.today)
        extra: dict[str, Any] = {}
        if kind is ListKind.POVERTY:  # being on the poverty list is the mark, unless a column says otherwise
            flag = row.values.get("registered_poor")
            extra["registered_poor"] = True if flag is None else bool(flag)
        else:
            extra["disability_type"], extra["disability_grade"] = _disability_of(row)
        add(Issue.SUSPECTED_DROPOUT, "", f"{row.birth}", "suspected",
            f"{row.name}（{row.birth} 出生）在{kind.zh}上，处于义务教育年龄，但不在任何学校的学籍中",
            f"{row.name} (born {row.birth}) is on the {kind.en.lower()} and of compulsory-school age, but on no "
            "school's roll", student=None, change={**_person_values(row), **extra, "grade": grade or 1},
            needs_school=True)
        return
    result.matched += 1
    if kind is ListKind.REGISTRY:
        theirs_status = _status_of(row.values.get("status"))
        if theirs_status is not None and theirs_status.value != ours.status:
            mine = StudentStatus(ours.status)
            add(Issue.STATUS_DIFFERS, mine.zh, theirs_status.zh, theirs_status.value,
                f"学籍系统为「{theirs_status.zh}」，本系统为「{mine.zh}」",
                f'The registry says "{theirs_status.en}", our record "{mine.en}"', student=ours,
                change={"status": theirs_status.value})
    elif kind is ListKind.POVERTY:
        flag = row.values.get("registered_poor")
        theirs_poor = True if flag is None else bool(flag)  # being on the list is the mark
        if theirs_poor != ours.registered_poor:
            yes_no = {True: ("是", "yes"), False: ("否", "no")}
            add(Issue.POOR_DIFFERS, yes_no[ours.registered_poor][0], yes_no[theirs_poor][0], str(theirs_poor),
                f"建档立卡名单为「{yes_no[theirs_poor][0]}」，本系统为「{yes_no[ours.registered_poor][0]}」",
                f"The poverty list says {yes_no[theirs_poor][1]}, our record {yes_no[ours.registered_poor][1]}",
                student=ours, change={"registered_poor": theirs_poor})
    else:
        theirs_type, theirs_grade = _disability_of(row)
        if theirs_type is not None and (theirs_type, theirs_grade or ours.disability_grade) != (
                ours.disability_type, ours.disability_grade):
            def shown(kind_code: str | None, grade_code: str | None, lang: str) -> str:
                if kind_code is None:
                    return "无" if lang == "zh" else "none"
                text_ = DisabilityType(kind_code).label(lang)
                return text_ + (f" {DisabilityGrade(grade_code).label(lang)}" if grade_code else "")

            theirs_zh = shown(theirs_type, theirs_grade, "zh")
            ours_zh = shown(ours.disability_type, ours.disability_grade, "zh")
            add(Issue.DISABILITY_DIFFERS, ours_zh, theirs_zh, f"{theirs_type}{theirs_grade or ''}",
                f"残联名单为「{theirs_zh}」，本系统为「{ours_zh}」",
                f'The disability list says "{shown(theirs_type, theirs_grade, "en")}", our record '
                f'"{shown(ours.disability_type, ours.disability_grade, "en")}"', student=ours,
                change={"disability_type": theirs_type, "disability_grade": theirs_grade or ours.disability_grade})


def _mark_dismissed(session: Session, result: Reconciliation) -> None:
    keys = sorted({line.key for line in result.lines})
    found: dict[str, Dismissed] = {}
    for start in range(0, len(keys), _CHUNK):
        for key, reason, on, by in session.execute(
                select(ReconciliationDismissal.line_key, ReconciliationDismissal.reason,
                       ReconciliationDismissal.dismissed_on, ReconciliationDismissal.by_name)
                .where(ReconciliationDismissal.line_key.in_(keys[start:start + _CHUNK]),
                       ReconciliationDismissal.deleted.is_(False))):
            found[key] = Dismissed(reason, on, by or "")
    result.lines = [replace(line, dismissed=found[line.key]) if line.key in found else line
                    for line in result.lines]


# ----------------------------------------------------------------------------- settling a line
def _user_name(session: Session) -> str | None:
    user_id = session.info.get(oplog.USER_KEY)
    user = session.get(User, user_id) if user_id else None
    return user.display_name if user is not None else None


def dismiss_line(session: Session, result: Reconciliation, key: str, reason: str, *,
                 today: date | None = None) -> ReconciliationDismissal:
    """Dismiss a line with the reason (checked, not a mismatch after all, to be fixed in the other system ...)."""
    line = result.line(key)
    text = require_text(reason, "reason", "忽略原因", "Reason", max_length=500)
    if line.dismissed is not None:
        raise ValidationError("这一行已经忽略过了。", "This line is already dismissed.", field="key")
    if line.accepted is not None:
        raise ValidationError("这一行已经接受过了。", "This line was accepted already.", field="key")
    scope = DISTRICT_SCOPE
    if line.student_id:
        scope = get(session, Student, line.student_id).scope
    record = oplog.create(session, ReconciliationDismissal, {
        "scope": scope, "line_key": line.key, "list_kind": result.kind, "issue": line.issue,
        "subject": (line.name or line.id_shown or "?")[:80], "reason": text,
        "dismissed_on": today or date.today(), "by_name": _user_name(session)})
    _replace(result, line, dismissed=Dismissed(text, record.dismissed_on, record.by_name or ""))
    return record


def _replace(result: Reconciliation, line: Line, **changes: Any) -> None:
    result.lines = [replace(item, **changes) if item.key == line.key else item for item in result.lines]


def _student_input_for(line: Line, row: Mapping[str, Any], *, school_id: str, status: StudentStatus,
                       grade: int) -> roster.StudentInput:
    return roster.StudentInput(
        name=line.name, sex=row.get("sex") or "", birth_date=row.get("birth_date"), school_id=school_id,
        grade=grade, class_name=row.get("class_name") or None, id_number=row.get("id_number"),
        student_number=row.get("student_number"), status=status,
        registered_poor=bool(row.get("registered_poor")), disability_type=row.get("disability_type"),
        disability_grade=row.get("disability_grade"))


def accept_line(session: Session, result: Reconciliation, key: str, *, school_id: str | None = None,
                today: date | None = None) -> str:
    """Apply what the list says, through the services; returns what was done, in the current language.

    ``school_id`` is needed for a suspected dropout (the school that will keep the child's record and case) and
    for a registry student whose school the list names in a way we cannot find.
    """
    today = today or date.today()
    line = result.line(key)
    lang = resolve_language(None)
    if line.dismissed is not None:
        raise LifecycleError("这一行已经忽略，不能再接受。", "This line was dismissed; it cannot be accepted.",
                             field="key")
    if line.accepted is not None:
        raise LifecycleError("这一行已经接受过了。", "This line was accepted already.", field="key")
    if not line.acceptable:
        raise LifecycleError("身份证号有误只能在原系统中更正；请核实后忽略这一行并写明原因。",
                             "An invalid ID number can only be corrected in its own system; check it, then dismiss "
                             "this line with the reason.", field="key")
    if line.issue in (Issue.POOR_DIFFERS, Issue.DISABILITY_DIFFERS):
        assert line.student_id is not None
        roster.set_flags(session, line.student_id, today=today, **line.change)
        done = ("已更新学生标记。", "The student's flags were updated.")
    elif line.issue is Issue.STATUS_DIFFERS:
        assert line.student_id is not None
        done = _accept_status(session, line.student_id, StudentStatus(line.change["status"]), today=today)
    else:
        done = _accept_new(session, result, line, school_id=school_id, today=today)
    message = done[0] if lang == "zh" else done[1]
    _replace(result, line, accepted=message)
    return message


def _accept_status(session: Session, student_id: str, target: StudentStatus, *, today: date) -> tuple[str, str]:
    student = get(session, Student, student_id)
    current = StudentStatus(student.status)
    open_case = cases.open_case_of(session, student_id)
    if target is StudentStatus.DROPPED_OUT:
        if open_case is None:
            cases.open_case(session, student_id, detected_on=today, reason=DropoutReason.OTHER,
                            reason_detail="学籍系统名单比对：学籍状态为辍学", today=today)
            return "已按辍学建立劝返个案。", "A dropout case was opened."
        registry.record_change(session, student_id, "dropout", today, reason="学籍系统名单比对")
        return "已登记辍学。", "The dropout was registered."
    if target is StudentStatus.IN_SCHOOL and open_case is not None and open_case.status in not_back_values():
        cases.record_outcome(session, open_case.id, "returned", outcome_on=today, return_mode=ReturnMode.REGULAR_CLASS,
                             today=today)
        return "已在劝返个案中记录返校复学。", "The case records the return to school."
    for change in ("resumption", "transfer_out", "suspension", "graduation", "death", "transfer_in"):
        try:
            after = status_after_change(RegistryChangeType(change), current)
        except DomainError:
            continue
        if after is target:
            registry.record_change(session, student_id, change, today, reason="学籍系统名单比对",
                                   to_school_id=student.school_id if change == "transfer_in" else None)
            return "已登记学籍异动。", "The registry change was recorded."
    raise LifecycleError(f"「{current.zh}」不能直接改为「{target.zh}」，请在学生档案或劝返个案中处理。",
                         f'"{current.en}" cannot become "{target.en}" directly; settle it in the student\'s file or '
                         "case.", field="key")


def _accept_new(session: Session, result: Reconciliation, line: Line, *, school_id: str | None,
                today: date) -> tuple[str, str]:
    row = dict(line.change)
    if school_id is None:
        school_id = _school_from_list(session, row)
    if school_id is None:
        raise ValidationError("请选择负责这名学生学籍和劝返的学校。",
                              "Choose the school that will keep this child's record and case.", field="school_id")
    get(session, School, school_id)
    if line.issue is Issue.SUSPECTED_DROPOUT:
        grade = int(line.change.get("grade") or 1)
        student = roster.add_student(session, _student_input_for(line, row, school_id=school_id,
                                                                 status=StudentStatus.DROPPED_OUT, grade=grade),
                                    today=today)
        cases.open_case(session, student.id, detected_on=today, reason=DropoutReason.OTHER,
                        reason_detail=f"{result.kind.zh}比对发现疑似辍学", today=today)
        return "已登记这名学生并建立劝返个案。", "The child was recorded and a dropout case opened."
    status = StudentStatus(line.change.get("status") or StudentStatus.IN_SCHOOL.value)
    listed_grade = row.get("list_grade")
    if not listed_grade:
        raise ValidationError("名单没有年级，无法登记这名学生。",
                              "The list gives no grade; the student cannot be added.", field="grade")
    student = roster.add_student(session, _student_input_for(line, row, school_id=school_id, status=status,
                                                             grade=int(listed_grade)), today=today)
    if status is StudentStatus.DROPPED_OUT:
        cases.open_case(session, student.id, detected_on=today, reason=DropoutReason.OTHER,
                        reason_detail="学籍系统名单比对：学籍状态为辍学", today=today)
    return "已登记这名学生。", "The student was added."


def _school_from_list(session: Session, row: Mapping[str, Any]) -> str | None:
    code, name = row.get("school_code"), row.get("school_name")
    if code:
        found = session.scalars(select(School.id).where(School.code == code, School.deleted.is_(False))).all()
        if len(found) == 1:
            return found[0]
    if name:
        found = session.scalars(select(School.id).where(School.name == name, School.deleted.is_(False))).all()
        if len(found) == 1:
            return found[0]
    return None


def restore_line(session: Session, dismissal_id: str) -> None:
    """Undo a dismissal (the line shows again in the next run)."""
    oplog.delete(session, get(session, ReconciliationDismissal, dismissal_id))
