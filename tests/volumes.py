"""Real little file systems for the tests of full and read-only disks (a USB stick, a full laptop disk)."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def small_volume(path: Path, size_kb: int) -> Iterator[Callable[[str], None]]:
    """A tmpfs of ``size_kb`` at ``path``: it fills up as a real disk does, and can be remounted read-only.
    Needs root (as CI runs); yields a function that remounts it with other options."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a test volume here: {done.stderr.strip()}")

    def remount(options: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{options}", str(path)], check=True)

    try:
        yield remount
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)
