"""The record store's tables as typed SQLAlchemy models.

Two kinds of table:
- synced tables (``Synced`` subclasses): a cache of the op log. UUIDv7 text keys born on the device, a
  ``scope`` key (the school, or ``district`` for shared reference data) so sync can be scoped, and a
  ``deleted`` flag (deletion is a field, so it syncs and conflicts like any other). They are written only
  through :mod:`app.store.oplog`; an engine guard refuses any other write.
- local tables: the op log itself, users, this device's state, conflicts derived from the log.

Field names follow DOMAIN.md; code columns hold ``Code.value`` strings from :mod:`app.domain.codes`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.store.types import UtcDateTime

DISTRICT_SCOPE = "district"


class Base(DeclarativeBase):
    pass


class Synced(Base):
    """A row that lives in the op log and travels by sync."""

    __abstract__ = True
    #: Parent tables come first when ops are applied, so foreign keys hold.
    apply_order: ClassVar[int] = 50

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    scope: Mapped[str] = mapped_column(String(36))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


# ----------------------------------------------------------------------------- places and schools
class Township(Synced):
    """镇/街道: a street office or town of the district."""

    __tablename__ = "township"
    apply_order = 1
    code: Mapped[str] = mapped_column(String(12))  # 9-digit division code, e.g. 450107001
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str | None] = mapped_column(String(12))  # street / town


class Village(Synced):
    """村/社区 under a township."""

    __tablename__ = "village"
    apply_order = 2
    township_id: Mapped[str] = mapped_column(ForeignKey("township.id"), index=True)
    code: Mapped[str | None] = mapped_column(String(15))
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str | None] = mapped_column(String(12))  # village / community


class Hamlet(Synced):
    """屯 / 自然村 under a village."""

    __tablename__ = "hamlet"
    apply_order = 3
    village_id: Mapped[str] = mapped_column(ForeignKey("village.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))


class School(Synced):
    __tablename__ = "school"
    apply_order = 4
    code: Mapped[str | None] = mapped_column(String(20), index=True)  # 学校标识码
    name: Mapped[str] = mapped_column(String(80))
    school_type: Mapped[str] = mapped_column(String(16))
    township_id: Mapped[str | None] = mapped_column(ForeignKey("township.id"))
    village_id: Mapped[str | None] = mapped_column(ForeignKey("village.id"))
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))


# ----------------------------------------------------------------------------- households and students
class Household(Synced):
    __tablename__ = "household"
    apply_order = 10
    head_name: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(200))
    township_id: Mapped[str | None] = mapped_column(ForeignKey("township.id"))
    village_id: Mapped[str | None] = mapped_column(ForeignKey("village.id"), index=True)
    hamlet_id: Mapped[str | None] = mapped_column(ForeignKey("hamlet.id"))
    phone: Mapped[str | None] = mapped_column(String(20))
    household_type: Mapped[str | None] = mapped_column(String(2))
    registration_place: Mapped[str | None] = mapped_column(String(200))  # 户籍所在地
    hardship: Mapped[list[str]] = mapped_column(JSON, default=list)  # HardshipCategory values
    notes: Mapped[str | None] = mapped_column(Text)


class HouseholdMember(Synced):
    """A parent, guardian or other member of a household (not the students, who have their own table)."""

    __tablename__ = "household_member"
    apply_order = 11
    household_id: Mapped[str] = mapped_column(ForeignKey("household.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    relation: Mapped[str | None] = mapped_column(String(20))  # 父亲, 母亲, 祖父 ...
    phone: Mapped[str | None] = mapped_column(String(20))
    work: Mapped[str | None] = mapped_column(String(100))  # 务工情况
    works_away: Mapped[bool] = mapped_column(Boolean, default=False)
    is_guardian: Mapped[bool] = mapped_column(Boolean, default=False)


class Student(Synced):
    __tablename__ = "student"
    apply_order = 12
    school_id: Mapped[str] = mapped_column(ForeignKey("school.id"))
    household_id: Mapped[str | None] = mapped_column(ForeignKey("household.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    name_initials: Mapped[str | None] = mapped_column(String(40))  # pinyin initials for search ("wxm")
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date] = mapped_column(Date)
    ethnicity: Mapped[str | None] = mapped_column(String(2))
    id_type: Mapped[str] = mapped_column(String(1), default="1")
    id_number: Mapped[str | None] = mapped_column(String(18))
    student_number: Mapped[str | None] = mapped_column(String(19))
    grade: Mapped[int] = mapped_column(Integer)
    class_name: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16))
    registered_poor: Mapped[bool] = mapped_column(Boolean, default=False)
    left_behind: Mapped[str] = mapped_column(String(1), default="0")
    disability_type: Mapped[str | None] = mapped_column(String(1))
    disability_grade: Mapped[str | None] = mapped_column(String(1))
    migrant: Mapped[bool] = mapped_column(Boolean, default=False)
    orphan: Mapped[bool] = mapped_column(Boolean, default=False)
    martyr_family: Mapped[bool] = mapped_column(Boolean, default=False)
    boarding: Mapped[str | None] = mapped_column(String(10))

    # Indexes for the roster and search live in migrations 6 and 8 (shaped by measurement, covering).


class Responsibility(Synced):
    """双线四包: who covers a student (or a case) on the government or the education line."""

    __tablename__ = "responsibility"
    apply_order = 20
    student_id: Mapped[str] = mapped_column(ForeignKey("student.id"), index=True)
    line: Mapped[str] = mapped_column(String(12))  # ResponsibilityLine
    role: Mapped[str] = mapped_column(String(16))  # ResponsibilityRole
    person_name: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str | None] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(20))


class RegistryChange(Synced):
    """学籍异动: a change of a student's registry status, school, grade or class."""

    __tablename__ = "registry_change"
    apply_order = 21
    student_id: Mapped[str] = mapped_column(ForeignKey("student.id"), index=True)
    change_type: Mapped[str] = mapped_column(String(16))
    effective_on: Mapped[date] = mapped_column(Date)
    from_school_id: Mapped[str | None] = mapped_column(String(36))
    to_school_id: Mapped[str | None] = mapped_column(String(36))
    from_grade: Mapped[int | None] = mapped_column(Integer)
    to_grade: Mapped[int | None] = mapped_column(Integer)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)


# ----------------------------------------------------------------------------- campaigns and visits
class Campaign(Synced):
    __tablename__ = "campaign"
    apply_order = 5
    code: Mapped[str] = mapped_column(String(40))  # e.g. 2027-winter_visits
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(80))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class Visit(Synced):
    """家访记录表: one home visit. A draft until finalized; then amended only by a new record."""

    __tablename__ = "visit"
    apply_order = 22
    campaign_id: Mapped[str | None] = mapped_column(ForeignKey("campaign.id"), index=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("student.id"), index=True)
    household_id: Mapped[str | None] = mapped_column(ForeignKey("household.id"))
    school_id: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(12))  # VisitStatus
    visited_on: Mapped[date] = mapped_column(Date)
    visited_time: Mapped[str | None] = mapped_column(String(5))  # HH:MM local
    purpose: Mapped[str | None] = mapped_column(String(16))
    visitors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # name, unit, role, phone
    present_persons: Mapped[str | None] = mapped_column(Text)  # 主要陪同人
    address: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    family_situation: Mapped[str | None] = mapped_column(Text)
    attitude_to_school: Mapped[str | None] = mapped_column(Text)
    behaviour: Mapped[str | None] = mapped_column(Text)
    state_of_mind: Mapped[str | None] = mapped_column(Text)
    policies: Mapped[list[str]] = mapped_column(JSON, default=list)
    hardships: Mapped[str | None] = mapped_column(Text)
    help_given: Mapped[str | None] = mapped_column(Text)
    parents_views: Mapped[str | None] = mapped_column(Text)
    diagnosis: Mapped[str | None] = mapped_column(Text)
    measures: Mapped[str | None] = mapped_column(Text)
    follow_up_plan: Mapped[str | None] = mapped_column(Text)
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    remarks: Mapped[str | None] = mapped_column(Text)
    amends_visit_id: Mapped[str | None] = mapped_column(String(36))
    finalized_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finalized_by: Mapped[str | None] = mapped_column(String(36))


class VisitAttachment(Synced):
    """A photo or signature of a visit; the bytes are a content-addressed blob."""

    __tablename__ = "visit_attachment"
    apply_order = 23
    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # photo / guardian_signature / visitor_signature
    blob_sha256: Mapped[str] = mapped_column(String(64))
    caption: Mapped[str | None] = mapped_column(String(200))


class KeyTarget(Synced):
    """重点监测对象: a student flagged for monitoring in a campaign, with the risk reasons."""

    __tablename__ = "key_target"
    apply_order = 24
    student_id: Mapped[str] = mapped_column(ForeignKey("student.id"), index=True)
    campaign_id: Mapped[str | None] = mapped_column(ForeignKey("campaign.id"))
    risk_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    flagged_on: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ReturnCheck(Synced):
    """返校核查: whether a student came back at the start of a term."""

    __tablename__ = "return_check"
    apply_order = 25
    student_id: Mapped[str] = mapped_column(ForeignKey("student.id"), index=True)
    campaign_id: Mapped[str | None] = mapped_column(ForeignKey("campaign.id"))
    school_year: Mapped[int] = mapped_column(Integer)  # the year the school year started
    term: Mapped[str] = mapped_column(String(8))
    checked_on: Mapped[date] = mapped_column(Date)
    returned: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)


# ----------------------------------------------------------------------------- dropout cases
class DropoutCase(Synced):
    """一人一案: one out-of-school child's case, from detection to closing (对账销号)."""

    __tablename__ = "dropout_case"
    apply_order = 26
    student_id: Mapped[str] = mapped_column(ForeignKey("student.id"), index=True)
    school_id: Mapped[str] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(12))  # CaseStatus
    detected_on: Mapped[date] = mapped_column(Date)
    dropped_month: Mapped[str | None] = mapped_column(String(7))  # YYYY-MM
    reason: Mapped[str] = mapped_column(String(16))  # DropoutReason
    reason_detail: Mapped[str | None] = mapped_column(Text)
    whereabouts: Mapped[str | None] = mapped_column(String(200))  # 去向
    help_given: Mapped[str | None] = mapped_column(Text)
    plan: Mapped[str | None] = mapped_column(Text)  # 一生一策
    outcome: Mapped[str | None] = mapped_column(String(16))  # CaseOutcome
    outcome_on: Mapped[date | None] = mapped_column(Date)
    return_mode: Mapped[str | None] = mapped_column(String(12))
    placement: Mapped[str | None] = mapped_column(String(120))  # school or vocational school
    placement_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_on: Mapped[date | None] = mapped_column(Date)
    typical: Mapped[bool] = mapped_column(Boolean, default=False)  # 典型案例 for the June summary
    story: Mapped[str | None] = mapped_column(Text)


class PersuasionAttempt(Synced):
    __tablename__ = "persuasion_attempt"
    apply_order = 27
    case_id: Mapped[str] = mapped_column(ForeignKey("dropout_case.id"), index=True)
    attempt_no: Mapped[int] = mapped_column(Integer)
    attempted_on: Mapped[date] = mapped_column(Date)
    persuaders: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # name, phone, unit
    method: Mapped[str | None] = mapped_column(String(40))
    result: Mapped[str | None] = mapped_column(Text)


class RetentionFollowUp(Synced):
    """巩固回访: a check that a returned child is still in school."""

    __tablename__ = "retention_follow_up"
    apply_order = 28
    case_id: Mapped[str] = mapped_column(ForeignKey("dropout_case.id"), index=True)
    followed_on: Mapped[date] = mapped_column(Date)
    in_school: Mapped[bool] = mapped_column(Boolean)
    verifies_placement: Mapped[bool] = mapped_column(Boolean, default=False)
    by_name: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(Text)


# ----------------------------------------------------------------------------- absences and reconciliation
class Absence(Synced):
    """缺勤: one spell of a student's absence, from its first day until the child is back (``ended_on``).

    A spell rather than a daily register: schools report who is away and since when, and the early warnings
    count school days from ``started_on`` (four weeks in a row without leave counts as dropout).
    """

    __tablename__ = "absence"
    apply_order = 29
    student_id: Mapped[str] = mapped_column(ForeignKey("student.id"), index=True)
    school_id: Mapped[str] = mapped_column(String(36))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)  # the last day away; None while it goes on
    excused: Mapped[bool] = mapped_column(Boolean, default=False)  # leave granted (illness with a note ...)
    reason: Mapped[str | None] = mapped_column(Text)


class ReconciliationDismissal(Synced):
    """A line of a reconciliation (学籍、建档立卡、残联名单比对) someone checked and dismissed, with the reason.

    Synced, so a line dismissed at the bureau stays dismissed on the school's laptop and in the next run.
    ``line_key`` is a digest of the list kind, the mismatch, the person and the list's value, so a later list
    that says something new about the same person raises a new line.
    """

    __tablename__ = "reconciliation_dismissal"
    apply_order = 31
    line_key: Mapped[str] = mapped_column(String(40), index=True)
    list_kind: Mapped[str] = mapped_column(String(12))
    issue: Mapped[str] = mapped_column(String(24))
    subject: Mapped[str] = mapped_column(String(80))  # the person as the list names them, for review
    reason: Mapped[str] = mapped_column(Text)
    dismissed_on: Mapped[date] = mapped_column(Date)
    by_name: Mapped[str | None] = mapped_column(String(40))


# ----------------------------------------------------------------------------- the audit log
class AuditEvent(Synced):
    """审计日志: who viewed, revealed, exported, printed, signed in, backed up or restored what, and when.

    Append-only (:mod:`app.services.audit` writes it; the op log refuses edits and deletes of it) and synced,
    so the district holds a copy no laptop can change. ``target`` and ``detail`` hold ids and codes only,
    never a name or a number. Each device chains its events: ``hash`` is sha256 of the previous event's hash
    and this event's canonical content, so an edited or removed event breaks the chain (``jiafang check``).
    """

    __tablename__ = "audit_event"
    apply_order = 40
    device_id: Mapped[str] = mapped_column(String(36))
    chain_seq: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per device
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    user_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(24))
    target: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(120))
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_event_device_seq", "device_id", "chain_seq"),)


# ----------------------------------------------------------------------------- local tables
class OpAtom(Base):
    """Device ids, user ids and scopes, numbered locally so that each op stores small integers.

    The numbers never leave this database: ops travel with the texts.
    """

    __tablename__ = "op_atom"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[str] = mapped_column(String(64), unique=True)


class Op(Base):
    """One entry of the append-only op log.

    ``data`` holds the fields the op sets: for a create op (``prev`` NULL) a JSON array of every field in
    table order (trailing absent fields left out), for an edit a JSON object. ``prev`` maps each field to
    the op ids ("device:seq") its previous value came from.
    """

    __tablename__ = "op_log"
    device: Mapped[int] = mapped_column(Integer, primary_key=True)  # OpAtom
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    hlc: Mapped[int] = mapped_column(Integer)
    tbl: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[str] = mapped_column(String(36), index=True)
    scope: Mapped[int] = mapped_column(Integer)  # OpAtom
    user: Mapped[int | None] = mapped_column(Integer)  # OpAtom
    data: Mapped[str] = mapped_column(Text)
    prev: Mapped[str | None] = mapped_column(Text)

    # Clustered on (device, seq): ops are appended in that order, and a separate key index would cost
    # a second B-tree insert per op and ~15% of the log's size.
    __table_args__ = {"sqlite_with_rowid": False}


class Conflict(Base):
    """A field with more than one head of different values; derived from the log, the same on every device."""

    __tablename__ = "conflict"
    tbl: Mapped[str] = mapped_column(String(32), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    field: Mapped[str] = mapped_column(String(40), primary_key=True)
    heads: Mapped[list[str]] = mapped_column(JSON)  # op ids, winner first


class DeviceState(Base):
    """This device: its id, next op seq and HLC. One row."""

    __tablename__ = "device_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    device_name: Mapped[str | None] = mapped_column(String(80))
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hlc: Mapped[int] = mapped_column(Integer, default=0)
    school_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Which machine this device id belongs to (migration 3): a copy opened elsewhere takes a new id.
    machine: Mapped[str | None] = mapped_column(String(64))


class User(Base):
    """A person who signs in on this laptop. The password is not stored: it opens the user's key slot."""

    __tablename__ = "app_user"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(16))  # UserRole
    school_id: Mapped[str | None] = mapped_column(String(36))
    key_slot_id: Mapped[str] = mapped_column(String(36))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Blob(Base):
    """Photo and signature bytes by SHA-256; encrypted with the database, never carried in ops."""

    __tablename__ = "blob"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)


# ----------------------------------------------------------------------------- sync state (local)
class SyncIdentity(Base):
    """This laptop's membership of a deployment: the content key and its own signing key. One row.

    Kept inside the encrypted database, so the keys are as safe as the records they protect.
    """

    __tablename__ = "sync_identity"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deployment_id: Mapped[str] = mapped_column(String(36))
    content_key: Mapped[bytes] = mapped_column(LargeBinary)
    signing_key: Mapped[bytes] = mapped_column(LargeBinary)  # Ed25519 private key, raw 32 bytes
    key_device: Mapped[str] = mapped_column(String(36))  # the device id this signing key belongs to


class SyncShareKey(Base):
    """A later generation of the folder shares' content key, made when an administrator changed the share
    passphrase (``jiafang sync folder PATH --rekey``, after a laptop was lost; see sync/keyring.py).

    Generation 1 is :attr:`SyncIdentity.content_key` (the deployment's first key, which the district server
    also uses). Every generation this laptop learnt is kept, so bundles sealed before a change stay readable;
    ``record`` is the signed key record that introduced it, copied onto every share this laptop syncs with.
    """

    __tablename__ = "sync_share_key"
    generation: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[bytes] = mapped_column(LargeBinary)
    record: Mapped[str | None] = mapped_column(Text)


class SyncRevokedDevice(Base):
    """A device an administrator revoked (a lost laptop): its bundles up to ``upto`` were on the share before
    the revocation and are applied; any later one is refused."""

    __tablename__ = "sync_revoked_device"
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    upto: Mapped[int] = mapped_column(Integer)
    generation: Mapped[int] = mapped_column(Integer)  # the key record that revoked it


class SyncDevice(Base):
    """A device of the deployment, as learned from a share or the server: its public key."""

    __tablename__ = "sync_device"
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(80))
    school_id: Mapped[str | None] = mapped_column(String(36))
    public_key: Mapped[bytes] = mapped_column(LargeBinary)


class SyncBundle(Base):
    """A bundle this device made or applied, kept byte for byte so it can be relayed to another share."""

    __tablename__ = "sync_bundle"
    origin: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq_from: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq_to: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class SyncPeer(Base):
    """How far this device has applied each origin's ops (contiguously), and the last bundle's hash."""

    __tablename__ = "sync_peer"
    origin: Mapped[str] = mapped_column(String(36), primary_key=True)
    applied_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str | None] = mapped_column(String(64))


class SyncRun(Base):
    """One sync, for the status bar and the Sync page ("last synced", what happened)."""

    __tablename__ = "sync_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transport: Mapped[str] = mapped_column(String(12))  # folder / server
    target: Mapped[str] = mapped_column(String(400))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_ops: Mapped[int] = mapped_column(Integer, default=0)
    received_ops: Mapped[int] = mapped_column(Integer, default=0)
    exported_seq: Mapped[int] = mapped_column(Integer, default=0)  # own ops up to here are on the target
    ok: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str | None] = mapped_column(Text)


# ----------------------------------------------------------------------------- form scratch (local)
class FormScratch(Base):
    """What a user typed into a form that did not pass validation yet, kept so a crash cannot lose it.

    Local and never synced: half-typed text is not a record, and other devices must not see it. It lives in
    the encrypted database (not in a file beside it) so no personal data ever reaches the disk in clear, and
    it is written in the same transaction as the draft's valid fields. ``raw`` maps a form field to its raw
    input (text, or a list for table fields).
    """

    __tablename__ = "form_scratch"
    record_kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # "visit"
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    user_id: Mapped[str | None] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


SYNCED_MODELS: tuple[type[Synced], ...] = tuple(
    sorted((m.class_ for m in Base.registry.mappers if issubclass(m.class_, Synced)),
           key=lambda cls: cls.apply_order)
)
MODEL_BY_TABLE: dict[str, type[Synced]] = {m.__tablename__: m for m in SYNCED_MODELS}
