"""What every command shares: the exit codes, one-line user errors, messages in the user's language, the
password and signing in to the data folder, progress lines, dates and --reveal.

The underscored helpers are internal to the ``app.cli`` package; the command line itself is the contract.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.config import PASSWORD_ENV, USER_ENV
from app.domain.i18n import current_language

if TYPE_CHECKING:
    from datetime import date as date_type

    from app.store.db import Database

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE = 0, 1, 2


class UserError(Exception):
    """A problem the user can fix, reported as one line."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh if current_language() == "zh" else en)


def _t(zh: str, en: str) -> str:
    return zh if current_language() == "zh" else en


def _password(prompt_zh: str = "密码：", prompt_en: str = "Password: ") -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(_t(prompt_zh, prompt_en))
    raise UserError(f"需要密码：请设置环境变量 {PASSWORD_ENV}，或在终端中运行以输入密码。",
                    f"A password is needed: set {PASSWORD_ENV} or run in a terminal to type it.")


def _open(args: argparse.Namespace) -> Database:
    """Sign in (refused while the user name is locked out after repeated failures; audited either way)."""
    from app.services.signin import sign_in

    return sign_in(args.data_dir, args.user or os.environ.get(USER_ENV), _password())


def _progress_printer() -> Callable[[str, float], None]:
    def show(stage: str, fraction: float) -> None:
        print(f"\r{stage} {fraction:4.0%}", end="", file=sys.stderr, flush=True)
        if fraction >= 1:
            print(file=sys.stderr)

    return show


def _day(text: str | None, option: str) -> date_type:
    from datetime import date

    if not text:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"{option} 应为 2026-11-29 这样的日期：{text}",
                        f"{option} must be a date like 2026-11-29: {text}") from None


def _reveal(args: argparse.Namespace, database: Database) -> bool:
    """--reveal prints full ID, student and phone numbers and disability details; only a school administrator or
    the district may ask for it."""
    if not getattr(args, "reveal", False):
        return False
    from app.services.access import reveal_allowed

    if not reveal_allowed(database.user.role if database.user else None):
        raise UserError("只有学校管理员或区教育局账号可以打印完整的身份证号和电话号码（--reveal）。",
                        "Only a school administrator or a district account may print full ID and phone numbers "
                        "(--reveal).")
    return True
