"""The people who sign in on this laptop: ``user ...``, ``passwd``, ``recovery-key create`` and
``reset-password``."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from app.cli.common import EXIT_OK, UserError, _open, _password, _t
from app.config import USER_ENV
from app.domain.i18n import current_language

RECOVERY_KEY_ENV = "JIAFANG_RECOVERY_KEY"
NEW_PASSWORD_ENV = "JIAFANG_NEW_PASSWORD"


def cmd_recovery_key_create(args: argparse.Namespace) -> int:
    from app.services.recovery import create_recovery_key

    out = Path(args.out) if args.out else None
    if out is not None and out.exists():
        raise UserError(f"{out} 已存在，不会覆盖。", f"{out} exists; it will not be overwritten.")
    database = _open(args)
    try:
        secret = create_recovery_key(database)
    finally:
        database.close()
    if out is not None:
        try:
            out.write_text(secret + "\n", encoding="utf-8")
        except OSError as exc:
            print(secret)  # the slot exists already: the secret must not be lost
            raise UserError(f"无法写入 {out}：{exc.strerror}；恢复密钥已显示在上方，请抄下。",
                            f"Cannot write {out}: {exc.strerror}; the recovery key is shown above: copy it."
                            ) from None
        print(_t(f"已建立恢复密钥并写入 {out}。请交区教育局妥善保管，本程序不会再显示它。",
                 f"Recovery key created and written to {out}. Give it to the district for safe keeping; it is "
                 "not shown again."))
    else:
        print(secret)
        print(_t("已建立恢复密钥（上方）。请抄下交区教育局妥善保管，本程序不会再显示它。",
                 "Recovery key created (above). Copy it for the district's safe keeping; it is not shown again."),
              file=sys.stderr)
    return EXIT_OK


def cmd_reset_password(args: argparse.Namespace) -> int:
    from app.services.recovery import reset_password

    secret = os.environ.get(RECOVERY_KEY_ENV)
    if not secret:
        if sys.stdin is None or not sys.stdin.isatty():
            raise UserError(f"需要恢复密钥：请设置环境变量 {RECOVERY_KEY_ENV}，或在终端中运行以输入。",
                            f"The recovery key is needed: set {RECOVERY_KEY_ENV} or run in a terminal to type it.")
        secret = getpass.getpass(_t("恢复密钥：", "Recovery key: "))
    password = _password(f"用户 {args.username} 的新密码：", f"New password for {args.username}: ")
    result = reset_password(args.data_dir, args.username, secret, password)
    print(_t(f"已为用户 {result.username} 设定新密码。", f"New password set for user {result.username}."))
    return EXIT_OK


def _can_get_new_password() -> None:
    """Refuse before signing in when no new password can be had (no variable, no terminal to type it in)."""
    if not os.environ.get(NEW_PASSWORD_ENV) and (sys.stdin is None or not sys.stdin.isatty()):
        raise UserError(f"需要新密码：请设置环境变量 {NEW_PASSWORD_ENV}，或在终端中运行以输入两次。",
                        f"A new password is needed: set {NEW_PASSWORD_ENV} or run in a terminal to type it twice.")


def _new_password(username: str) -> str:
    """The new password: $JIAFANG_NEW_PASSWORD, else typed twice (the password rules are the services')."""
    from app.services.users import confirm_password

    password = os.environ.get(NEW_PASSWORD_ENV)
    if password:
        return password
    _can_get_new_password()
    password = getpass.getpass(_t(f"用户 {username} 的新密码：", f"New password for {username}: "))
    confirm_password(password, getpass.getpass(_t("再输入一次：", "Again: ")))
    return password


def cmd_user_add(args: argparse.Namespace) -> int:
    from app.domain.codes import UserRole
    from app.services.users import add_user, resolve_school

    _can_get_new_password()
    database = _open(args)
    try:
        school_id = None
        if args.school:
            with database.read() as session:
                school_id = resolve_school(session, args.school)
        user = add_user(database, username=args.username, password=_new_password(args.username), role=args.role,
                        display_name=args.display_name, school_id=school_id)
    finally:
        database.close()
    role = UserRole(user.role).label(current_language())
    print(_t(f"已添加用户 {user.username}（{role}）。", f"Added user {user.username} ({role})."))
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    from app.services.users import list_users

    database = _open(args)
    try:
        with database.read() as session:
            listed = list_users(session)
    finally:
        database.close()
    if args.json:
        print(json.dumps([user.as_dict() for user in listed], ensure_ascii=False))
        return EXIT_OK
    lang = current_language()
    for user in listed:
        state = _t("启用", "active") if user.active else _t("已停用", "deactivated")
        last = (user.last_sign_in.astimezone().strftime("%Y-%m-%d %H:%M") if user.last_sign_in
                else _t("从未登录", "never signed in"))
        print("  ".join([user.username, user.display_name, user.role.label(lang), user.school_name or "-", state,
                         last]))
    return EXIT_OK


def cmd_user_password(args: argparse.Namespace) -> int:
    from app.services.users import set_password

    _can_get_new_password()
    database = _open(args)
    try:
        user = set_password(database, args.username, _new_password(args.username))
    finally:
        database.close()
    print(_t(f"已为用户 {user.username} 设定新密码，旧密码不再有效。",
             f"New password set for user {user.username}; the old one no longer works."))
    return EXIT_OK


def cmd_user_disable(args: argparse.Namespace) -> int:
    from app.services.users import deactivate_user

    database = _open(args)
    try:
        user = deactivate_user(database, args.username)
    finally:
        database.close()
    print(_t(f"已停用用户 {user.username}，其密码不再能打开数据。",
             f"Deactivated user {user.username}; their password no longer opens the data."))
    return EXIT_OK


def cmd_user_enable(args: argparse.Namespace) -> int:
    from app.services.users import reactivate_user

    _can_get_new_password()
    database = _open(args)
    try:
        user = reactivate_user(database, args.username, _new_password(args.username))
    finally:
        database.close()
    print(_t(f"已重新启用用户 {user.username}（使用新密码）。",
             f"Reactivated user {user.username} with a new password."))
    return EXIT_OK


def cmd_user_role(args: argparse.Namespace) -> int:
    from app.domain.codes import UserRole
    from app.services.users import set_role

    database = _open(args)
    try:
        user = set_role(database, args.username, args.role)
    finally:
        database.close()
    role = UserRole(user.role).label(current_language())
    print(_t(f"用户 {user.username} 的角色现在是{role}。", f"User {user.username} is now: {role}."))
    return EXIT_OK


def cmd_passwd(args: argparse.Namespace) -> int:
    from app.services.signin import sign_in
    from app.services.users import change_own_password

    _can_get_new_password()
    current = _password("当前密码：", "Current password: ")
    database = sign_in(args.data_dir, args.user or os.environ.get(USER_ENV), current)
    try:
        assert database.user is not None
        username = database.user.username
        change_own_password(database, current, _new_password(username))
    finally:
        database.close()
    print(_t(f"用户 {username} 的密码已修改。", f"The password of {username} was changed."))
    return EXIT_OK
