"""Run by the crash test in its own process: open a visit form, type, and say when the autosave has run.

The parent kills this process with SIGKILL once it reads AUTOSAVED, so nothing here gets to clean up.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    data_dir, visit_id, password = sys.argv[1], sys.argv[2], os.environ["JIAFANG_TEST_PASSWORD"]
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.store.db import open_folder
    from app.ui.pages.visits import VisitForm

    app = QApplication([])
    database = open_folder(Path(data_dir), "admin", password)
    form = VisitForm(database, autosave_seconds=1)
    form.load(visit_id)
    form.resize(900, 700)
    form.show()
    situation = form.blocks["family_situation"].editor
    situation.setFocus()
    situation.insertPlainText("孩子想去广东打工，奶奶不同意")  # type: ignore[attr-defined]
    QTest.keyClicks(form.blocks["contact_phone"].editor, "138abc")  # not a phone number yet
    QTest.keyClicks(form.blocks["visited_time"].editor, "09:15")
    form.autosaved.connect(lambda _changed: print("AUTOSAVED", flush=True))
    print("TYPED", flush=True)
    app.exec()


if __name__ == "__main__":
    main()
