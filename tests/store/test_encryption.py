"""The data folder is unreadable without a password: no name or ID number in clear in any file."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

import pytest

from app.domain.errors import DomainError
from app.services.roster import add_student
from app.store.db import Database, create_folder, open_folder
from app.store.keys import WrongPassword
from tests.conftest import PASSWORD, TODAY, make_student_input

RARE_NAME = "韦𰻝"  # U+30EDD, outside the BMP: the kind of Zhuang name character the app must keep


def _encodings(text: str) -> list[bytes]:
    found = [text.encode("utf-8"), text.encode("utf-16-le")]
    with contextlib.suppress(UnicodeEncodeError):  # 𰻝 has no GBK code
        found.append(text.encode("gbk"))
    return found


def _all_bytes(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_no_name_or_id_in_clear_in_any_file(database: Database, school: object, data_dir: Path) -> None:
    with database.write() as session:
        student = add_student(session, make_student_input(school.id, name=RARE_NAME), today=TODAY)  # type: ignore[attr-defined]
        id_number = student.id_number
    assert id_number
    database.close()  # WAL folded in or not, both files must be opaque; check with the WAL present too
    files = _all_bytes(data_dir)
    assert any(p.name == "jiafang.db" for p in files)
    secrets = [RARE_NAME, "西乡塘区石埠小学", id_number, id_number[6:14], "admin", "管理员"]
    for path, content in files.items():
        for secret in secrets:
            for encoded in _encodings(secret):
                assert encoded not in content, f"{secret!r} readable in {path.name}"
        assert not content.startswith(b"SQLite format 3"), f"{path.name} is a plain SQLite file"


def test_plain_sqlite_cannot_read_the_database(database: Database, data_dir: Path) -> None:
    database.close()
    conn = sqlite3.connect(data_dir / "jiafang.db")
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.close()


def test_key_file_names_no_user(data_dir: Path, database: Database) -> None:
    text = (data_dir / "keyslots.json").read_text(encoding="utf-8")
    assert "admin" not in text
    slots = json.loads(text)["slots"]
    assert len(slots) == 1 and slots[0]["kdf"]["alg"] == "argon2id"


def test_wrong_password_and_wrong_user_refused(database: Database, data_dir: Path) -> None:
    database.close()
    with pytest.raises(WrongPassword) as caught:
        open_folder(data_dir, "admin", "not-the-password")
    assert "密码不正确" in str(caught.value)
    with pytest.raises(WrongPassword):
        open_folder(data_dir, "somebody", PASSWORD)
    reopened = open_folder(data_dir, None, PASSWORD)  # scripts may give only the password
    assert reopened.user is not None and reopened.user.username == "admin"
    reopened.close()


def test_damaged_key_file_is_a_clear_error(database: Database, data_dir: Path) -> None:
    database.close()
    (data_dir / "keyslots.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DomainError) as caught:
        open_folder(data_dir, "admin", PASSWORD)
    assert "密钥文件" in str(caught.value)


def test_swapped_key_file_cannot_open_another_database(tmp_path: Path) -> None:
    first = create_folder(tmp_path / "a", username="admin", password=PASSWORD)
    second = create_folder(tmp_path / "b", username="admin", password=PASSWORD)
    first.close()
    second.close()
    (tmp_path / "a" / "keyslots.json").write_bytes((tmp_path / "b" / "keyslots.json").read_bytes())
    with pytest.raises(DomainError) as caught:
        open_folder(tmp_path / "a", "admin", PASSWORD)
    assert "无法解密" in str(caught.value)


def test_create_refuses_existing_folder_and_weak_password(database: Database, data_dir: Path,
                                                          tmp_path: Path) -> None:
    with pytest.raises(DomainError) as caught:
        create_folder(data_dir, username="admin", password=PASSWORD)
    assert "不会覆盖" in str(caught.value)
    with pytest.raises(DomainError) as weak:
        create_folder(tmp_path / "new", username="admin", password="123")
    assert "至少" in str(weak.value)
    assert not (tmp_path / "new" / "jiafang.db").exists()
