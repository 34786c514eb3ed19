"""The audit log (审计日志): who saw, revealed, exported or printed which record, and who signed in, when.

Events are synced (the district keeps a copy no laptop can change) and append-only: nothing in the app edits
or deletes them, and :mod:`app.store.oplog` refuses it. An event names people and records by id only, and
its ``detail`` is a code (a document kind, a field name): never a name or a number, so the log itself holds
no personal data.

Tamper evidence: each device chains its own events. ``hash`` is sha256 of the previous event's hash and this
event's canonical content, so editing an event, or removing one from the middle, breaks the chain, and
:func:`check_chains` (run by ``jiafang check``) reports where.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.domain.codes import UserRole
from app.domain.errors import PermissionDenied, ValidationError
from app.store import oplog
from app.store.guard import raw_cursor
from app.store.models import DISTRICT_SCOPE, AuditEvent, DeviceState, Student, User
from app.store.types import utc_text


class AuditAction(StrEnum):
    VIEWED_STUDENT = "viewed_student"
    REVEALED_FIELD = "revealed_field"
    EXPORTED = "exported"
    PRINTED = "printed"
    SIGNED_IN = "signed_in"
    SIGN_IN_FAILED = "sign_in_failed"
    BACKUP = "backup"
    RESTORE = "restore"
    RECOVERY_KEY_CREATED = "recovery_key_created"
    PASSWORD_RESET = "password_reset"
    #: A share's passphrase and key changed (a lost laptop); ``detail`` lists the revoked devices' ids.
    SHARE_REKEYED = "share_rekeyed"
    #: User management on this laptop: ``target`` is the account's id; ``detail`` the role (a code) where one
    #: was given. Account names stay out of the event (a Chinese name could not pass :func:`_safe` anyway).
    USER_ADDED = "user_added"
    PASSWORD_SET = "password_set"
    PASSWORD_CHANGED = "password_changed"
    USER_DEACTIVATED = "user_deactivated"
    USER_REACTIVATED = "user_reactivated"
    ROLE_CHANGED = "role_changed"


#: Labels for listing the log, in both languages.
ACTION_LABELS: dict[AuditAction, tuple[str, str]] = {
    AuditAction.VIEWED_STUDENT: ("查看学生档案", "viewed a student's file"),
    AuditAction.REVEALED_FIELD: ("显示完整信息", "revealed a field"),
    AuditAction.EXPORTED: ("导出", "exported"),
    AuditAction.PRINTED: ("打印", "printed"),
    AuditAction.SIGNED_IN: ("登录", "signed in"),
    AuditAction.SIGN_IN_FAILED: ("登录失败", "failed to sign in"),
    AuditAction.BACKUP: ("备份", "backup"),
    AuditAction.RESTORE: ("恢复备份", "restore"),
    AuditAction.RECOVERY_KEY_CREATED: ("建立恢复密钥", "created the recovery key"),
    AuditAction.PASSWORD_RESET: ("重设密码", "reset a password"),
    AuditAction.SHARE_REKEYED: ("更换同步口令/撤销设备", "changed the share passphrase / revoked a device"),
    AuditAction.USER_ADDED: ("添加用户", "added a user"),
    AuditAction.PASSWORD_SET: ("为用户设定密码", "set a user's password"),
    AuditAction.PASSWORD_CHANGED: ("修改自己的密码", "changed own password"),
    AuditAction.USER_DEACTIVATED: ("停用用户", "deactivated a user"),
    AuditAction.USER_REACTIVATED: ("重新启用用户", "reactivated a user"),
    AuditAction.ROLE_CHANGED: ("更改用户角色", "changed a user's role"),
}

# Ids, codes and short lists of them: letters, digits and a few separators. A name (Chinese characters) or a
# sentence cannot pass, which keeps personal data out of the log by construction.
_SAFE = re.compile(r"^[A-Za-z0-9_:.,@\-]*$")


def _safe(value: str | None, name: str, limit: int) -> str | None:
    if value is None or value == "":
        return None
    if len(value) > limit or not _SAFE.match(value):
        raise ValidationError(f"审计记录的{name}只能是编号或代码。",
                              f"An audit event's {name} may only hold ids or codes.", field=name)
    return value


def canonical(event: dict[str, Any]) -> str:
    """An event's content as the text its hash covers (every field but the scope and the hashes)."""
    return json.dumps([event["device_id"], event["chain_seq"], event["at"], event["user_id"], event["action"],
                       event["target"], event["detail"]], ensure_ascii=True, separators=(",", ":"))


def chain_hash(prev_hash: str | None, content: str) -> str:
    return hashlib.sha256(((prev_hash or "") + content).encode("utf-8")).hexdigest()


def _scope(session: Session, user_id: str | None) -> str:
    """The school this laptop writes for (a school device may only push its own school's records)."""
    state = session.get(DeviceState, 1)
    if state is not None and state.school_id:
        return state.school_id
    if user_id:
        user = session.get(User, user_id)
        if user is not None and user.school_id:
            return user.school_id
    return DISTRICT_SCOPE


def record_event(session: Session, action: AuditAction | str, *, target: str | None = None,
                 detail: str | None = None, user_id: str | None = None, at: datetime | None = None) -> str:
    """Append one event to this device's chain (in the caller's transaction); returns its id.

    ``user_id`` defaults to the session's signed-in user; ``at`` to now (UTC).
    """
    kind = AuditAction(action)
    target = _safe(target, "target", 64)
    detail = _safe(detail, "detail", 120)
    who = user_id if user_id is not None else session.info.get(oplog.USER_KEY)
    device_id = oplog.writer(session).device_id
    last = session.execute(
        select(AuditEvent.chain_seq, AuditEvent.hash).where(AuditEvent.device_id == device_id)
        .order_by(AuditEvent.chain_seq.desc()).limit(1)).first()
    seq, prev_hash = (1, None) if last is None else (int(last[0]) + 1, str(last[1]))
    event = {"device_id": device_id, "chain_seq": seq, "at": utc_text(at or datetime.now(UTC)), "user_id": who,
             "action": kind.value, "target": target, "detail": detail}
    values = {**event, "prev_hash": prev_hash, "hash": chain_hash(prev_hash, canonical(event)),
              "scope": _scope(session, who)}
    return oplog.create_many(session, AuditEvent, [values])[0]


def rechain(device_id: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events (create-op data, oldest first) moved to a new device id, chained anew from its first link.

    A database copied back over a newer one gives its unpublished ops a new device id
    (``oplog.reissue_after``); its audit events name the old device and continue the old device's chain,
    which the published events of that device continue too. Each keeps its time, user, action, target and
    detail; its device, number and hashes are the new device's, so both chains check out.
    """
    out: list[dict[str, Any]] = []
    prev_hash: str | None = None
    for seq, data in enumerate(events, start=1):
        event = {"device_id": device_id, "chain_seq": seq, "at": data.get("at"), "user_id": data.get("user_id"),
                 "action": data.get("action"), "target": data.get("target"), "detail": data.get("detail")}
        digest = chain_hash(prev_hash, canonical(event))
        out.append({**data, **event, "prev_hash": prev_hash, "hash": digest})
        prev_hash = digest
    return out


def record_student_view(session: Session, student_id: str) -> str:
    """Audit that the signed-in user opened a student's file."""
    return record_event(session, AuditAction.VIEWED_STUDENT, target=student_id)


# ----------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class AuditLine:
    id: str
    at: datetime
    device_id: str
    chain_seq: int
    user_id: str | None
    username: str | None
    action: str
    target: str | None
    detail: str | None
    #: The student's name when the target is a student, the account name when it is a user (admins read
    #: the log; they see names anyway).
    target_name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at": utc_text(self.at), "device": self.device_id, "seq": self.chain_seq,
                "user_id": self.user_id, "user": self.username, "action": self.action, "target": self.target,
                "detail": self.detail}

    def describe(self, lang: str) -> str:
        try:
            zh, en = ACTION_LABELS[AuditAction(self.action)]
        except ValueError:
            zh = en = self.action
        label = zh if lang == "zh" else en
        parts = [utc_text(self.at)[:19].replace("T", " ") + "Z", self.username or self.user_id or "-", label]
        parts += [p for p in (self.target, self.detail) if p]
        return "  ".join(parts)


def require_admin(role: UserRole | str | None) -> None:
    """PermissionDenied unless ``role`` is a school administrator or the district."""
    if role is None or UserRole(role) not in (UserRole.SCHOOL_ADMIN, UserRole.DISTRICT):
        raise PermissionDenied("只有管理员可以进行这项操作。", "Only an administrator may do this.")


def _filtered(query: Any, since: datetime | None, until: datetime | None, action: AuditAction | str | None) -> Any:
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    if action:
        query = query.where(AuditEvent.action == AuditAction(action).value)
    return query


def list_events(session: Session, *, role: UserRole | str | None, since: datetime | None = None,
                limit: int | None = None, until: datetime | None = None, action: AuditAction | str | None = None,
                newest_first: bool = False, offset: int = 0) -> list[AuditLine]:
    """The audit log, oldest first (newest first with ``newest_first``), administrators only: events at or
    after ``since`` and before ``until``, of one ``action`` when given; ``offset``/``limit`` for paging."""
    require_admin(role)
    account = aliased(User)
    query = _filtered(select(AuditEvent, User.username, func.coalesce(Student.name, account.username))
                      .outerjoin(User, User.id == AuditEvent.user_id)
                      .outerjoin(Student, Student.id == AuditEvent.target)
                      .outerjoin(account, account.id == AuditEvent.target), since, until, action)
    order = (AuditEvent.at, AuditEvent.device_id, AuditEvent.chain_seq)
    query = query.order_by(*(column.desc() for column in order) if newest_first else order)
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [AuditLine(e.id, e.at, e.device_id, e.chain_seq, e.user_id, name, e.action, e.target, e.detail,
                      student_name) for e, name, student_name in session.execute(query)]


def count_events(session: Session, *, role: UserRole | str | None, since: datetime | None = None,
                 until: datetime | None = None, action: AuditAction | str | None = None) -> int:
    """How many events :func:`list_events` lists with the same filters (administrators only)."""
    require_admin(role)
    return int(session.scalar(_filtered(select(func.count()).select_from(AuditEvent), since, until, action)) or 0)


# ----------------------------------------------------------------------------- tamper evidence
@dataclass(frozen=True)
class ChainProblem:
    device_id: str
    chain_seq: int
    zh: str
    en: str


def _rows(session: Session) -> Iterator[tuple[Any, ...]]:
    cur = raw_cursor(session)
    cur.execute("SELECT id, device_id, chain_seq, at, user_id, action, target, detail, prev_hash, hash, deleted "
                "FROM audit_event ORDER BY device_id, chain_seq")
    while rows := cur.fetchmany(2000):
        yield from rows


def check_chains(session: Session, *, limit: int = 200) -> list[ChainProblem]:
    """Every place where a device's chain of events is broken: an event whose hash does not match its content,
    a link to a previous event that is not there, a gap in this device's own numbering, a deleted event.

    Other devices' chains may have gaps here (a school laptop only receives its school's events), so only
    consecutive events are linked for them; this device's own chain must be complete.
    """
    problems: list[ChainProblem] = []
    own = oplog.writer(session).device_id
    previous: tuple[Any, ...] | None = None
    for row in _rows(session):
        event_id, device_id, seq, at, user_id, action, target, detail, prev_hash, stored_hash, deleted = row
        content = canonical({"device_id": device_id, "chain_seq": seq, "at": at, "user_id": user_id,
                             "action": action, "target": target, "detail": detail})
        where_zh, where_en = f"设备 {device_id} 的第 {seq} 条审计记录", f"audit event {seq} of device {device_id}"
        if chain_hash(prev_hash, content) != stored_hash:
            problems.append(ChainProblem(device_id, seq, f"{where_zh}内容与校验值不符（被改动过）。",
                                         f"The content of {where_en} does not match its hash (it was changed)."))
        if deleted:
            problems.append(ChainProblem(device_id, seq, f"{where_zh}被标为删除。",
                                         f"{where_en} is marked deleted."))
        same_device = previous is not None and previous[1] == device_id
        expected = previous[2] + 1 if same_device and previous is not None else 1
        if same_device and previous is not None and previous[2] == seq:
            problems.append(ChainProblem(device_id, seq, f"{where_zh}重复出现。", f"{where_en} appears twice."))
        elif seq == expected:
            link = previous[9] if same_device and previous is not None else None
            if prev_hash != link:
                problems.append(ChainProblem(device_id, seq, f"{where_zh}与前一条记录的链接断开。",
                                             f"{where_en} does not link to the event before it."))
        elif device_id == own and seq != expected:
            problems.append(ChainProblem(device_id, seq, f"{where_zh}之前缺少记录（链条中断）。",
                                         f"Events are missing before {where_en} (the chain is broken)."))
        previous = row
        if len(problems) >= limit:
            break
    return problems
