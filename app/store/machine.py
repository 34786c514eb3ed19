"""Which machine (and OS account) this is, so a database copied to another laptop notices it; and how far this
machine has published each device's ops, so a database copied back over a newer one on the same laptop notices
it too."""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import re
import uuid
from pathlib import Path

MACHINE_ID_ENV = "JIAFANG_MACHINE_ID"
MACHINE_DIR_ENV = "JIAFANG_MACHINE_DIR"  # where the machine's own records live (tests point it at a temp folder)
_DEVICE_ID = re.compile(r"[0-9a-f-]{36}")


def machine_dir() -> Path:
    """The machine's (and OS account's) own folder: outside every data folder, so copying one back or
    restoring it leaves this as it was."""
    override = os.environ.get(MACHINE_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("Jiafang", appauthor=False))


def machine_fingerprint() -> str:
    """A random id kept in the user's config folder (created on first use).

    Not the network card's address: Python makes that up afresh per process on some machines, and a device
    id must never change by accident. Tests and simulations of several laptops set JIAFANG_MACHINE_ID.
    """
    override = os.environ.get(MACHINE_ID_ENV)
    if override:
        return hashlib.sha256(override.encode()).hexdigest()[:32]
    path = machine_dir() / "machine-id"
    try:
        text = path.read_text(encoding="ascii").strip()
        if text:
            return text
    except OSError:
        pass
    text = uuid.uuid4().hex
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="ascii")
    except OSError:
        return hashlib.sha256(platform.node().encode()).hexdigest()[:32]
    return text


def _published_path(device_id: str) -> Path | None:
    return machine_dir() / "published" / device_id if _DEVICE_ID.fullmatch(device_id) else None


def published_seq(device_id: str) -> int:
    """The highest seq of ``device_id``'s ops this machine has put on a share or the server (0 when none or
    unknown). A database of that device whose log ends below it is an older copy of itself."""
    path = _published_path(device_id)
    try:
        return int(path.read_text(encoding="ascii")) if path is not None else 0
    except (OSError, ValueError):
        return 0


def mark_published(device_id: str, seq: int) -> None:
    """Remember that ``device_id``'s ops up to ``seq`` left this machine. Best effort: a machine that cannot
    write it still has the sync's own check (the share or server holding ops this database did not make)."""
    path = _published_path(device_id)
    if path is None or seq <= published_seq(device_id):
        return
    part = path.with_name(path.name + ".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part.write_text(str(seq), encoding="ascii")
        os.replace(part, path)
    except OSError:
        with contextlib.suppress(OSError):
            part.unlink()
