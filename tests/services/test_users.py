"""People who sign in: an administrator adds users, each with a key slot that opens the data with their password."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.config import KEYSLOT_FILE
from app.domain.codes import UserRole
from app.domain.errors import PermissionDenied, ValidationError
from app.services import users
from app.store.db import Database, open_folder
from app.store.keys import WrongPassword
from app.store.models import School, User
from tests.conftest import PASSWORD


def state(database: Database) -> tuple[list[tuple[str, str, str, str | None, bool]], str]:
    """The users table and the key file: what a refused add_user must leave alone."""
    with database.read() as session:
        rows = [(u.username, u.display_name, u.role, u.school_id, u.active)
                for u in session.scalars(select(User).order_by(User.username))]
    return rows, (database.data_dir / KEYSLOT_FILE).read_text(encoding="utf-8")


@pytest.fixture
def opened() -> Iterator[list[Database]]:
    """Databases a test opens as other users, closed at the end."""
    found: list[Database] = []
    yield found
    for db in found:
        db.close()


def sign_in(opened: list[Database], data_dir: Path, username: str | None, password: str) -> Database:
    db = open_folder(data_dir, username, password)
    opened.append(db)
    return db


def test_add_user_stores_the_user_and_the_password_opens_the_data(database: Database, school: School,
                                                                    opened: list[Database]) -> None:
    user = users.add_user(database, username=" huanglaoshi ", password="teach-2026", role="教师",
                          display_name="黄老师", school_id=school.id)
    assert (user.username, user.display_name, user.role, user.school_id, user.active) == (
        "huanglaoshi", "黄老师", "teacher", school.id, True)
    with database.read() as session:
        stored = session.get(User, user.id)
        assert stored is not None
        assert (stored.username, stored.display_name, stored.role, stored.school_id, stored.key_slot_id) == (
            "huanglaoshi", "黄老师", "teacher", school.id, user.key_slot_id)
    # The new password opens the same data, signed in as the new user; the admin's password still works.
    teacher = sign_in(opened, database.data_dir, "huanglaoshi", "teach-2026")
    assert teacher.user is not None
    assert (teacher.user.id, teacher.user.role, teacher.user.school_id) == (user.id, UserRole.TEACHER, school.id)
    assert teacher.data_key == database.data_key
    with teacher.read() as session:
        assert session.get(School, school.id) is not None
    admin = sign_in(opened, database.data_dir, "admin", PASSWORD)
    assert admin.user is not None and admin.user.username == "admin"
    with pytest.raises(WrongPassword):
        open_folder(database.data_dir, "huanglaoshi", PASSWORD)


def test_display_name_defaults_to_the_user_name(database: Database) -> None:
    user = users.add_user(database, username="韦𰻝", password="zhuang-name-1", role=UserRole.SCHOOL_ADMIN)
    with database.read() as session:
        stored = session.get(User, user.id)
        assert stored is not None and (stored.username, stored.display_name, stored.role) == (
            "韦𰻝", "韦𰻝", "school_admin")


@pytest.mark.parametrize(("password", "phrase"), [("abc12", "密码至少需要 6 个字符"),
                                                  ("aaaaaaaa", "密码不能全是同一个字符")])
def test_weak_passwords_are_refused(database: Database, password: str, phrase: str) -> None:
    before = state(database)
    with pytest.raises(ValidationError) as err:
        users.add_user(database, username="huanglaoshi", password=password, role="teacher")
    assert err.value.field == "password" and phrase in err.value.zh
    assert state(database) == before


@pytest.mark.parametrize("username", ["admin", " admin "])
def test_a_taken_user_name_is_refused(database: Database, username: str) -> None:
    before = state(database)
    with pytest.raises(ValidationError) as err:
        users.add_user(database, username=username, password="another-pass-1", role="teacher")
    assert err.value.field == "username" and "用户名“admin”已存在" in err.value.zh
    assert state(database) == before


def test_a_user_name_differing_only_in_case_is_refused(database: Database) -> None:
    # Key slots are found by the case-folded name, so "ADMIN" shares admin's label: with the same password,
    # signing in as "ADMIN" opens admin's slot and signs in as the administrator.
    with pytest.raises(ValidationError):
        users.add_user(database, username="ADMIN", password="another-pass-1", role="teacher")


@pytest.mark.parametrize("username", ["", "   ", "u" * 41])
def test_user_name_length_is_checked(database: Database, username: str) -> None:
    before = state(database)
    with pytest.raises(ValidationError) as err:
        users.add_user(database, username=username, password="another-pass-1", role="teacher")
    assert err.value.field == "username" and "用户名应为 1–40 个字符" in err.value.zh
    assert state(database) == before


def test_unknown_role_is_refused(database: Database) -> None:
    before = state(database)
    with pytest.raises(ValidationError) as err:
        users.add_user(database, username="huanglaoshi", password="another-pass-1", role="校长")
    assert "用户角色" in err.value.zh and "校长" in err.value.zh
    assert state(database) == before


def test_a_teacher_cannot_add_users(database: Database, opened: list[Database]) -> None:
    users.add_user(database, username="huanglaoshi", password="teach-2026", role="teacher")
    teacher = sign_in(opened, database.data_dir, "huanglaoshi", "teach-2026")
    before = state(database)
    with pytest.raises(PermissionDenied) as err:
        users.add_user(teacher, username="qinlaoshi", password="teach-2027", role="teacher")
    assert "只有管理员可以添加用户" in err.value.zh
    assert state(database) == before
    with pytest.raises(WrongPassword):
        open_folder(database.data_dir, "qinlaoshi", "teach-2027")


def test_nobody_signed_in_cannot_add_users(database: Database) -> None:
    before = state(database)
    anonymous = Database(database.data_dir, database.data_key)
    try:
        with pytest.raises(PermissionDenied):
            users.add_user(anonymous, username="qinlaoshi", password="teach-2027", role="teacher")
    finally:
        anonymous.close()
    assert state(database) == before


def test_a_district_user_may_add_users(database: Database, opened: list[Database]) -> None:
    users.add_user(database, username="district", password="bureau-2026", role="区教育局")
    bureau = sign_in(opened, database.data_dir, "district", "bureau-2026")
    added = users.add_user(bureau, username="qinlaoshi", password="teach-2027", role="teacher")
    assert sign_in(opened, database.data_dir, "qinlaoshi", "teach-2027").user.id == added.id  # type: ignore[union-attr]
