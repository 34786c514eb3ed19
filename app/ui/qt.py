"""The one place the app imports Qt from (as Anki's aqt/qt does), so the binding is named once."""

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "QApplication", "QDialog", "QDialogButtonBox", "QFont", "QFormLayout", "QLabel", "QLineEdit", "QMainWindow",
    "QMessageBox", "QObject", "QProgressDialog", "QPushButton", "QThread", "QTimer", "QVBoxLayout", "QWidget", "Qt",
    "Signal",
]
