"""Start-up imports only what the first screen needs: the heavy modules load when first used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("reportlab", "openpyxl", "python_calamine_plus", "cryptography", "fastapi", "starlette", "uvicorn", "pypinyin")

PROBE = """
import json, sys
import app.cli
from app.ui.main import _warm_up_imports
_warm_up_imports()  # the store and every page, imported while the password is typed
import app.services.reports, app.services.ledgers, app.services.warnings, app.services.importing
import app.services.exchange, app.services.search, sync.engine, sync.http_client
print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))
"""


def test_the_cli_the_pages_and_the_services_import_no_heavy_module() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=env)
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


SIGN_IN_PROBE = """
import json, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from app.ui.main import LoginDialog
dialog = LoginDialog(Path(sys.argv[1]))
dialog.show()
app.processEvents()  # the recovery-key check runs as the window appears
dialog.check_recovery()
print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))
"""


def test_the_sign_in_window_appears_without_the_store(tmp_path: Path) -> None:
    """The store (SQLAlchemy, the models) is imported in the background while the password is typed; nothing
    the sign-in window does when it appears may import it on the UI thread first (a visible freeze)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", SIGN_IN_PROBE, str(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "sqlalchemy" not in loaded and not loaded & set(HEAVY)
