"""Who may write and read which record on the server.

Every op carries ``scope``: the school the row belongs to after the op (or ``district`` for shared reference
data). The server keeps, per row, its current scope: the scope set by the op with the largest
``(hlc, device)`` among the ops that set it, which is the merge winner (an op that supersedes another always
has a larger HLC).

Writing (push), for a device of school S (district devices may write anything):
- reference data (places, schools, campaigns) only from the district, but S's own address and phone;
- S's laptop's own audit events from before it knew its school (district-scoped; only the district reads them);
- an op on a row whose current scope is S is accepted (this includes moving the row to another school,
  which is how a registry transfer works);
- an op with scope S on a row the server has never seen is accepted (a new record of S);
- an op with scope S on a row that once belonged to S, which does not set the scope, is accepted: an edit
  made offline before the laptop learnt that the student had moved (an honest laptop must never be stuck);
- a new registry change (学籍异动) with the receiving school's scope is accepted when its student is S's
  (the transfer-in record that :func:`app.services.registry.record_change` writes);
- an op may refer (by a foreign key) only to rows the school can see (or rows the server has not seen):
  otherwise creating a record that points at another school's student would make that student visible;
- anything else touches another school's records (or district reference data): the push is refused.

Every op must also be well formed (known fields, values their columns can hold (:mod:`app.store.values`);
a create op sets every required field): a signed but malformed op would stop every laptop that pulls it.

Reading (pull): a school sees (1) reference data (places, schools, campaigns, and district-scoped rows but
for the audit log: everyone), (2) every row that
is or ever was in its scope, with the row's whole history from before it arrived (a school that receives a
transferred student gets the student's past), and (3) every row that a row it sees refers to (the household
of a transferred student), so that foreign keys hold on every laptop. Grants only grow: a school keeps
seeing a student it once had, which also lets it confirm that a transferred child arrived (a transfer is
the classic hiding place of a dropout).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from app.store import values
from app.store.models import DISTRICT_SCOPE, MODEL_BY_TABLE
from app.store.oplog import CODECS, OpRecord

EVERYONE = "*"
#: Tables of shared reference data: every device reads them; only their scope (the district, or for a
#: school row the school itself) writes them.
REFERENCE_TABLES = frozenset({"township", "village", "hamlet", "school", "campaign"})
#: What a school may change of its own school row.
OWN_SCHOOL_FIELDS = frozenset({"address", "phone"})
#: Tables a district-scoped row of which is still no school's business (the audit log: who saw what).
PRIVATE_TABLES = frozenset({"audit_event"})
#: Tables whose ``school_id`` names the school the row counts for (see :func:`malformed`).
SCHOOL_FIELD_TABLES = frozenset({"student", "visit", "dropout_case", "absence"})


def _required_fields() -> dict[str, frozenset[str]]:
    """Per table, the fields a create op must set (NOT NULL, no default, not a flag or a list)."""
    found: dict[str, frozenset[str]] = {}
    for name, model in MODEL_BY_TABLE.items():
        found[name] = frozenset(
            c.name for c in model.__table__.columns
            if c.name != "id" and not c.nullable and c.default is None
            and c.name not in CODECS[name].bool_fields and c.name not in CODECS[name].list_fields)
    return found


def _parent_fields() -> dict[str, tuple[str, ...]]:
    """Per table, the foreign-key fields that point at rows which are not reference data."""
    found: dict[str, tuple[str, ...]] = {}
    for name, model in MODEL_BY_TABLE.items():
        fields = []
        for column in model.__table__.columns:
            targets = {fk.column.table.name for fk in column.foreign_keys}
            if targets and not targets <= REFERENCE_TABLES:
                fields.append(column.name)
        found[name] = tuple(fields)
    return found


PARENT_FIELDS = _parent_fields()
REQUIRED_FIELDS = _required_fields()


def malformed(op: OpRecord) -> str | None:
    """Why an op cannot be stored, or None when it is well formed."""
    problem = values.op_problem(op.tbl, op.row_id, op.scope, op.data)
    if problem:
        return problem
    if op.prev is None:
        missing = [f for f in REQUIRED_FIELDS[op.tbl] if op.data.get(f) is None]
        if missing:
            return f"create of {op.tbl} without {sorted(missing)}"
        if op.data.get("scope") != op.scope:
            return "create op whose scope field differs from its scope"
    elif "scope" in op.data and op.data["scope"] != op.scope:
        return "op whose scope field differs from its scope"
    if op.tbl in SCHOOL_FIELD_TABLES and "school_id" in op.data and op.data["school_id"] != op.scope:
        # The dashboards count a school's pupils, visits, cases and absences by this field: it must name the
        # school whose scope the op is checked against, or one school could move another's figures.
        return f"{op.tbl} whose school_id differs from its scope"
    return None


def is_reference(tbl: str, scope: str) -> bool:
    return tbl in REFERENCE_TABLES or (scope == DISTRICT_SCOPE and tbl not in PRIVATE_TABLES)


def read_scope(tbl: str, scope: str) -> str:
    """The grant scope a row's own scope gives: a school, everyone for reference data, or only the district
    (which reads everything) for a district-scoped row of a private table."""
    return EVERYONE if is_reference(tbl, scope) else scope


def _own_audit_event(op: OpRecord) -> bool:
    """A laptop's own audit event made before it knew its school (signing in before enrollment): its scope
    is the district's, and it must still reach the district, whose copy no laptop can change."""
    return op.tbl == "audit_event" and op.prev is None and op.scope == DISTRICT_SCOPE and \
        op.data.get("device_id") == op.device_id


@dataclass
class RowInfo:
    tbl: str
    scope: str
    hlc: int  # -1: only edits seen, the scope is the editors' belief
    device: str


@dataclass
class Malformed(Exception):
    """An op that is not well formed (see :func:`malformed`)."""

    op: OpRecord
    reason: str


@dataclass
class Refused(Exception):
    """Ops a device may not write; nothing of its push is stored."""

    ops: list[OpRecord]

    def describe(self) -> tuple[str, str]:
        tables = sorted({op.tbl for op in self.ops})
        return (f"有 {len(self.ops)} 条修改涉及其他学校或学区的记录（{', '.join(tables)}），服务器不接受，"
                "这些修改留在本机。",
                f"{len(self.ops)} changes touch records of another school or of the district "
                f"({', '.join(tables)}); the server does not accept them, and they stay on this laptop.")


@dataclass
class PushPlan:
    """What accepted ops change in the server's scope tables."""

    rows: dict[str, RowInfo] = field(default_factory=dict)  # rows whose scope-deciding op is new
    moved: set[str] = field(default_factory=set)  # rows new here or whose scope changed: they need a grant
    new_rows: set[str] = field(default_factory=set)  # rows the server had never seen
    refs: set[tuple[str, str]] = field(default_factory=set)  # (row, parent)
    blob_refs: set[tuple[str, str]] = field(default_factory=set)  # (sha256, row)


def may_write(op: OpRecord, school: str, rows: Mapping[str, RowInfo], direct: set[str],
              visible: set[str]) -> bool:
    """The write rule of the module docstring for a device of ``school``; ``visible`` holds the rows the school
    can see (granted to it or to everyone)."""
    if op.tbl in REFERENCE_TABLES:
        # Places, schools and campaigns reach every laptop: they come from the district, except that a school
        # may keep its own school row's contact details up to date (its name and code are the district's).
        return op.tbl == "school" and op.row_id == school and op.scope == school and op.prev is not None \
            and set(op.data) <= OWN_SCHOOL_FIELDS
    if _own_audit_event(op):
        return op.row_id not in rows
    if op.prev is None and op.tbl == "registry_change" and op.data.get("to_school_id") not in (None, op.scope) \
            and op.scope != school:
        return False
    for name in PARENT_FIELDS.get(op.tbl, ()):
        parent = op.data.get(name)
        if parent and str(parent) in rows and str(parent) not in visible:
            return False
    current = rows.get(op.row_id)
    if current is not None and current.scope == school:
        return True
    sets_scope = op.prev is None or "scope" in op.data
    if op.scope == school:
        if current is None:
            return True
        if op.row_id in direct and not sets_scope:
            return True
    if op.prev is None and op.tbl == "registry_change" and current is None:
        student = rows.get(str(op.data.get("student_id") or ""))
        return student is not None and student.scope == school
    return False


def plan_push(ops: Sequence[OpRecord], device_scope: str, known: Mapping[str, RowInfo], direct: Iterable[str],
              visible: Iterable[str] = ()) -> PushPlan:
    """Check every op against the write rule (in order: a transfer's own ops see each other) and work out
    the scope changes; raises Malformed for a broken op, Refused listing every op that may not be written.
    ``known`` holds the rows (and their parents) the server has seen, ``direct`` the rows that were ever in
    the device's school, ``visible`` the rows the school can see."""
    state: dict[str, RowInfo] = dict(known)
    direct_rows = set(direct)
    visible_rows = set(visible)
    plan = PushPlan()
    refused: list[OpRecord] = []
    district = device_scope == DISTRICT_SCOPE
    for op in ops:
        problem = malformed(op)
        if problem:
            raise Malformed(op, problem)
        if not district and not may_write(op, device_scope, state, direct_rows, visible_rows):
            refused.append(op)
            continue
        current = state.get(op.row_id)
        if current is None:
            plan.new_rows.add(op.row_id)
        if op.prev is None or "scope" in op.data:
            if current is None or current.hlc < 0 or (op.hlc, op.device_id) > (current.hlc, current.device):
                info = RowInfo(op.tbl, op.scope, op.hlc, op.device_id)
                if current is None or info.scope != current.scope:
                    plan.moved.add(op.row_id)
                state[op.row_id] = plan.rows[op.row_id] = info
        elif current is None:
            # Only an edit seen (its create came by another path): the editor's belief stands in until then.
            state[op.row_id] = plan.rows[op.row_id] = RowInfo(op.tbl, op.scope, -1, op.device_id)
            plan.moved.add(op.row_id)
        if not district and state[op.row_id].scope == device_scope:
            direct_rows.add(op.row_id)
            visible_rows.add(op.row_id)
        for name in PARENT_FIELDS.get(op.tbl, ()):
            parent = op.data.get(name)
            if parent:
                plan.refs.add((op.row_id, str(parent)))
        if op.tbl == "visit_attachment" and op.data.get("blob_sha256"):
            plan.blob_refs.add((str(op.data["blob_sha256"]), op.row_id))
    if refused:
        raise Refused(refused)
    return plan
