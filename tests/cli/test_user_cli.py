"""`jiafang user ...` and `jiafang passwd`: an administrator manages the laptop's users from a script."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.services.signin import sign_in
from app.store.keys import WrongPassword
from tests.conftest import PASSWORD


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A data folder with the administrator ``admin`` and one school; scripts give every password."""
    data = tmp_path / "cli-data"
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    monkeypatch.setenv("JIAFANG_DATA_DIR", str(data))
    monkeypatch.setenv("JIAFANG_NEW_PASSWORD", "teach-2026")
    monkeypatch.setattr(sys, "stdin", io.StringIO())  # not a terminal: nothing may be prompted for
    assert main(["init", "--school", "西乡塘区石埠小学"]) == 0
    capsys.readouterr()
    return data


def opens(data: Path, username: str, password: str) -> bool:
    try:
        sign_in(data, username, password).close()
    except WrongPassword:
        return False
    return True


def listed(capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    capsys.readouterr()
    assert main(["user", "list", "--json"]) == 0
    return {user["username"]: user for user in json.loads(capsys.readouterr().out)}


def test_add_list_and_sign_in(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["user", "add", "huanglaoshi", "--role", "teacher", "--display-name", "黄老师"]) == 0
    assert capsys.readouterr().out == "已添加用户 huanglaoshi（教师）。\n"
    assert opens(env, "huanglaoshi", "teach-2026")
    users = listed(capsys)
    assert set(users) == {"admin", "huanglaoshi"}
    teacher = users["huanglaoshi"]
    assert (teacher["display_name"], teacher["role"], teacher["school"], teacher["active"]) == (
        "黄老师", "teacher", "西乡塘区石埠小学", True)
    assert teacher["last_sign_in"] is not None and users["admin"]["last_sign_in"] is not None
    assert main(["user", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("huanglaoshi  黄老师  教师  西乡塘区石埠小学  启用") for line in lines)
    assert main(["--lang", "en", "user", "add", "韦𰻝", "--role", "school_admin", "--school", "石埠"]) == 0
    assert capsys.readouterr().out == "Added user 韦𰻝 (School administrator).\n"


def test_set_password_disable_enable(env: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["user", "add", "huanglaoshi", "--role", "teacher"]) == 0
    monkeypatch.setenv("JIAFANG_NEW_PASSWORD", "new-pass-2027")
    assert main(["user", "password", "huanglaoshi"]) == 0
    assert "旧密码不再有效" in capsys.readouterr().out
    assert not opens(env, "huanglaoshi", "teach-2026") and opens(env, "huanglaoshi", "new-pass-2027")
    assert main(["user", "disable", "huanglaoshi"]) == 0
    assert not opens(env, "huanglaoshi", "new-pass-2027")
    assert listed(capsys)["huanglaoshi"]["active"] is False
    monkeypatch.setenv("JIAFANG_NEW_PASSWORD", "back-again-1")
    assert main(["user", "enable", "huanglaoshi"]) == 0
    assert opens(env, "huanglaoshi", "back-again-1")
    assert main(["user", "role", "huanglaoshi", "school_admin"]) == 0
    assert listed(capsys)["huanglaoshi"]["role"] == "school_admin"
    capsys.readouterr()
    assert main(["audit", "--json"]) == 0
    actions = [e["action"] for e in json.loads(capsys.readouterr().out) if not e["action"].startswith("sign")]
    assert actions == ["user_added", "password_set", "user_deactivated", "user_reactivated", "role_changed"]


def test_change_own_password(env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["user", "add", "huanglaoshi", "--role", "teacher"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("JIAFANG_PASSWORD", "teach-2026")
    monkeypatch.setenv("JIAFANG_NEW_PASSWORD", "mine-2027")
    assert main(["--user", "huanglaoshi", "passwd"]) == 0
    assert capsys.readouterr().out == "用户 huanglaoshi 的密码已修改。\n"
    assert not opens(env, "huanglaoshi", "teach-2026") and opens(env, "huanglaoshi", "mine-2027")
    assert opens(env, "admin", PASSWORD)


def test_errors_exit_1_with_one_line(env: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def one_line(code: list[str], phrase: str) -> None:
        assert main(code) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("jiafang: ") and phrase in err, err

    one_line(["user", "disable", "admin"], "不能停用自己的账号")
    one_line(["user", "password", "nobody"], "没有用户“nobody”")
    one_line(["user", "add", "qinlaoshi", "--role", "teacher", "--school", "江南小学"], "没有学校“江南小学”")
    monkeypatch.setenv("JIAFANG_NEW_PASSWORD", "abc")
    one_line(["user", "add", "qinlaoshi", "--role", "teacher"], "密码至少需要 6 个字符")
    monkeypatch.delenv("JIAFANG_NEW_PASSWORD")
    one_line(["user", "add", "qinlaoshi", "--role", "teacher"], "JIAFANG_NEW_PASSWORD")
    one_line(["passwd"], "JIAFANG_NEW_PASSWORD")
    monkeypatch.setenv("JIAFANG_NEW_PASSWORD", "teach-2026")
    assert main(["user", "add", "qinlaoshi", "--role", "teacher"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("JIAFANG_PASSWORD", "teach-2026")
    for command in (["user", "list"], ["user", "add", "x1", "--role", "teacher"], ["user", "disable", "admin"]):
        one_line(["--user", "qinlaoshi", *command], "只有管理员")
    assert not opens(env, "x1", "teach-2026")


def test_usage_errors_exit_2(env: Path) -> None:
    for argv in (["user"], ["user", "add", "x1"], ["user", "add", "x1", "--role", "校长"], ["user", "role", "x1"]):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 2


def test_new_password_typed_twice(env: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("JIAFANG_NEW_PASSWORD")
    monkeypatch.setattr(sys, "stdin", Terminal())
    typed = iter(["typed-pass-1", "typed-pass-2", "typed-pass-1", "typed-pass-1"])
    monkeypatch.setattr(getpass, "getpass", lambda _prompt="": next(typed))
    assert main(["user", "add", "huanglaoshi", "--role", "teacher"]) == 1
    assert "两次输入的密码不一样" in capsys.readouterr().err
    assert main(["user", "add", "huanglaoshi", "--role", "teacher"]) == 0
    assert opens(env, "huanglaoshi", "typed-pass-1")
