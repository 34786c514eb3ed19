"""Start-up imports only what the first screen needs: the heavy modules load when first used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("reportlab", "openpyxl", "xlrd", "cryptography", "fastapi", "starlette", "uvicorn", "pypinyin")

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
