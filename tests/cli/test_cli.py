"""The command line is a contract: names, exit codes, --json shapes and one-line errors."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import build_parser, main
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    data = tmp_path / "cli-data"
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    monkeypatch.setenv("JIAFANG_DATA_DIR", str(data))
    return data


def _commands(parser: argparse.ArgumentParser, prefix: str = "jiafang") -> list[tuple[str, argparse.ArgumentParser]]:
    found = []
    for action in parser._actions:  # argparse offers no public walk of subcommands
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append((f"{prefix} {name}", sub))
                found.extend(_commands(sub, f"{prefix} {name}"))
    return found


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [name for name, sub in _commands(build_parser()) if sub.get_default("func")]
    assert commands, "no commands found"
    for name in commands:
        assert f"`{name}" in readme, f"{name} is not in the README"


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for name, _ in _commands(build_parser()):
        with pytest.raises(SystemExit) as done:
            main([*name.split()[1:], "--help"])
        assert done.value.code == 0
        assert "usage:" in capsys.readouterr().out


def test_init_export_check_round_trip(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--school", "石埠小学", "--device-name", "办公室笔记本"]) == 0
    capsys.readouterr()
    assert main(["export", "json", "-"]) == 0
    lines = capsys.readouterr().out.splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["_table"], r["name"]) for r in records] == [("school", "石埠小学")]
    assert main(["check", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # One record; the op log also holds the audit events (each sign-in, the export).
    assert report["ok"] is True and report["records"] == 1 and report["ops"] > 1 and report["findings"] == []
    out_file = env.parent / "dump.jsonl"
    assert main(["export", "json", str(out_file)]) == 0
    assert out_file.read_text(encoding="utf-8").splitlines() == lines
    assert "个人信息" in capsys.readouterr().err


def test_user_errors_exit_1_with_one_line(env: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["check"]) == 1  # no data folder yet
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "jiafang init" in err
    assert main(["init"]) == 0
    assert main(["init"]) == 1
    assert "不会覆盖" in capsys.readouterr().err
    monkeypatch.setenv("JIAFANG_PASSWORD", "wrong-password")
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("jiafang: 用户名或密码不正确。")  # and the tries left
    assert main(["--lang", "en", "check"]) == 1
    assert capsys.readouterr().err.startswith("jiafang: Wrong user name or password.")
    monkeypatch.delenv("JIAFANG_PASSWORD")
    monkeypatch.setattr(sys, "stdin", None)
    assert main(["check"]) == 1
    assert "JIAFANG_PASSWORD" in capsys.readouterr().err


def test_usage_errors_exit_2(env: Path) -> None:
    with pytest.raises(SystemExit) as done:
        main(["no-such-command"])
    assert done.value.code == 2
    with pytest.raises(SystemExit) as done:
        main(["export"])
    assert done.value.code == 2


def test_check_reports_a_tampered_table(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from app.store.db import open_folder

    assert main(["init", "--school", "石埠小学"]) == 0
    database = open_folder(env, "admin", PASSWORD)
    raw = database.engine.raw_connection()
    raw.driver_connection.execute("UPDATE school SET name = '别的学校'")  # behind the op log's back
    raw.commit()
    raw.close()
    database.close()
    capsys.readouterr()
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "不一致" in out and "别的学校" in out and "发现问题" in out


def test_real_entry_point_never_prints_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "JIAFANG_PASSWORD": "whatever-1", "JIAFANG_DATA_DIR": str(tmp_path / "none")}
    done = subprocess.run([sys.executable, "-m", "app", "export", "json", "-"], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    version = subprocess.run([sys.executable, "-m", "app", "--version"], capture_output=True, text=True,
                             cwd=ROOT, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("jiafang ")


def test_demo_command(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--students", "0"]) == 1
    assert "--students" in capsys.readouterr().err
    assert main(["demo", "--students", "300", "--seed", "3", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "300 名学生" in out and "admin" in out
    assert main(["check"]) == 0
    assert main(["demo", "--students", "300"]) == 1  # never over an existing folder
    assert "不会覆盖" in capsys.readouterr().err


def test_failed_demo_leaves_no_half_folder(env: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import app.services.demo as demo_module

    def battery_dies(self: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(demo_module._Generator, "make_campaign_year", battery_dies)
    assert main(["demo", "--students", "200", "--quiet"]) == 1
    assert "磁盘已满" in capsys.readouterr().err
    assert not (env / "jiafang.db").exists() and not (env / "keyslots.json").exists()
    monkeypatch.undo()
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    monkeypatch.setenv("JIAFANG_DATA_DIR", str(env))
    assert main(["demo", "--students", "200", "--quiet"]) == 0


def test_a_reader_that_stops_early_gets_no_false_error(tmp_path: Path) -> None:
    """`jiafang export json - | head -1`: the pipe closes early; no "disk error, nothing saved" message."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, JIAFANG_PASSWORD="demo-pass-123", JIAFANG_DATA_DIR=str(tmp_path / "data"),
               QT_QPA_PLATFORM="offscreen")
    made = subprocess.run([sys.executable, "-m", "app.cli", "demo", "--students", "200", "--quiet"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    export = subprocess.Popen([sys.executable, "-m", "app.cli", "export", "json", "-"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert export.stdout is not None and export.stderr is not None
    first = export.stdout.readline()
    export.stdout.close()  # as `head -1` does
    stderr = export.stderr.read().decode("utf-8")
    export.stderr.close()
    export.wait(timeout=120)
    assert first.startswith(b"{")
    assert "磁盘" not in stderr and "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
