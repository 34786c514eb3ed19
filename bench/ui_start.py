"""Issue 4's start-up and memory figures, on a 100,000-student district.

    python -m bench.ui_start [--runs N]

- Cold start: a new Python process until the main window is shown and painted (signed in with the real
  Argon2 cost, Today page built; its lists then load in the background), against a bare PySide6 script that
  shows an empty QMainWindow. Both run alternately in the same run, N times each; medians are compared.
  Also reported: the time to the first window a person sees (the sign-in dialog), the time from pressing
  Enter on the password to the main window (the store and pages were imported while the password was
  typed), and the parts of the scripted start (imports, unlocking, the window).
- Peak memory (max RSS): the main window with the roster open, scrolled from top to bottom in jumps, searched,
  filtered, against the bare window; over the whole process, and from just after sign-in (Argon2 takes
  64 MiB for a moment while it unlocks the data key).

The district is built once with ``generate_demo(students=100_000)`` into a cache folder under /tmp named after
the schema version and a hash of the demo generator, so a schema or generator change builds a new one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-42"
# The district of ui_start, search and reports; `python -m bench --quick` sets a small one.
STUDENTS = int(os.environ.get("JIAFANG_BENCH_STUDENTS", "100000"))
TODAY = date(2026, 11, 29)
WORK_BOUND = 2.0
MEMORY_BOUND_MB = 150


def cache_dir() -> Path:
    """Named after the schema version and the demo generator, so either changing builds a new district."""
    from app.store.migrations import SCHEMA_VERSION

    digest = hashlib.sha256((ROOT / "app" / "services" / "demo.py").read_bytes()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / "jiafang-bench-cache" / f"district-{STUDENTS}-v{SCHEMA_VERSION}-{digest}"


def cached_district() -> Path:
    """The data folder of the 100,000-student demo district, built on first use (a few minutes)."""
    data = cache_dir() / "data"
    if (data / "keyslots.json").exists() and (cache_dir() / "done").exists():
        return data
    import shutil

    from app.domain.codes import UserRole
    from app.services.demo import generate_demo
    from app.store.db import create_folder

    shutil.rmtree(cache_dir(), ignore_errors=True)
    cache_dir().mkdir(parents=True)
    print(f"building the {STUDENTS}-student district in {data} (once) ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    database = create_folder(data, username="admin", password=PASSWORD, display_name="区教育局管理员",
                             role=UserRole.DISTRICT, device_name="bench")
    try:
        generate_demo(database, students=STUDENTS, today=TODAY)
    finally:
        database.close()
    (cache_dir() / "done").write_text(f"{time.perf_counter() - started:.0f} s\n")
    return data


# The peak RSS of this process image in KiB: VmHWM on Linux (ru_maxrss would carry the parent's peak
# across fork and exec, and the bench process holds a 100,000-student build), ru_maxrss elsewhere.
PEAK = r"""
def peak_kib():
    import os
    if os.path.exists("/proc/self/status"):
        return int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // (1024 if sys.platform == "darwin" else 1)
"""

BARE = PEAK + r"""
import sys
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1200, 760)
window.show()
QTest.qWaitForWindowExposed(window)
app.processEvents()
print("READY", flush=True)
if "--memory" in sys.argv:
    print("PEAK", peak_kib(), flush=True)
"""

APP = PEAK + r"""
import os, sys, time
marks = {"start": time.perf_counter()}
from pathlib import Path
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from app.config import load_settings
from app.ui.i18n import install_language
from app.ui.main import LoginDialog, WarmUp
app = QApplication(sys.argv)
data = Path(sys.argv[1])
settings = load_settings(data)
install_language(str(settings["language"]))
# As app.ui.main.run does: the store and the pages are imported in the background once the first window is painted.
warming = WarmUp()
if "--login" in sys.argv:
    # The first window a person sees: the sign-in dialog.
    dialog = LoginDialog(data)
    warming.start_when_painted(dialog)
    dialog.show()
    QTest.qWaitForWindowExposed(dialog)
    app.processEvents()
    print("READY", flush=True)
    warming.join()
    if "--submit" in sys.argv:
        # Then the person has typed the password (the imports have long finished): press Enter.
        app.processEvents()
        pressed = time.perf_counter()
        dialog.password.setText(os.environ["JIAFANG_PASSWORD"])
        dialog.submit()
        from app.ui.app_window import MainWindow
        window = MainWindow(dialog.database, idle_lock_minutes=int(settings["idle_lock_minutes"]))
        window.show()
        QTest.qWaitForWindowExposed(window)
        app.processEvents()
        print("SUBMIT_TO_MAIN", round(time.perf_counter() - pressed, 3), flush=True)
        window.close()
        from app.ui.background import wait_for_background
        wait_for_background()
        dialog.database.close()
    sys.exit(0)
marks["qt"] = time.perf_counter()
warming.start()  # no dialog here: the imports run while the password is checked, as they do after it appears
# The sign-in dialog's work, with the password a person would type.
from app.store.db import open_folder
database = open_folder(data, "admin", os.environ["JIAFANG_PASSWORD"])
marks["unlocked"] = time.perf_counter()
if "--after-sign-in" in sys.argv and os.path.exists("/proc/self/clear_refs"):
    # Argon2 takes 64 MiB for a moment while unlocking; the figure after this point is the app's own.
    # Writing 5 resets the peak (VmHWM) to the current RSS (Linux).
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
warming.join()
marks["imported"] = time.perf_counter()
from app.ui.app_window import MainWindow
window = MainWindow(database, idle_lock_minutes=int(settings["idle_lock_minutes"]))
window.show()
QTest.qWaitForWindowExposed(window)
app.processEvents()
marks["shown"] = time.perf_counter()
print("READY", flush=True)
print("MARKS", {k: round(v - marks["start"], 3) for k, v in marks.items()}, flush=True)
if "--memory" in sys.argv:
    from app.ui.background import wait_for_background
    roster = window.show_page("roster")
    bar = roster.table.verticalScrollBar()
    for step in range(0, 101):
        bar.setValue(bar.maximum() * step // 100)
        app.processEvents()
    for text in ("韦", "wxm", "4501", "G45010720", "黄丽", ""):
        roster.search.setText(text)
        app.processEvents()
    roster.registered_poor.setChecked(True)
    roster.key_target.setChecked(True)
    app.processEvents()
    roster.clear_filters()
    window.navigate("student", roster.model.row(500).id)
    app.processEvents()
    window.show_page("households")
    app.processEvents()
    window.show_page("today")
    wait_for_background()
    app.processEvents()
    print("PEAK", peak_kib(), flush=True)
window.close()
from app.ui.background import wait_for_background
wait_for_background()  # the Today page's lists may still be loading
database.close()
"""


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               JIAFANG_PASSWORD=PASSWORD, PYTHONPATH=str(ROOT))
    return env


def _run(code: str, *args: str) -> tuple[float, dict[str, str]]:
    """Seconds from starting the process to its READY line, and its other report lines."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=_env(), cwd=ROOT)
    assert process.stdout is not None
    ready = None
    report: dict[str, str] = {}
    for line in process.stdout:
        if line.startswith("READY") and ready is None:
            ready = time.perf_counter() - started
        elif " " in line:
            key, value = line.strip().split(" ", 1)
            report[key] = value
    if process.wait() != 0 or ready is None:
        raise RuntimeError(f"child failed ({process.returncode}): {args}")
    return ready, report


def run(runs: int = 7) -> dict[str, object]:
    data = cached_district()
    _run(BARE)  # warm the file cache for both before measuring
    _run(APP, str(data))
    bare, app, login, submit, marks = [], [], [], [], []
    for _ in range(runs):
        bare.append(_run(BARE)[0])
        seconds, report = _run(APP, str(data))
        app.append(seconds)
        marks.append(report.get("MARKS", ""))
        seconds, report = _run(APP, str(data), "--login", "--submit")
        login.append(seconds)
        submit.append(float(report["SUBMIT_TO_MAIN"]))
    bare_rss = int(_run(BARE, "--memory")[1]["PEAK"]) / 1024
    app_rss = int(_run(APP, str(data), "--memory")[1]["PEAK"]) / 1024
    app_hwm = int(_run(APP, str(data), "--memory", "--after-sign-in")[1]["PEAK"]) / 1024
    result = {
        "students": STUDENTS,
        "bare_window_s": round(statistics.median(bare), 3),
        "app_main_window_s": round(statistics.median(app), 3),
        "app_sign_in_dialog_s": round(statistics.median(login), 3),
        "ratio_main_window": round(statistics.median(app) / statistics.median(bare), 2),
        "ratio_sign_in_dialog": round(statistics.median(login) / statistics.median(bare), 2),
        "app_password_to_main_window_s": round(statistics.median(submit), 3),
        "app_parts_last_run": marks[-1],
        "bare_peak_rss_mb": round(bare_rss, 1),
        "app_peak_rss_mb": round(app_rss, 1),
        "extra_rss_mb": round(app_rss - bare_rss, 1),
        "app_peak_after_sign_in_mb": round(app_hwm, 1),
        "extra_after_sign_in_mb": round(app_hwm - bare_rss, 1),
        "runs": runs,
    }
    result["start_within_bound"] = result["ratio_main_window"] <= WORK_BOUND  # type: ignore[operator]
    result["memory_within_bound"] = result["extra_rss_mb"] <= MEMORY_BOUND_MB  # type: ignore[operator]
    result["memory_after_sign_in_within_bound"] = result["extra_after_sign_in_mb"] <= MEMORY_BOUND_MB  # type: ignore[operator]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(json.dumps(run(args.runs), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
