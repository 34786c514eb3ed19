"""Places and schools: townships, villages, hamlets and schools, and what each refuses."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.domain.codes import SchoolType
from app.domain.errors import NotFoundError, ValidationError
from app.services import places
from app.store import oplog
from app.store.db import Database
from app.store.models import DISTRICT_SCOPE, Hamlet, Op, School, Township, Village
from tests.services.support import unchanged


def test_township_village_hamlet_are_stored_under_the_district_scope(database: Database) -> None:
    with database.write() as session:
        township_id = places.add_township(session, code=" 450107009 ", name=" 石埠街道 ").id
        village_id = places.add_village(session, township_id=township_id, name="石埠村", code="450107009201").id
        hamlet_id = places.add_hamlet(session, village_id=village_id, name="那告屯").id

    with database.read() as session:
        township = session.get(Township, township_id)
        village = session.get(Village, village_id)
        hamlet = session.get(Hamlet, hamlet_id)
        assert township is not None and village is not None and hamlet is not None
        assert (township.code, township.name, township.kind, township.scope) == (
            "450107009", "石埠街道", "street", DISTRICT_SCOPE)
        assert (village.township_id, village.name, village.code, village.kind, village.scope) == (
            township_id, "石埠村", "450107009201", "village", DISTRICT_SCOPE)
        assert (hamlet.village_id, hamlet.name, hamlet.scope) == (village_id, "那告屯", DISTRICT_SCOPE)
        # Each create is one op in the log, and the tables are what the log rebuilds.
        assert session.scalar(select(func.count()).select_from(Op)) == 3
        assert oplog.compare_with_log(session) == []


def test_town_kind_and_community_kind_are_kept(database: Database) -> None:
    with database.write() as session:
        township_id = places.add_township(session, code="450107100", name="金陵镇", kind="town").id
        village_id = places.add_village(session, township_id=township_id, name="金陵社区", kind="community").id
    with database.read() as session:
        assert session.get(Township, township_id).kind == "town"  # type: ignore[union-attr]
        village = session.get(Village, village_id)
        assert village is not None and village.kind == "community" and village.code is None


def test_school_is_its_own_scope_and_keeps_its_fields(database: Database) -> None:
    with database.write() as session:
        township_id = places.add_township(session, code="450107009", name="石埠街道").id
        village_id = places.add_village(session, township_id=township_id, name="石埠村").id
        school_id = places.add_school(
            session, name=" 石埠中学 ", school_type="初中", code="2145000002", township_id=township_id,
            village_id=village_id, address="石埠路 1 号", phone="0771-3456789").id
    with database.read() as session:
        school = session.get(School, school_id)
        assert school is not None
        assert school.scope == school.id == school_id
        assert (school.name, school.school_type, school.code, school.township_id, school.village_id) == (
            "石埠中学", SchoolType.JUNIOR.value, "2145000002", township_id, village_id)
        assert (school.address, school.phone) == ("石埠路 1 号", "0771-3456789")


def test_school_blank_optional_fields_are_stored_as_none(database: Database) -> None:
    with database.write() as session:
        school_id = places.add_school(session, name="那告教学点", school_type=SchoolType.TEACHING_POINT,
                                      code="  ", address="", phone=None).id
    with database.read() as session:
        school = session.get(School, school_id)
        assert school is not None
        assert (school.code, school.address, school.phone, school.township_id) == (None, None, None, None)
        assert school.school_type == "teaching_point"


@pytest.mark.parametrize("code", ["45010700", "4501070011", "45010700A", ""])
def test_township_code_must_be_nine_digits(database: Database, code: str) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        places.add_township(session, code=code, name="石埠街道")
    assert "9 位数字" in err.value.zh
    assert err.value.field == "code"


def test_township_name_is_required_and_limited(database: Database) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        places.add_township(session, code="450107009", name="   ")
    assert "请填写名称" in err.value.zh and err.value.field == "name"
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        places.add_township(session, code="450107009", name="街" * 61)
    assert "太长" in err.value.zh and err.value.field == "name"


def test_village_under_an_unknown_township_is_refused(database: Database) -> None:
    with unchanged(database), pytest.raises(NotFoundError) as err, database.write() as session:
        places.add_village(session, township_id="no-such-township", name="石埠村")
    assert "找不到镇/街道" in err.value.zh and "no-such-township" in err.value.zh


def test_hamlet_under_an_unknown_village_is_refused(database: Database) -> None:
    with unchanged(database), pytest.raises(NotFoundError) as err, database.write() as session:
        places.add_hamlet(session, village_id="missing", name="那告屯")
    assert "找不到村/社区" in err.value.zh


def test_hamlet_name_is_required(database: Database) -> None:
    with database.write() as session:
        township_id = places.add_township(session, code="450107009", name="石埠街道").id
        village_id = places.add_village(session, township_id=township_id, name="石埠村").id
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        places.add_hamlet(session, village_id=village_id, name="")
    assert err.value.field == "name" and "请填写名称" in err.value.zh


def test_school_with_unknown_type_township_or_village_is_refused(database: Database) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        places.add_school(session, name="石埠小学", school_type="大学")
    assert "学校类型" in err.value.zh and "大学" in err.value.zh
    with unchanged(database), pytest.raises(NotFoundError) as err2, database.write() as session:
        places.add_school(session, name="石埠小学", school_type="primary", township_id="nowhere")
    assert "找不到镇/街道" in err2.value.zh
    with unchanged(database), pytest.raises(NotFoundError) as err3, database.write() as session:
        places.add_school(session, name="石埠小学", school_type="primary", village_id="nowhere")
    assert "找不到村/社区" in err3.value.zh


def test_school_name_and_phone_limits(database: Database) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        places.add_school(session, name="", school_type="primary")
    assert err.value.field == "name" and "学校名称" in err.value.zh
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        places.add_school(session, name="石埠小学", school_type="primary", phone="0" * 21)
    assert err.value.field == "phone" and "太长" in err.value.zh


def test_a_deleted_township_cannot_take_new_villages(database: Database) -> None:
    with database.write() as session:
        township = places.add_township(session, code="450107009", name="石埠街道")
        township_id = township.id
        oplog.delete(session, township)
    with unchanged(database), pytest.raises(NotFoundError) as err, database.write() as session:
        places.add_village(session, township_id=township_id, name="石埠村")
    assert "可能已被删除" in err.value.zh
