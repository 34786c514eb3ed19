"""`jiafang import roster`: summaries, --dry-run, --skip-invalid, exit codes and the report file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from app.store.db import Database
from tests.conftest import PASSWORD
from tests.services.test_importing import (
    SAMPLES,
    TANLUO,
    dump,
    make_schools,
    pupil,
    students,
    write_csv,
    write_xlsx,
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, database: Database) -> Database:
    """The command line pointed at the test's data folder, which already has the two schools."""
    make_schools(database)
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    monkeypatch.setenv("JIAFANG_DATA_DIR", str(database.data_dir))
    return database


def test_import_then_reimport(env: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_xlsx(tmp_path / "学籍.xlsx", [pupil(1), pupil(2), pupil(3, school=TANLUO)])
    assert main(["import", "roster", str(path)]) == 0
    out = capsys.readouterr().out
    assert "已导入 学籍.xlsx：新增 3 人，更新 0 人，未变 0 人，跳过有误的 0 行。" in out
    report = tmp_path / "学籍.导入报告.csv"
    assert f"导入报告：{report}" in out and report.exists()
    write_xlsx(path, [pupil(1, 班级="5班"), pupil(2), pupil(3, school=TANLUO)])
    assert main(["import", "roster", str(path)]) == 0
    assert "新增 0 人，更新 1 人，未变 2 人" in capsys.readouterr().out
    assert len(students(env)) == 3


def test_dry_run_writes_nothing(env: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_xlsx(tmp_path / "学籍.xlsx", [pupil(1), pupil(2)])
    assert main(["import", "roster", str(path)]) == 0
    capsys.readouterr()
    before = dump(env)
    write_xlsx(path, [pupil(1, 班级="5班", 是否建档立卡="是"), pupil(2), pupil(3, name="黄𰻝")])
    assert main(["import", "roster", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "试运行，没有写入任何记录" in out and "新增 1 人，更新 1 人，未变 1 人，有误 0 行" in out
    assert "第 6 行 黄𰻝（4 年级 2班）" in out
    assert "第 4 行 韦华：班级 2班 → 5班；是否建档立卡 否 → 是" in out
    assert dump(env) == before


def test_rejected_rows_exit_1_and_import_nothing(env: Database, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = write_xlsx(tmp_path / "学籍.xlsx", [pupil(1), pupil(2, 年级="十年级"), pupil(3)])
    before = dump(env)
    assert main(["import", "roster", str(path)]) == 1
    captured = capsys.readouterr()
    assert "第 5 行「年级」：年级「十年级」无法识别" in captured.out
    assert "导入报告：" in captured.out and (tmp_path / "学籍.导入报告.csv").exists()
    assert captured.err.count("\n") == 1 and captured.err.startswith("jiafang: 1 行有误，没有导入任何记录。")
    assert "--skip-invalid" in captured.err
    assert dump(env) == before
    assert main(["import", "roster", str(path), "--dry-run"]) == 1
    assert dump(env) == before
    assert main(["import", "roster", str(path), "--skip-invalid"]) == 0
    out = capsys.readouterr().out
    assert "新增 2 人" in out and "跳过有误的 1 行" in out and "第 5 行「年级」" in out
    assert len(students(env)) == 2


def test_many_rejected_rows_are_cut_short(env: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "名单.csv", [pupil(i, 年级="十年级") for i in range(1, 61)], encoding="utf-8")
    assert main(["import", "roster", str(path), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "第 51 行「年级」" in out and "第 52 行「年级」" not in out  # rows 2–51 shown: the first 50
    assert "…（共 60 条，全部见导入报告）" in out


def test_english_messages(env: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [pupil(1), pupil(2, 年级="十年级")])
    assert main(["--lang", "en", "import", "roster", str(path)]) == 1
    captured = capsys.readouterr()
    assert "Row 5 [年级]: Grade \"十年级\" is not understood" in captured.out
    assert captured.err.startswith("jiafang: 1 row(s) are invalid; nothing was imported.")


@pytest.mark.parametrize(("content", "words"), [
    (b"", "是空的"), (b"\x89PNG\r\n\x1a\n\x00\x00", "不是电子表格"), ("会议记录\n1,2\n".encode(), "找不到表头")])
def test_bad_files_one_line(env: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes,
                            words: str) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes(content)
    before = dump(env)
    assert main(["import", "roster", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and "Traceback" not in err
    assert dump(env) == before
    assert main(["import", "roster", str(tmp_path / "没有这个文件.xlsx")]) == 1
    assert "找不到文件" in capsys.readouterr().err


def test_readme_walk_through_samples(env: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = ("学籍导出示例.xlsx", "学籍导出示例.csv", "建档立卡名单示例.xls")
    for name in names:  # copies, so the reports land in tmp_path and not in the repository
        (tmp_path / name).write_bytes((SAMPLES / name).read_bytes())
    assert main(["import", "roster", str(tmp_path / names[0]), "--dry-run"]) == 0
    assert "新增 30 人" in capsys.readouterr().out
    for name in names:
        assert main(["import", "roster", str(tmp_path / name)]) == 0
    out = capsys.readouterr().out
    assert "更新 3 人" in out and "更新 6 人" in out
    assert len(students(env)) == 33
    assert sorted(p.name for p in tmp_path.glob("*.导入报告.csv")) == ["学籍导出示例.导入报告.csv",
                                                                    "建档立卡名单示例.导入报告.csv"]
