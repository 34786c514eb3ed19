"""A data folder as an older Jiafang left it: a real encrypted database at schema N, with a school's records.

The schema is made by the project's own migration runner (``app.store.db.migrate``), shown only the first N
migrations. The records are written as the app writes them: each synced row by a create op in the op log
(values in the table's column order, trailing absent values and the op's own scope left out, device, scope
and user as ``op_atom`` ids), later changes by ops whose ``prev`` names the field's previous op, and the
table rows the log resolves to. The encoding is spelled out here rather than borrowed from
``app.store.oplog``, so that the current code has to read the stored form, not merely its own output.

Only tables and columns present at N are written: what a migration after N adds, this folder does not have.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import app.store.db as store_db
from app.config import DATABASE_FILE, KEYSLOT_FILE
from app.domain.codes import Sex
from app.services.audit import canonical, chain_hash
from app.services.roster import validate_student
from app.store.clock import pack
from app.store.ids import uuid7
from app.store.keys import KeyRing, new_data_key
from app.store.machine import machine_fingerprint
from app.store.migrations import MIGRATIONS
from app.store.models import DISTRICT_SCOPE
from app.store.types import utc_text
from tests.conftest import PASSWORD, TODAY, make_student_input

USERNAME = "admin"
#: When the old program wrote the records (a week before the tests' TODAY).
WRITTEN_AT = datetime(2026, 11, 22, 1, 30, tzinfo=UTC)

Rows = dict[str, Counter[tuple[Any, ...]]]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def dump_tables(conn: Any) -> Rows:
    """Every row of every table, as stored (a multiset per table)."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: Counter(tuple(row) for row in conn.execute(f'SELECT * FROM "{name}"')) for name in names}


def dump_schema(conn: Any) -> list[tuple[str, str, str, str | None]]:
    return sorted(tuple(r) for r in conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))


def read_log(conn: Any) -> list[tuple[Any, ...]]:
    """The op log with its atoms spelled out: (device, seq, hlc, tbl, row_id, scope, user, data, prev)."""
    return [tuple(r) for r in conn.execute(
        "SELECT d.value, o.seq, o.hlc, o.tbl, o.row_id, s.value, u.value, o.data, o.prev FROM op_log AS o "
        "JOIN op_atom AS d ON d.id = o.device JOIN op_atom AS s ON s.id = o.scope "
        "LEFT JOIN op_atom AS u ON u.id = o.user ORDER BY d.value, o.seq")]


@dataclass
class OldFolder:
    """What the builder wrote, for the tests to hold the upgraded folder against."""

    version: int
    key: bytes
    device_id: str
    user_id: str
    school_id: str
    ids: dict[str, str]  # a name for each row the tests look up: "student_a", "case", ...
    #: Every synced row written: table -> id -> field -> the value the log carries (JSON-native).
    records: dict[str, dict[str, dict[str, Any]]]
    #: The op log as written, atoms spelled out (see :func:`read_log`).
    ops: list[tuple[Any, ...]]
    #: Key of the op that last set each (table, row id, field).
    heads: dict[tuple[str, str, str], str]
    tables: Rows = field(default_factory=dict)  # every table's rows, as closed
    schema: list[tuple[str, str, str, str | None]] = field(default_factory=list)

    @property
    def last_seq(self) -> int:
        return len(self.ops)


class _Writer:
    """Writes rows and their ops at whatever schema the database has."""

    def __init__(self, conn: Any, folder: OldFolder) -> None:
        self.conn = conn
        self.folder = folder
        self.hlc = pack(int(WRITTEN_AT.timestamp() * 1000))
        self._columns: dict[str, list[tuple[str, str, bool]]] = {}
        self._atoms: dict[str, int] = {}

    def columns(self, table: str) -> list[tuple[str, str, bool]]:
        """(name, declared type, not null) of a table at this schema; empty if the table is not there yet."""
        if table not in self._columns:
            self._columns[table] = [(r[1], r[2].upper(), bool(r[3]))
                                    for r in self.conn.execute(f"PRAGMA table_info({table})")]
        return self._columns[table]

    def has(self, table: str) -> bool:
        return bool(self.columns(table))

    def atom(self, text: str) -> int:
        if text not in self._atoms:
            cur = self.conn.execute("INSERT INTO op_atom (value) VALUES (?)", (text,))
            self._atoms[text] = int(cur.lastrowid)
        return self._atoms[text]

    def local(self, table: str, values: dict[str, Any]) -> None:
        """A row of a local (never synced) table, if the table exists at this schema."""
        present = {name for name, _type, _nn in self.columns(table)}
        if present:
            kept = {k: v for k, v in values.items() if k in present}
            self.conn.execute(f"INSERT INTO {table} ({', '.join(kept)}) VALUES ({', '.join('?' for _ in kept)})",
                              tuple(kept.values()))

    @staticmethod
    def _absent(col_type: str, not_null: bool) -> Any:
        if col_type == "BOOLEAN":
            return False
        return [] if col_type == "JSON" and not_null else None

    @staticmethod
    def _stored(col_type: str, value: Any) -> Any:
        if value is None:
            return None
        if col_type == "JSON":
            return _dumps(value)
        if col_type == "BOOLEAN":
            return 1 if value else 0
        return value

    def _op(self, table: str, row_id: str, scope: str, data: str, prev: str | None) -> str:
        folder = self.folder
        seq = folder.last_seq + 1
        self.hlc += pack(1, 3)  # a millisecond and a bit later: other counters than 0 occur too
        self.conn.execute(
            "INSERT INTO op_log (device, seq, hlc, tbl, row_id, scope, user, data, prev) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self.atom(folder.device_id), seq, self.hlc, table, row_id, self.atom(scope),
             self.atom(folder.user_id), data, prev))
        folder.ops.append((folder.device_id, seq, self.hlc, table, row_id, scope, folder.user_id, data, prev))
        return f"{folder.device_id}:{seq}"

    def create(self, table: str, values: dict[str, Any], *, name: str | None = None,
               row_id: str | None = None) -> str | None:
        """A synced row and its create op; None (and nothing written) if the table is not there yet."""
        if not self.has(table):
            return None
        row_id = row_id or uuid7()
        fields = [(n, t, nn) for n, t, nn in self.columns(table) if n != "id"]
        known = {n for n, _t, _nn in fields}
        unknown = set(values) - known
        assert not unknown, f"{table} has no column(s) {sorted(unknown)} at schema {self.folder.version}"
        scope = values["scope"]
        full = {"deleted": False, **values}
        record = {n: full.get(n, self._absent(t, nn)) for n, t, nn in fields}
        positional = [None if value is None or value == self._absent(t, nn) or (n == "scope" and value == scope)
                      else value for (n, t, nn), value in zip(fields, record.values(), strict=True)]
        while positional and positional[-1] is None:
            positional.pop()
        key = self._op(table, row_id, scope, _dumps(positional), None)
        columns = ["id", *record]
        self.conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                          (row_id, *(self._stored(t, record[n]) for n, t, _nn in fields)))
        self.folder.records.setdefault(table, {})[row_id] = record
        self.folder.heads.update({(table, row_id, n): key for n in record})
        if name:
            self.folder.ids[name] = row_id
        return row_id

    def update(self, table: str, row_id: str, changes: dict[str, Any]) -> None:
        record = self.folder.records[table][row_id]
        types = {n: t for n, t, _nn in self.columns(table)}
        prev = {n: [self.folder.heads[(table, row_id, n)]] for n in changes}
        key = self._op(table, row_id, record["scope"], _dumps(changes), _dumps(prev))
        self.conn.execute(f"UPDATE {table} SET {', '.join(f'{n} = ?' for n in changes)} WHERE id = ?",
                          (*(self._stored(types[n], v) for n, v in changes.items()), row_id))
        record.update(changes)
        self.folder.heads.update({(table, row_id, n): key for n in changes})


def _student(school_id: str, household_id: str, **extra: Any) -> dict[str, Any]:
    """A student's values as the roster service stores them (ID number, pinyin initials, codes)."""
    values = validate_student(make_student_input(school_id, household_id=household_id, **extra),  # type: ignore[arg-type]
                              today=TODAY)
    return {k: v.value if hasattr(v, "value") else v for k, v in values.items()}


def _populate(w: _Writer) -> None:
    f = w.folder
    school = f.school_id  # a school's id is also its scope, so it is chosen before the school is written
    now = utc_text(WRITTEN_AT)
    w.local("device_state", {"id": 1, "device_id": f.device_id, "device_name": "石埠小学教务处笔记本",
                             "last_seq": 0, "last_hlc": 0, "school_id": school, "created_at": now,
                             "machine": machine_fingerprint()})
    township = w.create("township", {"scope": DISTRICT_SCOPE, "code": "450107100", "name": "石埠街道",
                                     "kind": "street"}, name="township")
    village = w.create("village", {"scope": DISTRICT_SCOPE, "township_id": township, "code": "450107100201",
                                   "name": "老口村", "kind": "village"}, name="village")
    hamlet = w.create("hamlet", {"scope": DISTRICT_SCOPE, "village_id": village, "name": "那平屯"}, name="hamlet")
    w.local("app_user", {"id": f.user_id, "username": USERNAME, "display_name": "管理员", "role": "school_admin",
                         "school_id": school, "key_slot_id": f.ids["slot"], "active": 1, "created_at": now})
    w.create("school", {"scope": school, "code": "2145000001", "name": "西乡塘区石埠小学", "school_type": "primary",
                        "township_id": township, "village_id": village, "address": "南宁市西乡塘区石埠街道石埠路1号",
                        "phone": "0771-3210000"}, name="school", row_id=school)
    campaign = w.create("campaign", {"scope": DISTRICT_SCOPE, "code": "2026-spring", "kind": "spring_return",
                                     "name": "2026年春季大劝返", "starts_on": "2026-02-16", "ends_on": "2026-03-31"},
                        name="campaign")
    household = w.create("household", {
        "scope": school, "head_name": "韦建国", "address": "石埠街道老口村那平屯12号", "township_id": township,
        "village_id": village, "hamlet_id": hamlet, "phone": "13877112345", "household_type": "1",
        "registration_place": "广西南宁市西乡塘区石埠街道老口村", "hardship": ["dibao", "registered_poor"],
        "notes": "父母在广东东莞务工，祖母照看"}, name="household")
    assert household is not None
    w.create("household_member", {"scope": school, "household_id": household, "name": "韦建国", "relation": "父亲",
                                  "phone": "13877112345", "work": "广东东莞电子厂务工", "works_away": True})
    w.create("household_member", {"scope": school, "household_id": household, "name": "黄秀兰", "relation": "祖母",
                                  "is_guardian": True})
    a = w.create("student", {**_student(school, household, name="韦小明", grade=4, sequence=11, sex=Sex.MALE),
                             "left_behind": "2"}, name="student_a")
    b = w.create("student", _student(school, household, name="韦秀𰻝", grade=6, sequence=24, sex=Sex.FEMALE,
                                     registered_poor=True, boarding="boarding"), name="student_b")
    assert a is not None and b is not None
    w.update("student", a, {"student_number": "G" + str(f.records["student"][a]["id_number"])})
    w.create("responsibility", {"scope": school, "student_id": a, "line": "education", "role": "class",
                                "person_name": "黄丽萍", "unit": "西乡塘区石埠小学", "phone": "13977154321"})
    w.create("responsibility", {"scope": school, "student_id": b, "line": "government", "role": "village",
                                "person_name": "蓝海军", "unit": "老口村委"})
    visit = w.create("visit", {
        "scope": school, "campaign_id": campaign, "student_id": a, "household_id": household, "school_id": school,
        "status": "draft", "visited_on": "2026-11-20", "visited_time": "15:30", "purpose": "routine",
        "visitors": [{"name": "黄丽萍", "role": "head_teacher", "unit": "西乡塘区石埠小学", "phone": "13977154321"}],
        "present_persons": "祖母黄秀兰", "address": "石埠街道老口村那平屯12号",
        "family_situation": "父母外出务工，祖母监护",
        "policies": ["compulsory_law", "two_exemptions"], "help_given": "送去冬衣两套", "follow_up_on": "2026-12-18",
    }, name="visit")
    assert visit is not None
    w.update("visit", visit, {"status": "finalized", "finalized_at": now, "finalized_by": f.user_id})
    sha = "5f2b8c1d0e4a7b6c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c"
    w.local("blob", {"sha256": sha, "media_type": "image/jpeg", "data": b"\xff\xd8\xff\xe0 photo \xff\xd9"})
    w.create("visit_attachment", {"scope": school, "visit_id": visit, "kind": "photo", "blob_sha256": sha,
                                  "caption": "家访合影"})
    w.create("key_target", {"scope": school, "student_id": b, "campaign_id": campaign,
                            "risk_reasons": ["learning", "work"], "notes": "哥哥已在外务工", "flagged_on": "2026-02-20",
                            "active": True})
    w.create("return_check", {"scope": school, "student_id": b, "campaign_id": campaign, "school_year": 2025,
                              "term": "spring", "checked_on": "2026-03-02", "returned": False,
                              "reason": "未返校：外出务工"})
    w.create("registry_change", {"scope": school, "student_id": b, "change_type": "dropout",
                                 "effective_on": "2026-03-02", "from_status": "in_school", "to_status": "dropped_out",
                                 "reason": "外出务工"})
    w.update("student", b, {"status": "dropped_out"})
    case = w.create("dropout_case", {
        "scope": school, "student_id": b, "school_id": school, "status": "open", "detected_on": "2026-03-02",
        "dropped_month": "2026-02", "reason": "work", "reason_detail": "随哥哥去东莞", "whereabouts": "广东东莞",
        "plan": "班主任与村干部一同上门"}, name="case")
    assert case is not None
    w.create("persuasion_attempt", {
        "scope": school, "case_id": case, "attempt_no": 1, "attempted_on": "2026-03-05",
        "persuaders": [{"name": "黄丽萍", "phone": "13977154321", "unit": "西乡塘区石埠小学"},
                       {"name": "蓝海军", "phone": None, "unit": "老口村委"}],
        "method": "电话劝返", "result": "家长同意月底带回"})
    w.update("dropout_case", case, {"status": "persuading"})
    w.update("student", a, {"class_name": "3班"})
    w.create("absence", {"scope": school, "student_id": a, "school_id": school, "started_on": "2026-11-16",
                         "ended_on": "2026-11-18", "excused": True, "reason": "感冒发烧，有请假条"})
    w.create("reconciliation_dismissal", {
        "scope": school, "line_key": "f3a9c2d1e0b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4", "list_kind": "registry",
        "issue": "missing_here", "subject": "韦秀𰻝 450107…", "reason": "已在本校名单中，身份证号录入有误",
        "dismissed_on": "2026-11-10", "by_name": "管理员"})
    if w.has("audit_event"):
        event = {"device_id": f.device_id, "chain_seq": 1, "at": now, "user_id": f.user_id, "action": "signed_in",
                 "target": f.user_id, "detail": None}
        w.create("audit_event", {**event, "prev_hash": None, "hash": chain_hash(None, canonical(event)),
                                 "scope": school})
    peer = uuid7()
    w.local("sync_peer", {"origin": peer, "applied_seq": 42, "last_hash": "ab" * 32})
    w.local("form_scratch", {"record_kind": "visit", "record_id": visit, "raw": _dumps({"follow_up_on": "下周三"}),
                             "user_id": f.user_id, "updated_at": now})
    w.local("sync_server", {"id": 1, "url": "https://jiafang.xxtjy.example.cn/", "device_id": f.device_id,
                            "device_token": "tok-" + "7" * 40, "scope": school, "pull_cursor": 120,
                            "pushed_seq": 15, "refused": "[]"})
    w.local("sync_share_key", {"generation": 1, "key": b"\x01" * 32, "record": None})
    w.conn.execute("UPDATE device_state SET last_seq = ?, last_hlc = ? WHERE id = 1", (f.last_seq, w.hlc))


def build_folder(data_dir: Path, version: int) -> OldFolder:
    """A closed data folder at schema ``version`` (1 … SCHEMA_VERSION) holding a school's records; the user
    ``admin`` opens it with ``tests.conftest.PASSWORD``."""
    assert 1 <= version <= MIGRATIONS[-1][0]
    data_dir.mkdir(parents=True)
    key = new_data_key()
    ring = KeyRing.new(data_dir / KEYSLOT_FILE)
    slot_id, user_id = uuid7(), uuid7()
    ring.add(slot_id, ring.label_for(USERNAME), PASSWORD, key)
    path = data_dir / DATABASE_FILE
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store_db, "MIGRATIONS", tuple(m for m in MIGRATIONS if m[0] <= version))
        patch.setattr(store_db, "SCHEMA_VERSION", version)
        assert store_db.migrate(path, key) == list(range(1, version + 1))
    folder = OldFolder(version=version, key=key, device_id=uuid7(), user_id=user_id, school_id=uuid7(),
                       ids={"slot": slot_id}, records={}, ops=[], heads={})
    conn = store_db._connect(path, key, create=False)
    try:
        conn.execute("BEGIN IMMEDIATE")
        _populate(_Writer(conn, folder))
        conn.execute("COMMIT")
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert read_log(conn) == folder.ops
        folder.tables = dump_tables(conn)
        folder.schema = dump_schema(conn)
    finally:
        conn.close()
    ring.save()
    return folder

