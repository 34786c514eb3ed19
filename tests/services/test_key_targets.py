"""重点监测对象: flagging a student with risk reasons, updating and clearing the flag."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.domain.codes import DropoutReason
from app.domain.errors import NotFoundError, ValidationError
from app.services import campaigns, key_targets
from app.store import oplog
from app.store.db import Database
from app.store.models import KeyTarget, Student
from tests.services.support import unchanged


def all_flags(database: Database) -> list[tuple[list[str], bool, str | None]]:
    with database.read() as session:
        return [(k.risk_reasons, k.active, k.notes) for k in session.scalars(select(KeyTarget).order_by(KeyTarget.id))]


def test_flag_stores_reasons_campaign_and_date(database: Database, student: Student) -> None:
    with database.write() as session:
        campaign_id = campaigns.create_campaign(session, "winter_visits", 2026, starts_on="2026-01-10",
                                                ends_on="2026-02-20").id
        flag_id = key_targets.flag_key_target(session, student.id, ["厌学", DropoutReason.FAMILY_HARDSHIP, "learning"],
                                              campaign_id=campaign_id, flagged_on="2026-01-16",
                                              notes=" 父母外出务工 ").id
    with database.read() as session:
        flag = session.get(KeyTarget, flag_id)
        assert flag is not None
        assert (flag.student_id, flag.scope, flag.campaign_id, flag.flagged_on) == (
            student.id, student.school_id, campaign_id, date(2026, 1, 16))
        assert (flag.risk_reasons, flag.notes, flag.active) == (["hardship", "learning"], "父母外出务工", True)
        assert key_targets.active_flag(session, student.id).id == flag_id  # type: ignore[union-attr]
        assert oplog.compare_with_log(session) == []


def test_flagging_again_updates_the_active_flag(database: Database, student: Student) -> None:
    with database.write() as session:
        first = key_targets.flag_key_target(session, student.id, ["work"], flagged_on=date(2026, 1, 16)).id
    with database.write() as session:
        second = key_targets.flag_key_target(session, student.id, ["marriage", "work"], notes="有早婚迹象").id
    assert first == second
    assert all_flags(database) == [(["marriage", "work"], True, "有早婚迹象")]


def test_clear_then_flag_again_makes_a_new_flag(database: Database, student: Student) -> None:
    with database.write() as session:
        key_targets.flag_key_target(session, student.id, ["work"], flagged_on=date(2026, 1, 16))
    with database.write() as session:
        key_targets.clear_key_target(session, student.id)
    with database.read() as session:
        assert key_targets.active_flag(session, student.id) is None
    assert all_flags(database) == [(["work"], False, None)]
    with database.write() as session:
        key_targets.flag_key_target(session, student.id, ["illness"], flagged_on=date(2026, 3, 1))
    assert all_flags(database) == [(["work"], False, None), (["illness"], True, None)]


def test_clearing_a_student_who_is_not_flagged_is_refused(database: Database, student: Student) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        key_targets.clear_key_target(session, student.id)
    assert "不是重点监测对象" in err.value.zh


def test_no_reasons_or_unknown_reason_is_refused(database: Database, student: Student) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        key_targets.flag_key_target(session, student.id, [], flagged_on="2026-01-16")
    assert err.value.field == "risk_reasons" and "至少选择一个风险原因" in err.value.zh
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        key_targets.flag_key_target(session, student.id, ["懒惰"], flagged_on="2026-01-16")
    assert "辍学原因" in err.value.zh and "懒惰" in err.value.zh


def test_unknown_student_or_campaign_is_refused(database: Database, student: Student) -> None:
    with unchanged(database), pytest.raises(NotFoundError) as err, database.write() as session:
        key_targets.flag_key_target(session, "nobody", ["work"], flagged_on="2026-01-16")
    assert "找不到学生" in err.value.zh
    with unchanged(database), pytest.raises(NotFoundError) as err, database.write() as session:
        key_targets.flag_key_target(session, student.id, ["work"], campaign_id="no-campaign",
                                    flagged_on="2026-01-16")
    assert "找不到专项活动" in err.value.zh


def test_bad_flag_date_is_refused(database: Database, student: Student) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        key_targets.flag_key_target(session, student.id, ["work"], flagged_on="2026/01/16")
    assert err.value.field == "flagged_on" and "认定日期" in err.value.zh


def test_a_flag_date_in_the_future_is_refused(database: Database, student: Student) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        key_targets.flag_key_target(session, student.id, ["work"], flagged_on="2099-01-16")
    assert err.value.field == "flagged_on"
