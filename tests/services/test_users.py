"""People who sign in: an administrator adds users, each with a key slot that opens the data with their password,
sets their passwords, deactivates and reactivates them and changes their roles; anyone changes their own password."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.config import KEYSLOT_FILE
from app.domain.codes import UserRole
from app.domain.errors import LifecycleError, NotFoundError, PermissionDenied, ValidationError
from app.services import users
from app.services.audit import list_events
from app.services.signin import SignInAttempts
from app.services.signin import sign_in as signin_service
from app.store.db import Database, open_folder
from app.store.keys import KeyRing, WrongPassword
from app.store.models import Op, School, User
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


# ----------------------------------------------------------------------------- managing users


def events(database: Database) -> list[tuple[str, str | None, str | None]]:
    with database.read() as session:
        return [(e.action, e.target, e.detail) for e in list_events(session, role=UserRole.DISTRICT)
                if e.action not in ("signed_in", "sign_in_failed")]


def op_tables(database: Database) -> set[str]:
    with database.read() as session:
        return set(session.scalars(select(Op.tbl).distinct()))


def test_adding_a_user_is_audited_by_id_and_role_only(database: Database, school: School) -> None:
    user = users.add_user(database, username="韦𰻝", password="teach-2026", role="teacher", school_id=school.id)
    assert events(database) == [("user_added", user.id, "teacher")]
    # The account lives on this laptop only: the one op besides the school's is the audit event.
    assert op_tables(database) == {"school", "audit_event"}


def test_a_teacher_gets_the_laptops_only_school_by_default(database: Database, school: School) -> None:
    user = users.add_user(database, username="huanglaoshi", password="teach-2026", role="teacher")
    district = users.add_user(database, username="bureau", password="bureau-2026", role="district")
    assert (user.school_id, district.school_id) == (school.id, None)


def test_an_unknown_school_is_refused(database: Database) -> None:
    before = state(database)
    with pytest.raises(NotFoundError) as err:
        users.add_user(database, username="huanglaoshi", password="teach-2026", role="teacher",
                       school_id="no-such-school")
    assert err.value.field == "school"
    assert state(database) == before


def test_resolve_school_by_id_code_or_part_of_the_name(database: Database, school: School) -> None:
    with database.read() as session:
        assert users.resolve_school(session, school.id) == school.id
        assert users.resolve_school(session, "2145000001") == school.id
        assert users.resolve_school(session, "石埠") == school.id
        with pytest.raises(NotFoundError):
            users.resolve_school(session, "江南小学")


def test_list_users_shows_accounts_and_their_last_sign_in(database: Database, school: School,
                                                          opened: list[Database]) -> None:
    users.add_user(database, username="huanglaoshi", password="teach-2026", role="teacher",
                   display_name="黄老师", school_id=school.id)
    users.add_user(database, username="qinlaoshi", password="teach-2027", role="teacher")
    users.deactivate_user(database, "qinlaoshi")
    opened.append(signin_service(database.data_dir, "huanglaoshi", "teach-2026"))
    with database.read() as session:
        listed = users.list_users(session)
        assert users.count_users(session) == 3
        assert [u.username for u in users.list_users(session, offset=1, limit=1)] == ["huanglaoshi"]
    assert [(u.username, u.display_name, u.role, u.school_name, u.active) for u in listed] == [
        ("admin", "管理员", UserRole.SCHOOL_ADMIN, None, True),
        ("huanglaoshi", "黄老师", UserRole.TEACHER, "西乡塘区石埠小学", True),
        ("qinlaoshi", "qinlaoshi", UserRole.TEACHER, "西乡塘区石埠小学", False)]
    assert listed[1].last_sign_in is not None and listed[2].last_sign_in is None
    assert listed[1].as_dict()["role"] == "teacher" and listed[1].as_dict()["last_sign_in"].endswith("Z")


def test_teachers_cannot_list_or_manage_users(database: Database, opened: list[Database]) -> None:
    users.add_user(database, username="huanglaoshi", password="teach-2026", role="teacher")
    users.add_user(database, username="qinlaoshi", password="teach-2027", role="teacher")
    teacher = sign_in(opened, database.data_dir, "huanglaoshi", "teach-2026")
    with teacher.read() as session, pytest.raises(PermissionDenied):
        users.list_users(session)
    before = state(database)
    for attempt in (lambda: users.set_password(teacher, "qinlaoshi", "taken-over-1"),
                    lambda: users.deactivate_user(teacher, "qinlaoshi"),
                    lambda: users.reactivate_user(teacher, "qinlaoshi", "taken-over-1"),
                    lambda: users.set_role(teacher, "huanglaoshi", "school_admin")):
        with pytest.raises(PermissionDenied):
            attempt()
    assert state(database) == before


def test_admin_sets_a_password_and_the_old_one_opens_nothing(database: Database, opened: list[Database]) -> None:
    user = users.add_user(database, username="huanglaoshi", password="teach-2026", role="teacher")
    users.set_password(database, "HuangLaoShi", "new-pass-2027")  # the name in any case
    with pytest.raises(WrongPassword):
        open_folder(database.data_dir, "huanglaoshi", "teach-2026")
    assert sign_in(opened, database.data_dir, "huanglaoshi", "new-pass-2027").user.id == user.id  # type: ignore[union-attr]
    assert events(database)[-1] == ("password_set", user.id, None)
    # One slot per user still (the old one is gone, not merely outnumbered).
    assert len(KeyRing.load(database.data_dir / KEYSLOT_FILE).slots) == 2


def test_setting_a_password_clears_the_lock_out(database: Database) -> None:
    from app.services.signin import LockedOut

    users.add_user(database, username="huanglaoshi", password="teach-2026", role="teacher")
    for _ in range(5):
        with pytest.raises((WrongPassword, LockedOut)):  # the fifth failure locks
            signin_service(database.data_dir, "huanglaoshi", "guess-guess")
    with pytest.raises(LockedOut):
        signin_service(database.data_dir, "huanglaoshi", "teach-2026")
    users.set_password(database, "huanglaoshi", "new-pass-2027")
    signin_service(database.data_dir, "huanglaoshi", "new-pass-2027").close()
    assert SignInAttempts.load(database.data_dir).labels == {}


@pytest.mark.parametrize(("password", "phrase"), [("abc12", "密码至少需要 6 个字符"),
                                                  ("aaaaaaaa", "密码不能全是同一个字符")])
def test_password_rules_apply_to_every_new_password(database: Database, password: str, phrase: str) -> None:
    users.add_user(database, username="huanglaoshi", password="teach-2026", role="teacher")
    users.add_user(database, username="qinlaoshi", password="teach-2027", role="teacher")
    users.deactivate_user(database, "qinlaoshi")
    before = state(database)
    for attempt in (lambda: users.set_password(database, "huanglaoshi", password),
                    lambda: users.reactivate_user(database, "qinlaoshi", password),
                    lambda: users.change_own_password(database, PASSWORD, password)):
        with pytest.raises(ValidationError) as err:
            attempt()
        assert err.value.field == "password" and phrase in err.value.zh
    assert state(database) == before


def test_an_unknown_user_is_named(database: Database) -> None:
    with pytest.raises(NotFoundError) as err:
        users.set_password(database, "nobody", "new-pass-2027")
    assert err.value.field == "username" and "没有用户“nobody”" in err.value.zh


def test_change_own_password(database: Database, opened: list[Database]) -> None:
    users.add_user(database, username="huanglaoshi", password="teach-2026", role="teacher")
    teacher = sign_in(opened, database.data_dir, "huanglaoshi", "teach-2026")
    before = state(database)
    with pytest.raises(WrongPassword) as wrong:
        users.change_own_password(teacher, "not-my-password", "mine-2027")
    assert wrong.value.field == "old_password" and "当前密码不正确" in wrong.value.zh
    with pytest.raises(ValidationError) as same:
        users.change_own_password(teacher, "teach-2026", "teach-2026")
    assert same.value.field == "password"
    assert state(database) == before
    users.change_own_password(teacher, "teach-2026", "mine-2027")
    with pytest.raises(WrongPassword):
        open_folder(database.data_dir, "huanglaoshi", "teach-2026")
    assert sign_in(opened, database.data_dir, "huanglaoshi", "mine-2027").user.username == "huanglaoshi"  # type: ignore[union-attr]
    assert events(database)[-1][0] == "password_changed"
    # The admin's own slot is untouched.
    assert sign_in(opened, database.data_dir, "admin", PASSWORD).user.username == "admin"  # type: ignore[union-attr]


def test_deactivate_and_reactivate(database: Database, opened: list[Database]) -> None:
    user = users.add_user(database, username="huanglaoshi", password="teach-2026", role="teacher")
    users.deactivate_user(database, "huanglaoshi")
    with pytest.raises(WrongPassword):  # the slot is gone: the password opens nothing at all
        open_folder(database.data_dir, "huanglaoshi", "teach-2026")
    with pytest.raises(WrongPassword):
        open_folder(database.data_dir, None, "teach-2026")
    with pytest.raises(LifecycleError):
        users.deactivate_user(database, "huanglaoshi")
    with pytest.raises(LifecycleError):
        users.set_password(database, "huanglaoshi", "new-pass-2027")
    users.reactivate_user(database, "huanglaoshi", "back-again-1")
    with pytest.raises(WrongPassword):
        open_folder(database.data_dir, "huanglaoshi", "teach-2026")
    assert sign_in(opened, database.data_dir, "huanglaoshi", "back-again-1").user.id == user.id  # type: ignore[union-attr]
    with pytest.raises(LifecycleError):
        users.reactivate_user(database, "huanglaoshi", "back-again-2")
    assert [e[0] for e in events(database)] == ["user_added", "user_deactivated", "user_reactivated"]


def test_an_admin_cannot_deactivate_themselves_or_the_last_admin(database: Database,
                                                                opened: list[Database]) -> None:
    before = state(database)
    with pytest.raises(LifecycleError) as err:
        users.deactivate_user(database, "admin")
    assert "不能停用自己的账号" in err.value.zh
    users.add_user(database, username="bureau", password="bureau-2026", role="district")
    bureau = sign_in(opened, database.data_dir, "bureau", "bureau-2026")
    users.deactivate_user(bureau, "admin")  # another administrator remains: allowed
    users.reactivate_user(bureau, "admin", PASSWORD)
    users.set_role(database, "bureau", "teacher")
    with pytest.raises(LifecycleError) as last:
        # A session opened before its role changed still acts as district: the last administrator stays all the same.
        users.set_role(bureau, "admin", "teacher")
    assert "最后一个启用的管理员" in last.value.zh
    assert state(database)[0][0] == before[0][0]


def test_set_role(database: Database, school: School, opened: list[Database]) -> None:
    user = users.add_user(database, username="huanglaoshi", password="teach-2026", role="teacher")
    users.set_role(database, "huanglaoshi", "学校管理员")
    teacher_now_admin = sign_in(opened, database.data_dir, "huanglaoshi", "teach-2026")
    assert teacher_now_admin.user.role is UserRole.SCHOOL_ADMIN  # type: ignore[union-attr]
    assert events(database)[-1] == ("role_changed", user.id, "school_admin")
    with pytest.raises(LifecycleError):
        users.set_role(database, "admin", "teacher")  # one's own role
    with pytest.raises(ValidationError):
        users.set_role(database, "huanglaoshi", "校长")
    assert op_tables(database) == {"school", "audit_event"}


def test_a_key_file_that_cannot_be_saved_leaves_the_table_alone(database: Database,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from app.store import keys
    from app.store.errors import StoreError

    users.add_user(database, username="huanglaoshi", password="teach-2026", role="teacher")
    before = state(database)

    def full_disk(_ring: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(keys.KeyRing, "save", full_disk)
    for attempt in (lambda: users.add_user(database, username="qinlaoshi", password="teach-2027", role="teacher"),
                    lambda: users.set_password(database, "huanglaoshi", "new-pass-2027"),
                    lambda: users.deactivate_user(database, "huanglaoshi")):
        with pytest.raises(StoreError):
            attempt()
    assert state(database) == before
    with database.read() as session:
        # The first user's addition is the only audit event: the refused changes recorded none.
        assert session.scalar(select(func.count()).select_from(Op).where(Op.tbl == "audit_event")) == 1


def test_a_commit_that_fails_puts_the_key_file_back(database: Database, monkeypatch: pytest.MonkeyPatch,
                                                    opened: list[Database]) -> None:
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    from app.store.errors import StoreError

    users.add_user(database, username="huanglaoshi", password="teach-2026", role="teacher")
    before = state(database)

    def failing_commit(_session: Session) -> None:
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(Session, "commit", failing_commit)
    for attempt in (lambda: users.add_user(database, username="qinlaoshi", password="teach-2027", role="teacher"),
                    lambda: users.set_password(database, "huanglaoshi", "new-pass-2027"),
                    lambda: users.deactivate_user(database, "huanglaoshi")):
        with pytest.raises(StoreError):
            attempt()
    monkeypatch.undo()
    assert state(database) == before
    assert sign_in(opened, database.data_dir, "huanglaoshi", "teach-2026").user is not None
