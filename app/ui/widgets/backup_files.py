"""How a backup file is described on screen (the Backups page's table, the restore dialog's list): its time,
its kind in words, its size."""

from __future__ import annotations

from datetime import datetime

from app.services.backup import BackupKind
from app.ui.i18n import QT_TRANSLATE_NOOP
from app.ui.qt import QCoreApplication, QLocale

CONTEXT = "BackupTable"
KIND_LABELS = {
    BackupKind.MANUAL: QT_TRANSLATE_NOOP("BackupTable", "By hand"),
    BackupKind.DAILY: QT_TRANSLATE_NOOP("BackupTable", "Daily (automatic)"),
    BackupKind.BEFORE_SYNC: QT_TRANSLATE_NOOP("BackupTable", "Before a sync (automatic)"),
    BackupKind.BEFORE_MIGRATION: QT_TRANSLATE_NOOP("BackupTable", "Before a data upgrade (automatic)"),
}


def kind_label(kind: BackupKind) -> str:
    return QCoreApplication.translate(CONTEXT, KIND_LABELS[kind])


def size_text(size: int) -> str:
    """A file size as people read it (1.2 MB), in the interface's locale."""
    return QLocale().formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeTraditionalFormat)


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
