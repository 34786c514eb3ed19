"""Convergence as a property: three laptops make random creates, edits and deletes and sync through one folder
in random order, while bundles get damaged; in the end all hold the same records and the same conflicts, and
every value anybody wrote is still in the log."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from app.services.places import add_school
from app.store import keys, oplog
from app.store.db import Database, create_folder
from app.store.models import Conflict, School
from sync.engine import sync_folder
from tests.conftest import FAST_KDF, PASSWORD
from tests.services.support import dump

PASSPHRASE = "convergence-share"
NAMES = ["石埠小学", "坛洛小学", "金陵中学", "双定小学", "𰻝屯教学点"]
PHONES = ["0771-3100001", "0771-3100002", "13877110000", None]




def _conflicts(database: Database) -> list[tuple[str, str, str, list[str]]]:
    with database.read() as session:
        from sqlalchemy import select

        return [(c.tbl, c.row_id, c.field, c.heads) for c in session.scalars(select(Conflict).order_by(
            Conflict.tbl, Conflict.row_id, Conflict.field))]


class Laptops(RuleBasedStateMachine):
    @initialize()
    def setup(self) -> None:
        import sync.crypto

        keys.DEFAULT_KDF = FAST_KDF
        sync.crypto.SHARE_KDF = FAST_KDF
        os.environ["JIAFANG_MACHINE_ID"] = "test-machine"
        self.root = Path(tempfile.mkdtemp(prefix="jiafang-converge-"))
        self.share = self.root / "share"
        self.share.mkdir()
        self.laptops = [create_folder(self.root / f"laptop{i}", username="admin", password=PASSWORD)
                        for i in range(3)]
        self.rows: list[str] = []
        self.written: set[tuple[str, str, str]] = set()  # (row, field, value) ever written anywhere
        for laptop in self.laptops:
            sync_folder(laptop, self.share, PASSPHRASE)

    def teardown(self) -> None:
        for laptop in getattr(self, "laptops", []):
            laptop.close()
        if hasattr(self, "root"):
            shutil.rmtree(self.root, ignore_errors=True)

    @rule(laptop=st.integers(0, 2), name=st.sampled_from(NAMES))
    def create(self, laptop: int, name: str) -> None:
        with self.laptops[laptop].write() as session:
            school = add_school(session, name=name, school_type="primary")
            self.rows.append(school.id)
        self.written.add((school.id, "name", name))

    @precondition(lambda self: self.rows)
    @rule(laptop=st.integers(0, 2), row=st.integers(0, 50), field=st.sampled_from(["name", "phone"]),
          value=st.integers(0, 4))
    def edit(self, laptop: int, row: int, field: str, value: int) -> None:
        row_id = self.rows[row % len(self.rows)]
        new = NAMES[value] if field == "name" else PHONES[value % len(PHONES)]
        with self.laptops[laptop].write() as session:
            school = session.get(School, row_id)
            if school is None:
                return  # this laptop has not received that school yet
            if oplog.update(session, school, {field: new}) and new is not None:
                self.written.add((row_id, field, new))

    @precondition(lambda self: self.rows)
    @rule(laptop=st.integers(0, 2), row=st.integers(0, 50), deleted=st.booleans())
    def delete_or_restore(self, laptop: int, row: int, deleted: bool) -> None:
        row_id = self.rows[row % len(self.rows)]
        with self.laptops[laptop].write() as session:
            school = session.get(School, row_id)
            if school is not None:
                oplog.update(session, school, {"deleted": deleted})

    @rule(laptop=st.integers(0, 2))
    def sync(self, laptop: int) -> None:
        sync_folder(self.laptops[laptop], self.share)

    @rule(pick=st.randoms(use_true_random=False), cut=st.floats(0.05, 0.95))
    def damage_a_bundle(self, pick: random.Random, cut: float) -> None:
        """A USB stick pulled mid-copy: some bundle on the share is truncated."""
        files = sorted(self.share.rglob("*.jfb"))
        if files:
            victim = pick.choice(files)
            data = victim.read_bytes()
            victim.write_bytes(data[: int(len(data) * cut)])

    @rule(pick=st.randoms(use_true_random=False))
    def replay_a_bundle(self, pick: random.Random) -> None:
        """An old copy of a bundle reappears (restored from a backup of the share): harmless."""
        files = sorted(self.share.rglob("*.jfb"))
        if files:
            victim = pick.choice(files)
            os.utime(victim)

    @invariant()
    def tables_agree_with_their_logs(self) -> None:
        for laptop in self.laptops:
            with laptop.read() as session:
                assert oplog.compare_with_log(session, limit=5) == []

    def converge(self) -> None:
        for _ in range(3):  # repairs of damaged bundles need their origin's sync, then the others'
            for laptop in self.laptops:
                sync_folder(laptop, self.share)

    def check_converged(self) -> None:
        self.converge()
        dumps = [dump(laptop) for laptop in self.laptops]
        assert dumps[0] == dumps[1] == dumps[2]
        conflicts = [_conflicts(laptop) for laptop in self.laptops]
        assert conflicts[0] == conflicts[1] == conflicts[2]
        with self.laptops[0].read() as session:
            held = {(op.row_id, name, op.value_of(name)) for op in oplog.iter_log(session)
                    for name in ("name", "phone") if op.tbl == "school" and op.touches(name)}
        assert self.written <= held  # no value anybody wrote was lost


class ConvergingLaptops(Laptops):
    def teardown(self) -> None:
        if hasattr(self, "laptops"):
            self.check_converged()
        super().teardown()


ConvergingLaptops.TestCase.settings = settings(
    max_examples=20, stateful_step_count=15, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
test_three_laptops_converge = ConvergingLaptops.TestCase


KILL_SCRIPT = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from app.store import keys
    import sync.crypto
    keys.DEFAULT_KDF = keys.KdfParams(1, 1024, 1)
    sync.crypto.SHARE_KDF = keys.DEFAULT_KDF
    os.environ["JIAFANG_MACHINE_ID"] = "test-machine"
    from app.store.db import open_folder
    from sync.engine import sync_folder
    database = open_folder(Path(sys.argv[1]), None, sys.argv[2])
    print("syncing", flush=True)
    sync_folder(database, Path(sys.argv[3]), sys.argv[4])
    print("done", flush=True)
""")


def test_killed_mid_sync_then_restarted_converges(tmp_path: Path) -> None:
    """Kill the receiving laptop's sync at random moments; after a normal sync it matches, with no op twice."""
    import sync.crypto
    from app.services.demo import generate_demo
    keys.DEFAULT_KDF = FAST_KDF
    sync.crypto.SHARE_KDF = FAST_KDF
    share = tmp_path / "share"
    share.mkdir()
    origin = create_folder(tmp_path / "origin", username="admin", password=PASSWORD)
    generate_demo(origin, students=400, seed=5)
    import sync.engine
    saved, sync.engine.OPS_PER_BUNDLE = sync.engine.OPS_PER_BUNDLE, 250  # many bundles: many kill points
    try:
        sync_folder(origin, share, PASSPHRASE)
    finally:
        sync.engine.OPS_PER_BUNDLE = saved
    receiver_dir = tmp_path / "receiver"
    create_folder(receiver_dir, username="admin", password=PASSWORD).close()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    rng = random.Random(11)
    for _ in range(4):
        with subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(receiver_dir), PASSWORD, str(share),
                               PASSPHRASE], stdout=subprocess.PIPE, env=env) as process:
            assert process.stdout is not None
            process.stdout.readline()  # "syncing": the database is open, the sync has begun
            time.sleep(rng.uniform(0.0, 0.6))  # where it dies does not matter: every point must be safe
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
    from app.store.db import open_folder

    receiver = open_folder(receiver_dir, None, PASSWORD)
    try:
        result = sync_folder(receiver, share, PASSPHRASE)
        assert result.ok, result.lines("en")
        assert dump(receiver) == dump(origin)
        with receiver.read() as session, origin.read() as origin_session:
            count = session.connection().exec_driver_sql("SELECT count(*) FROM op_log").scalar()
            own = session.connection().exec_driver_sql("SELECT last_seq FROM device_state").scalar()
            expected = origin_session.connection().exec_driver_sql("SELECT count(*) FROM op_log").scalar()
            # No op applied twice, none missing; the receiver's own ops are the audit events of its
            # sign-in-free sync (the backup it made before applying).
            assert count - own == expected
            assert oplog.compare_with_log(session) == []
    finally:
        receiver.close()
        origin.close()
