"""``jiafang --smoke-test``: prove that a build can start, without a person at the screen.

Opens a database (the data folder's, when it holds one and $JIAFANG_PASSWORD opens it; otherwise a new one in
a temporary folder), builds the main window offscreen, grabs its first page to an image, prints a blank visit
sheet (the temporary database only: it writes an audit record), and returns one line describing what ran.
It exercises what a frozen build most often lacks: Qt's platform plugin, the translations, SQLCipher, Argon2,
reportlab's fonts.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__
from app.config import PASSWORD_ENV
from app.resources import is_frozen

if TYPE_CHECKING:
    from app.store.db import Database

__all__ = ["smoke_test"]


def smoke_test(data_dir: Path, *, lang: str, user: str | None = None) -> str:
    """Run the smoke test; returns the line to print. Raises on any failure."""
    # Before Qt is imported: a build server, a CI runner or a technician's ssh session has no screen.
    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from app.domain.codes import SchoolType, UserRole
    from app.services.places import add_school
    from app.store.db import create_folder, folder_exists, open_folder
    from app.ui.app_window import MainWindow
    from app.ui.background import wait_for_background
    from app.ui.i18n import install_language, qm_file
    from app.ui.qt import QApplication, QGuiApplication

    with ExitStack() as stack:
        password = os.environ.get(PASSWORD_ENV)
        temporary = not (folder_exists(data_dir) and password)
        if temporary:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="jiafang-smoke-")))
            database = create_folder(folder / "data", username="smoke", password=secrets.token_urlsafe(16),
                                     role=UserRole.SCHOOL_ADMIN, device_name="smoke-test")
            with database.write() as session:
                add_school(session, name="冒烟测试小学", school_type=SchoolType.PRIMARY)
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="jiafang-smoke-")))
            database = open_folder(data_dir, user, password or "")
        stack.callback(database.close)

        app = QApplication.instance() or QApplication(["jiafang", "--smoke-test"])
        install_language(lang)
        translations = int(qm_file("zh").is_file())
        window = MainWindow(database)
        stack.callback(window.deleteLater)
        stack.callback(wait_for_background)
        window.show()
        app.processEvents()
        key = window.current_key() or ""
        image = window.grab().toImage()
        if image.isNull() or image.width() < 100 or image.height() < 100:
            raise RuntimeError(f"the main window rendered an empty image ({image.width()}x{image.height()})")
        shot = folder / "smoke.png"
        if not image.save(str(shot)):
            raise RuntimeError("could not save the rendered page")
        window.close()

        pdf = "skipped"
        if temporary:
            pdf = _print_blank_sheet(database)
    where = "temporary database" if temporary else "data folder"
    build = "frozen" if is_frozen() else "source"
    return (f"jiafang {__version__} smoke test ok ({build}, {where}, platform {QGuiApplication.platformName()}): "
            f"{len(window.specs)} pages, page {key!r} rendered {image.width()}x{image.height()}, "
            f"translations {translations}, pdf {pdf}")


def _print_blank_sheet(database: Database) -> str:
    from app.documents.fonts import NoFontError
    from app.services.documents import blank_pdf

    try:
        with database.write() as session:
            document = blank_pdf(session)
    except NoFontError:
        # The build works; this machine lacks a CJK font (the message of `jiafang pdf` says which to install).
        return "skipped (no CJK font on this machine)"
    if not document.pdf.startswith(b"%PDF"):
        raise RuntimeError("the blank visit sheet is not a PDF")
    return f"{len(document.pdf) // 1024} KiB"
