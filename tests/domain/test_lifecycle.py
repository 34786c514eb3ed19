"""The dropout case lifecycle and the rules for closing a case."""

from __future__ import annotations

import itertools

import pytest

from app.domain.codes import CaseOutcome, ReturnMode
from app.domain.errors import LifecycleError, ValidationError
from app.domain.lifecycle import (
    MIN_FOLLOW_UPS_TO_CLOSE,
    TRANSITIONS,
    CaseAction,
    CaseStatus,
    allowed_actions,
    check_can_close,
    check_outcome,
    next_status,
)

ALL_PAIRS = list(itertools.product(CaseStatus, CaseAction))
FORBIDDEN = [(s, a) for s, a in ALL_PAIRS if a not in TRANSITIONS[s]]
ALLOWED = [(s, a) for s, a in ALL_PAIRS if a in TRANSITIONS[s]]


def test_the_table_is_the_agreed_one() -> None:
    assert {s: dict(moves) for s, moves in TRANSITIONS.items()} == {
        CaseStatus.OPEN: {
            CaseAction.RECORD_ATTEMPT: CaseStatus.PERSUADING,
            CaseAction.RECORD_OUTCOME: CaseStatus.RESOLVED,
        },
        CaseStatus.PERSUADING: {
            CaseAction.RECORD_ATTEMPT: CaseStatus.PERSUADING,
            CaseAction.RECORD_OUTCOME: CaseStatus.RESOLVED,
        },
        CaseStatus.RESOLVED: {
            CaseAction.RECORD_FOLLOW_UP: CaseStatus.RESOLVED,
            CaseAction.VERIFY_PLACEMENT: CaseStatus.RESOLVED,
            CaseAction.RELAPSE: CaseStatus.PERSUADING,
            CaseAction.CLOSE: CaseStatus.CLOSED,
        },
        CaseStatus.CLOSED: {},
    }


def test_the_table_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        TRANSITIONS[CaseStatus.CLOSED][CaseAction.RELAPSE] = CaseStatus.PERSUADING  # type: ignore[index]


def test_status_and_action_labels() -> None:
    assert (CaseStatus.RESOLVED.zh, CaseStatus.RESOLVED.en) == (
        "已处置（巩固跟踪）",
        "Resolved (following up)",
    )
    assert CaseStatus.parse("已销号") is CaseStatus.CLOSED
    assert CaseStatus.parse("已处置(巩固跟踪)") is CaseStatus.RESOLVED
    assert CaseAction.parse("销号") is CaseAction.CLOSE
    assert CaseAction("verify") is CaseAction.VERIFY_PLACEMENT


@pytest.mark.parametrize(("status", "action"), ALLOWED)
def test_allowed_moves_follow_the_table(status: CaseStatus, action: CaseAction) -> None:
    assert next_status(status, action) is TRANSITIONS[status][action]
    assert action in allowed_actions(status)


@pytest.mark.parametrize(("status", "action"), FORBIDDEN)
def test_every_move_not_in_the_table_is_refused(status: CaseStatus, action: CaseAction) -> None:
    with pytest.raises(LifecycleError) as caught:
        next_status(status, action)
    assert caught.value.zh.startswith(f"个案当前为「{status.zh}」，不能「{action.zh}」")
    assert status.en in caught.value.en and action.en in caught.value.en
    assert action not in allowed_actions(status)


def test_forbidden_message_on_a_closed_case() -> None:
    with pytest.raises(LifecycleError) as caught:
        next_status(CaseStatus.CLOSED, CaseAction.RECORD_ATTEMPT)
    assert caught.value.zh.startswith("个案当前为「已销号」，不能「记录劝返」")
    assert "新建个案" in caught.value.zh


def test_allowed_actions_in_table_order() -> None:
    assert allowed_actions(CaseStatus.OPEN) == [CaseAction.RECORD_ATTEMPT, CaseAction.RECORD_OUTCOME]
    assert allowed_actions(CaseStatus.CLOSED) == []


def test_a_typical_case_from_open_to_closed() -> None:
    status = CaseStatus.OPEN
    for action in (
        CaseAction.RECORD_ATTEMPT,
        CaseAction.RECORD_ATTEMPT,
        CaseAction.RECORD_OUTCOME,
        CaseAction.RECORD_FOLLOW_UP,
        CaseAction.RELAPSE,
        CaseAction.RECORD_ATTEMPT,
        CaseAction.RECORD_OUTCOME,
        CaseAction.VERIFY_PLACEMENT,
        CaseAction.RECORD_FOLLOW_UP,
        CaseAction.CLOSE,
    ):
        status = next_status(status, action)
    assert status is CaseStatus.CLOSED


def test_every_case_can_reach_closed_and_closed_is_final() -> None:
    def reachable(start: CaseStatus) -> set[CaseStatus]:
        seen, todo = {start}, [start]
        while todo:
            for after in TRANSITIONS[todo.pop()].values():
                if after not in seen:
                    seen.add(after)
                    todo.append(after)
        return seen

    assert reachable(CaseStatus.OPEN) == set(CaseStatus)
    for status in CaseStatus:
        assert CaseStatus.CLOSED in reachable(status)
    assert reachable(CaseStatus.CLOSED) == {CaseStatus.CLOSED}


# --- closing ------------------------------------------------------------------------------------------


def test_cannot_close_without_an_outcome() -> None:
    with pytest.raises(LifecycleError) as caught:
        check_can_close(None, follow_ups=3, placement_verified=True)
    assert "处置结果" in caught.value.zh


@pytest.mark.parametrize("outcome", [o for o in CaseOutcome if o.is_return])
def test_returns_need_a_follow_up_before_closing(outcome: CaseOutcome) -> None:
    with pytest.raises(LifecycleError) as caught:
        check_can_close(outcome, follow_ups=MIN_FOLLOW_UPS_TO_CLOSE - 1, placement_verified=True)
    assert "巩固回访" in caught.value.zh and outcome.zh in caught.value.zh
    check_can_close(outcome, follow_ups=MIN_FOLLOW_UPS_TO_CLOSE, placement_verified=True)


def test_vocational_placement_must_be_verified() -> None:
    with pytest.raises(LifecycleError) as caught:
        check_can_close(CaseOutcome.VOCATIONAL, follow_ups=2, placement_verified=False)
    assert "核实" in caught.value.zh
    check_can_close(CaseOutcome.VOCATIONAL, follow_ups=1, placement_verified=True)


def test_other_returns_do_not_need_verification() -> None:
    check_can_close(CaseOutcome.RETURNED, follow_ups=1, placement_verified=False)


@pytest.mark.parametrize("outcome", [o for o in CaseOutcome if not o.is_return])
def test_non_return_outcomes_close_at_once(outcome: CaseOutcome) -> None:
    check_can_close(outcome, follow_ups=0, placement_verified=False)


# --- outcome details ----------------------------------------------------------------------------------


def test_returned_needs_a_return_mode() -> None:
    with pytest.raises(ValidationError) as caught:
        check_outcome(CaseOutcome.RETURNED, return_mode=None, placement=None)
    assert caught.value.field == "return_mode"
    assert "随班" in caught.value.zh
    for mode in ReturnMode:
        check_outcome(CaseOutcome.RETURNED, return_mode=mode, placement=None)


@pytest.mark.parametrize("outcome", [o for o in CaseOutcome if o is not CaseOutcome.RETURNED])
def test_only_returned_takes_a_return_mode(outcome: CaseOutcome) -> None:
    with pytest.raises(ValidationError) as caught:
        check_outcome(outcome, return_mode=ReturnMode.REGULAR_CLASS, placement="某某学校")
    assert caught.value.field == "return_mode"


@pytest.mark.parametrize(
    "outcome", [CaseOutcome.VOCATIONAL, CaseOutcome.SPECIAL_SCHOOL, CaseOutcome.TRANSFERRED]
)
@pytest.mark.parametrize("placement", [None, "", "   "])
def test_placements_need_the_school_name(outcome: CaseOutcome, placement: str | None) -> None:
    with pytest.raises(ValidationError) as caught:
        check_outcome(outcome, return_mode=None, placement=placement)
    assert caught.value.field == "placement"
    assert outcome.zh in caught.value.zh
    check_outcome(outcome, return_mode=None, placement="南宁市第一职业技术学校")


@pytest.mark.parametrize(
    "outcome",
    [
        CaseOutcome.MAINSTREAM_WITH_DISABILITY,
        CaseOutcome.HOME_TEACHING,
        CaseOutcome.DEFERRED,
        CaseOutcome.ABROAD,
        CaseOutcome.OVER_AGE,
        CaseOutcome.DATA_ERROR,
        CaseOutcome.DECEASED,
    ],
)
def test_other_outcomes_need_no_details(outcome: CaseOutcome) -> None:
    check_outcome(outcome, return_mode=None, placement=None)
