"""The life of a dropout case (一人一案): one table of allowed moves, and the rules for ending a case.

A case opens when a child is found out of school, moves to persuading with the first attempt, is resolved
when an outcome is recorded (and, for children back in education, followed up so they stay), and is
closed (销号) only when the ledgers may count it done. A closed case is never reopened: a child who drops
out again gets a new case, so each case's history stays the history of one episode.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import nonmember
from types import MappingProxyType

from app.domain.codes import CaseOutcome, Code, ReturnMode
from app.domain.errors import LifecycleError, ValidationError

MIN_FOLLOW_UPS_TO_CLOSE = 1


class CaseStatus(Code):
    TABLE = nonmember(("个案状态", "Case status"))
    OPEN = ("open", "待劝返", "Open")
    PERSUADING = ("persuading", "劝返中", "Persuading")
    RESOLVED = ("resolved", "已处置（巩固跟踪）", "Resolved (following up)")
    CLOSED = ("closed", "已销号", "Closed")
    ALIASES = nonmember({"已处置": "resolved", "Resolved": "resolved", "销号": "closed"})


class CaseAction(Code):
    TABLE = nonmember(("个案操作", "Case action"))
    RECORD_ATTEMPT = ("attempt", "记录劝返", "Record persuasion attempt")
    RECORD_OUTCOME = ("outcome", "记录结果", "Record outcome")
    RECORD_FOLLOW_UP = ("follow_up", "巩固回访", "Record retention follow-up")
    RELAPSE = ("relapse", "复辍", "Dropped out again")
    CLOSE = ("close", "销号", "Close case")
    VERIFY_PLACEMENT = ("verify", "核实安置", "Verify placement")


#: An open case (未结个案): every status but closed (销号). A resolved case stays open while the retention
#: follow-ups go on; the start page, the ledgers, the warnings and the district dashboard all count these.
OPEN_CASE_STATUSES: frozenset[CaseStatus] = frozenset(
    {CaseStatus.OPEN, CaseStatus.PERSUADING, CaseStatus.RESOLVED})
#: A case whose child is not back yet: waiting for or under persuasion (待劝返、劝返中).
NOT_BACK_STATUSES: frozenset[CaseStatus] = frozenset({CaseStatus.OPEN, CaseStatus.PERSUADING})


def is_open_case(status: str) -> bool:
    """Whether a case of this stored status is open (see OPEN_CASE_STATUSES)."""
    return status in _OPEN_VALUES


def open_case_values() -> list[str]:
    """The stored values of OPEN_CASE_STATUSES, sorted, for a query's IN list."""
    return sorted(_OPEN_VALUES)


def not_back_values() -> list[str]:
    return sorted(s.value for s in NOT_BACK_STATUSES)


_OPEN_VALUES = frozenset(s.value for s in OPEN_CASE_STATUSES)


TRANSITIONS: Mapping[CaseStatus, Mapping[CaseAction, CaseStatus]] = MappingProxyType(
    {
        CaseStatus.OPEN: MappingProxyType(
            {
                CaseAction.RECORD_ATTEMPT: CaseStatus.PERSUADING,
                # A child may come back on their own (or be found to be a data error) before any attempt.
                CaseAction.RECORD_OUTCOME: CaseStatus.RESOLVED,
            }
        ),
        CaseStatus.PERSUADING: MappingProxyType(
            {
                CaseAction.RECORD_ATTEMPT: CaseStatus.PERSUADING,
                CaseAction.RECORD_OUTCOME: CaseStatus.RESOLVED,
            }
        ),
        CaseStatus.RESOLVED: MappingProxyType(
            {
                CaseAction.RECORD_FOLLOW_UP: CaseStatus.RESOLVED,
                CaseAction.VERIFY_PLACEMENT: CaseStatus.RESOLVED,
                # Leaving again while still followed up is the same episode: persuasion resumes.
                CaseAction.RELAPSE: CaseStatus.PERSUADING,
                CaseAction.CLOSE: CaseStatus.CLOSED,
            }
        ),
        CaseStatus.CLOSED: MappingProxyType({}),
    }
)


def allowed_actions(status: CaseStatus) -> list[CaseAction]:
    """The actions a case in ``status`` allows, in the order the table lists them."""
    return list(TRANSITIONS[status])


def next_status(status: CaseStatus, action: CaseAction) -> CaseStatus:
    """The status after ``action``; LifecycleError when the action is not allowed in ``status``."""
    after = TRANSITIONS[status].get(action)
    if after is not None:
        return after
    zh = f"个案当前为「{status.zh}」，不能「{action.zh}」"
    en = f'The case is "{status.en}"; "{action.en}" is not allowed'
    if status is CaseStatus.CLOSED:
        zh += "（再次辍学请新建个案）"
        en += " (if the child dropped out again, open a new case)"
    raise LifecycleError(zh, en, field="action")


def check_can_close(outcome: CaseOutcome | None, *, follow_ups: int, placement_verified: bool) -> None:
    """Raise LifecycleError unless a resolved case may be closed (销号).

    A child back in education is closed only after a retention follow-up shows they stayed, and a
    vocational placement only once verified, because counting a child as returned who never arrived is
    the fake return the campaigns warn about. Outcomes that take the child out of this district's
    compulsory education (transfer, abroad, over age, data error, death) close at once.
    """
    if outcome is None:
        raise LifecycleError(
            "还没有记录处置结果，不能销号",
            "No outcome has been recorded yet, so the case cannot be closed",
            field="outcome",
        )
    if outcome.is_return and follow_ups < MIN_FOLLOW_UPS_TO_CLOSE:
        raise LifecycleError(
            f"「{outcome.zh}」需要至少 {MIN_FOLLOW_UPS_TO_CLOSE} 次巩固回访才能销号，目前 {follow_ups} 次",
            f'"{outcome.en}" needs at least {MIN_FOLLOW_UPS_TO_CLOSE} retention follow-up before closing; '
            f"it has {follow_ups}",
            field="follow_ups",
        )
    if outcome.needs_verification and not placement_verified:
        raise LifecycleError(
            f"「{outcome.zh}」需要先核实安置（确认学生已在校就读）才能销号",
            f'"{outcome.en}" must have its placement verified (the student really attends) '
            "before the case is closed",
            field="placement_verified",
        )


_NEEDS_PLACEMENT = frozenset({CaseOutcome.VOCATIONAL, CaseOutcome.SPECIAL_SCHOOL, CaseOutcome.TRANSFERRED})


def check_outcome(outcome: CaseOutcome, *, return_mode: ReturnMode | None, placement: str | None) -> None:
    """Raise ValidationError unless the details recorded with ``outcome`` fit it.

    A return needs the way the child rejoined; a placement elsewhere needs the receiving school's name,
    so the follow-up and the verification know where to look.
    """
    if outcome is CaseOutcome.RETURNED and return_mode is None:
        modes = "、".join(mode.zh for mode in ReturnMode)
        raise ValidationError(
            f"「{outcome.zh}」需要选择返校方式（{modes}）",
            f'"{outcome.en}" needs the way the child rejoined ({", ".join(mode.en for mode in ReturnMode)})',
            field="return_mode",
        )
    if outcome is not CaseOutcome.RETURNED and return_mode is not None:
        raise ValidationError(
            f"只有「{CaseOutcome.RETURNED.zh}」才填写返校方式，「{outcome.zh}」不用填",
            f'Only "{CaseOutcome.RETURNED.en}" takes a return mode, "{outcome.en}" does not',
            field="return_mode",
        )
    if outcome in _NEEDS_PLACEMENT and not (placement or "").strip():
        raise ValidationError(
            f"「{outcome.zh}」需要填写接收学校的名称",
            f'"{outcome.en}" needs the name of the receiving school',
            field="placement",
        )
