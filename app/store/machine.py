"""Which machine (and OS account) this is, so a database copied to another laptop notices it."""

from __future__ import annotations

import hashlib
import os
import platform
import uuid
from pathlib import Path

MACHINE_ID_ENV = "JIAFANG_MACHINE_ID"


def machine_fingerprint() -> str:
    """A random id kept in the user's config folder (created on first use).

    Not the network card's address: Python makes that up afresh per process on some machines, and a device
    id must never change by accident. Tests and simulations of several laptops set JIAFANG_MACHINE_ID.
    """
    override = os.environ.get(MACHINE_ID_ENV)
    if override:
        return hashlib.sha256(override.encode()).hexdigest()[:32]
    from platformdirs import user_config_dir

    path = Path(user_config_dir("Jiafang", appauthor=False)) / "machine-id"
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
