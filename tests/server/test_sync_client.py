"""Laptops syncing with the server over loopback, on SQLite and on PostgreSQL: the district and three school
laptops converge and the server's figures agree; records travelling by folder and by server arrive once;
photos follow their records; a copied database never reuses op ids; twenty laptops at once end identical to
the server."""

from __future__ import annotations

import hashlib
import io
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.codes import Sex
from app.services.roster import add_student, edit_student
from app.services.visits import add_attachment, finalize_visit, save_draft, start_visit
from app.store.db import Database, open_folder
from app.store.models import DISTRICT_SCOPE, Blob, Op, Student, Visit
from sync.engine import pending_changes, sync_folder
from sync.errors import SyncError
from sync.http_client import ServerRefused, Transport, sync_server
from sync.server.records import open_records
from sync.server.store import Device, ServerStore
from tests.conftest import PASSWORD, TODAY
from tests.server.conftest import District, Live, dump, seed_district
from tests.server.conftest import student as new_student

PURPOSE = "screening"


def server_dump(live: Live, cache: Path, *, scope: str | None = None) -> str:
    """The server's own materialised records as `export json` prints them (only what ``scope`` sees)."""
    records = open_records(live.store, cache)
    try:
        records.refresh()
        out = io.StringIO()
        records.export_json(out)
    finally:
        records.close()
    if scope is None:
        return out.getvalue()
    import json

    lines = out.getvalue().splitlines(keepends=True)
    device = Device("probe", None, scope, b"", False)
    visible = live.store.visible_rows(device, [json.loads(line)["id"] for line in lines])
    return "".join(line for line in lines if json.loads(line)["id"] in visible)


def enroll(live: Live, database: Database, scope: str) -> None:
    result = sync_server(database, live.url, enroll_code=live.store.new_enrollment_code(scope))
    assert result.ok, result.lines("en")


def test_district_and_three_school_laptops_converge(live: Live, laptops: Callable[[str], Database],
                                                    tmp_path: Path) -> None:
    bureau = laptops("bureau")
    seeded = seed_district(bureau)
    enroll(live, bureau, DISTRICT_SCOPE)
    a1, a2, b1 = laptops("a1"), laptops("a2"), laptops("b1")
    for laptop, school in ((a1, seeded.school_a), (a2, seeded.school_a), (b1, seeded.school_b)):
        enroll(live, laptop, school)
    assert dump(a1) == dump(a2) == server_dump(live, tmp_path / "c", scope=seeded.school_a)
    # Offline work on every laptop, including a conflict between the two laptops of school A.
    with a1.write() as session:
        edit_student(session, seeded.students_a[0], class_name="3班", registered_poor=True, today=TODAY)
        visit = start_visit(session, seeded.students_a[1], visited_on=TODAY, today=TODAY,
                            campaign_id=seeded.campaign)
        save_draft(session, visit.id, purpose=PURPOSE, family_situation="务农，收入低",
                   visitors=[{"name": "韦老师", "role": "班主任"}], today=TODAY)
        finalize_visit(session, visit.id)
    with a2.write() as session:
        edit_student(session, seeded.students_a[0], class_name="4班", left_behind="2", today=TODAY)
        add_student(session, new_student(seeded.school_a, name="𰻝小妹", sequence=91, sex=Sex.FEMALE),
                    today=TODAY)
    with b1.write() as session:
        edit_student(session, seeded.students_b[0], grade=5, today=TODAY)
    with bureau.write() as session:
        edit_student(session, seeded.students_b[1], class_name="1班", today=TODAY)
    for _ in range(2):
        for laptop in (a1, a2, b1, bureau):
            result = sync_server(laptop, live.url)
            assert result.ok, result.lines("en")
    assert dump(bureau) == server_dump(live, tmp_path / "c")
    assert dump(a1) == dump(a2) == server_dump(live, tmp_path / "c", scope=seeded.school_a)
    assert dump(b1) == server_dump(live, tmp_path / "c", scope=seeded.school_b)
    for laptop in (a1, a2, bureau):
        with laptop.read() as session:
            student = session.get(Student, seeded.students_a[0])
            assert student is not None and student.registered_poor and student.left_behind == "2"
            assert session.scalar(select(Student.id).where(Student.name == "𰻝小妹")) is not None
    conflicts = {(c["tbl"], c["field"])
                 for c in Transport(live.url, token=_token(bureau)).json("GET", "/v1/conflicts")}
    assert conflicts == {("student", "class_name")}
    assert pending_changes(a1) == 0 and pending_changes(bureau) == 0
    with b1.read() as session:
        assert session.scalar(select(func.count()).select_from(Visit)) == 0  # school A's visit is not B's


def _token(database: Database) -> str:
    from sync.http_client import server_state

    with database.read() as session:
        return str(session.execute(select(server_state.c.device_token)).scalar_one())


def test_records_travelling_by_folder_and_server_arrive_once(live: Live, laptops: Callable[[str], Database],
                                                             tmp_path: Path) -> None:
    bureau = laptops("bureau")
    seeded = seed_district(bureau)
    enroll(live, bureau, DISTRICT_SCOPE)
    school = laptops("school")
    enroll(live, school, seeded.school_a)
    share = tmp_path / "share"
    share.mkdir()
    # The same deployment also syncs through a folder: the bureau made the share with its keys.
    assert sync_folder(bureau, share, "区教育局-共享-口令").ok
    assert sync_folder(school, share).ok
    with school.write() as session:
        edit_student(session, seeded.students_a[0], class_name="6班", today=TODAY)
    for step in (lambda: sync_folder(school, share), lambda: sync_server(school, live.url),
                 lambda: sync_folder(bureau, share), lambda: sync_server(bureau, live.url),
                 lambda: sync_folder(bureau, share), lambda: sync_server(school, live.url)):
        result = step()
        assert result.ok, result.lines("en")
    assert dump(bureau) == server_dump(live, tmp_path / "c")
    for laptop in (bureau, school):
        with laptop.read() as session:
            total = session.scalar(select(func.count()).select_from(Op))
            distinct = session.scalar(select(func.count()).select_from(
                select(Op.device, Op.seq).distinct().subquery()))
            assert total == distinct
            assert session.get(Student, seeded.students_a[0]).class_name == "6班"  # type: ignore[union-attr]


def test_photos_follow_their_records_and_stay_in_scope(live: Live, laptops: Callable[[str], Database]) -> None:
    bureau = laptops("bureau")
    seeded = seed_district(bureau)
    enroll(live, bureau, DISTRICT_SCOPE)
    a1, a2, b1 = laptops("a1"), laptops("a2"), laptops("b1")
    for laptop, school in ((a1, seeded.school_a), (a2, seeded.school_a), (b1, seeded.school_b)):
        enroll(live, laptop, school)
    photo = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    with a1.write() as session:
        visit = start_visit(session, seeded.students_a[0], visited_on=TODAY, today=TODAY)
        add_attachment(session, visit.id, "photo", photo, "image/png")
    sent = sync_server(a1, live.url)
    assert sent.blobs_sent == 1 and sent.ok
    for laptop, expected in ((a2, 1), (bureau, 1), (b1, 0)):
        result = sync_server(laptop, live.url)
        assert result.blobs_received == expected, result.lines("en")
        with laptop.read() as session:
            held = session.get(Blob, hashlib.sha256(photo).hexdigest())
            assert (held is not None and held.data == photo) == bool(expected)
    assert sync_server(a1, live.url).blobs_sent == 0


def test_a_copied_database_never_reuses_op_ids(live: Live, laptops: Callable[[str], Database], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    bureau = laptops("bureau")
    seeded = seed_district(bureau)
    enroll(live, bureau, DISTRICT_SCOPE)
    original = laptops("original")
    enroll(live, original, seeded.school_a)
    # A backup restored on the same machine: an old copy of the folder, behind what the server holds.
    original.close()
    shutil.copytree(original.data_dir, tmp_path / "restored")
    original = open_folder(original.data_dir, "teacher", PASSWORD)
    with original.write() as session:
        edit_student(session, seeded.students_a[0], class_name="5班", today=TODAY)
    assert sync_server(original, live.url).ok
    restored = open_folder(tmp_path / "restored", "teacher", PASSWORD)
    try:
        result = sync_server(restored, live.url)
        assert result.ok and result.new_device_id, result.lines("en")
        with restored.write() as session:
            edit_student(session, seeded.students_a[1], class_name="9班", today=TODAY)
        assert sync_server(restored, live.url).ok
        # A copy opened on another machine took a new device id when opened: it enrolls itself the same way.
        restored.close()
        monkeypatch.setenv("JIAFANG_MACHINE_ID", "another-machine")
        shutil.copytree(tmp_path / "restored", tmp_path / "elsewhere")
        elsewhere = open_folder(tmp_path / "elsewhere", "teacher", PASSWORD)
        with elsewhere.write() as session:
            edit_student(session, seeded.students_a[2], class_name="7班", today=TODAY)
        moved = sync_server(elsewhere, live.url)
        assert moved.ok and moved.new_device_id
        elsewhere.close()
        restored = open_folder(tmp_path / "restored", "teacher", PASSWORD)
    finally:
        restored.close()
    # The restored copy took the token over (a token is handed on, never multiplied): the original is told so
    # and keeps its work until it enrolls again with a new code.
    with pytest.raises(ServerRefused) as handed_on:
        sync_server(original, live.url)
    assert handed_on.value.code == "replaced" and "新的登记码" in handed_on.value.zh
    with original.write() as session:
        edit_student(session, seeded.students_a[0], registered_poor=True, today=TODAY)
    again = sync_server(original, live.url, enroll_code=live.store.new_enrollment_code(seeded.school_a))
    assert again.ok and again.sent_ops >= 1, again.lines("en")
    assert sync_server(bureau, live.url).ok
    with bureau.read() as session:
        classes = [session.get(Student, s).class_name for s in seeded.students_a]  # type: ignore[union-attr]
        assert session.get(Student, seeded.students_a[0]).registered_poor  # type: ignore[union-attr]
    assert classes == ["5班", "9班", "7班"]
    assert len({d["id"] for d in live.store.devices()}) == 4
    original.close()


def test_without_enrollment_or_with_a_revoked_token_the_message_is_clear(live: Live,
                                                                         laptops: Callable[[str], Database]) -> None:
    laptop = laptops("x")
    with pytest.raises(SyncError) as missing:
        sync_server(laptop, live.url)
    assert "登记码" in missing.value.zh
    with pytest.raises(SyncError) as bad_code:
        sync_server(laptop, live.url, enroll_code="AAAA-BBBB-CCCC")
    assert "登记码无效" in bad_code.value.zh
    enroll(live, laptop, DISTRICT_SCOPE)
    live.store.revoke(live.store.devices()[0]["id"])
    with pytest.raises(SyncError) as revoked:
        sync_server(laptop, live.url)
    assert "撤销" in revoked.value.zh
    with pytest.raises(SyncError) as wrong_url:
        sync_server(laptop, "ftp://example")
    assert "服务器地址不对" in wrong_url.value.zh


def test_twenty_laptops_syncing_at_once_end_identical_to_the_server(
        live: Live, laptops: Callable[[str], Database], tmp_path: Path) -> None:
    bureau = laptops("bureau")
    seeded: District = seed_district(bureau, per_school=4)
    enroll(live, bureau, DISTRICT_SCOPE)
    fleet: list[tuple[Database, str]] = [(bureau, DISTRICT_SCOPE), (laptops("bureau-2"), DISTRICT_SCOPE)]
    fleet += [(laptops(f"a{i}"), seeded.school_a) for i in range(9)]
    fleet += [(laptops(f"b{i}"), seeded.school_b) for i in range(9)]
    assert len(fleet) == 20
    errors: list[BaseException] = []
    start = threading.Barrier(len(fleet))

    def work(index: int, laptop: Database, scope: str) -> None:
        try:
            start.wait(30)
            if index:
                enroll(live, laptop, scope)
            mine = seeded.students_a if scope == seeded.school_a else seeded.students_b
            school = seeded.school_a if scope != seeded.school_b else seeded.school_b
            for round_ in range(2):
                with laptop.write() as session:
                    edit_student(session, mine[(index + round_) % len(mine)], class_name=f"{index % 7 + 1}班",
                                 today=TODAY)
                    if round_ == 0:
                        add_student(session, new_student(school, name="新生", sequence=101 + 2 * index),
                                    today=TODAY)
                result = sync_server(laptop, live.url)
                assert result.ok, result.lines("en")
        except BaseException as exc:  # noqa: BLE001 - reported on the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i, laptop, scope)) for i, (laptop, scope) in enumerate(fleet)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(240)
    assert not errors, errors
    for laptop, _ in fleet:  # a last quiet round: everyone takes in what the others sent meanwhile
        assert sync_server(laptop, live.url).ok
    whole = server_dump(live, tmp_path / "c")
    per_school = {s: server_dump(live, tmp_path / "c", scope=s) for s in (seeded.school_a, seeded.school_b)}
    for laptop, scope in fleet:
        assert dump(laptop) == (whole if scope == DISTRICT_SCOPE else per_school[scope])
    assert whole.count('"name":"新生"') == 20
    assert sum(d["ops"] for d in live.store.devices()) == live.store.last_cursor()


def test_a_record_whose_parent_came_by_folder_waits_then_arrives(live: Live, laptops: Callable[[str], Database],
                                                                 tmp_path: Path) -> None:
    from app.services.integrity import check_store
    from app.services.roster import HouseholdInput, add_household

    bureau = laptops("bureau")
    seeded = seed_district(bureau)
    enroll(live, bureau, DISTRICT_SCOPE)
    both, folder_only = laptops("both"), laptops("folder-only")
    enroll(live, both, seeded.school_a)
    share = tmp_path / "school-share"
    share.mkdir()
    assert sync_folder(both, share, "石埠小学-共享-口令").ok
    assert sync_folder(folder_only, share, "石埠小学-共享-口令").ok
    with folder_only.write() as session:  # a laptop that never talks to the server makes a household
        home = add_household(session, HouseholdInput(scope=seeded.school_a, head_name="蒙大山")).id
    assert sync_folder(folder_only, share).ok
    assert sync_folder(both, share).ok
    with both.write() as session:  # ... and a server laptop enrolls a child into it
        child = add_student(session, new_student(seeded.school_a, name="蒙小山", sequence=95,
                                                        household_id=home), today=TODAY).id
    assert sync_server(both, live.url).ok
    waiting = sync_server(bureau, live.url)
    assert waiting.ok and waiting.waiting, waiting.lines("en")  # the household has not reached the server
    with bureau.read() as session:
        assert session.get(Student, child) is None
        assert check_store(session).ok
    assert sync_folder(bureau, share, "石埠小学-共享-口令").ok  # the household comes by the folder
    done = sync_server(bureau, live.url)
    assert done.ok and not done.waiting, done.lines("en")
    with bureau.read() as session:
        student = session.get(Student, child)
        assert student is not None and student.household_id == home
        assert check_store(session).ok


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from datetime import UTC, datetime, timedelta
    from ipaddress import ip_address

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jiafang.test")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "server.pem", folder / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_over_https_with_the_districts_own_certificate(store: ServerStore, laptops: Callable[[str], Database],
                                                       tmp_path: Path) -> None:
    from tests.server.conftest import start_server

    live_store = store
    cert, key = _self_signed(tmp_path)
    secure = start_server(live_store, tmp_path / "cache", tls=(cert, key))
    try:
        laptop = laptops("tls")
        code = live_store.new_enrollment_code(DISTRICT_SCOPE)
        with pytest.raises(SyncError) as untrusted:
            sync_server(laptop, secure.url, enroll_code=code)
        assert "证书" in untrusted.value.zh
        assert sync_server(laptop, secure.url, enroll_code=code, ca_file=str(cert)).ok
        assert sync_server(laptop, secure.url, ca_file=str(cert)).ok
    finally:
        secure.stop()
