"""The desktop app's entry: first-run setup or sign-in, then the main window.

Widgets call services only; every message shown comes from a DomainError or from the tr() table here.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.domain.errors import DomainError
from app.domain.i18n import current_language, set_language
from app.store.db import Database, create_folder, folder_exists, open_folder
from app.ui.qt import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressDialog,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from app.ui.worker import Cancelled, Task


def tr(zh: str, en: str) -> str:
    return zh if current_language() == "zh" else en


class _Form(QDialog):
    """A small form dialog with an error line that shows DomainError messages in place."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("确定", "OK"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消", "Cancel"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.database: Database | None = None

    def line(self, label: str, *, secret: bool = False, text: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        if secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(label, edit)
        return edit

    def submit(self) -> None:
        try:
            self.database = self.attempt()
        except DomainError as exc:
            self.error.setText(str(exc))
            return
        self.accept()

    def attempt(self) -> Database:
        raise NotImplementedError


class SetupDialog(_Form):
    """First run: this laptop's school and its first administrator."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(tr("设置我的学校", "Set up my school"), parent)
        self.data_dir = data_dir
        self.school = self.line(tr("学校名称", "School name"))
        self.device = self.line(tr("本机名称", "This laptop's name"))
        self.username = self.line(tr("管理员用户名", "Administrator user name"), text="admin")
        self.password = self.line(tr("密码", "Password"), secret=True)
        self.repeat = self.line(tr("再次输入密码", "Repeat password"), secret=True)

    def attempt(self) -> Database:
        from app.domain.codes import SchoolType, UserRole
        from app.domain.errors import ValidationError
        from app.services.common import require_text
        from app.services.places import add_school

        school = require_text(self.school.text(), "name", "学校名称", "School name", max_length=80)
        if self.password.text() != self.repeat.text():
            raise ValidationError("两次输入的密码不一致。", "The two passwords differ.", field="password")
        database = create_folder(self.data_dir, username=self.username.text(), password=self.password.text(),
                                 role=UserRole.SCHOOL_ADMIN, device_name=self.device.text() or None)
        with database.write() as session:
            add_school(session, name=school, school_type=SchoolType.PRIMARY)
        return database


class DemoDialog(_Form):
    """First run, trying the app: a synthetic district is generated in the background."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(tr("试用演示区", "Try the demo district"), parent)
        self.data_dir = data_dir
        intro = QLabel(tr("将生成一个虚构的西乡塘区（学生、家庭、家访和劝返个案均为合成数据），管理员用户名为 admin。",
                          "A fictional Xixiangtang district will be generated (all students, households, visits "
                          "and cases are synthetic). The administrator's user name is admin."))
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.students = self.line(tr("学生人数", "Number of students"), text="20000")
        self.password = self.line(tr("管理员密码", "Administrator password"), secret=True)
        self.repeat = self.line(tr("再次输入密码", "Repeat password"), secret=True)
        self.task: Task | None = None
        self.progress: QProgressDialog | None = None

    def submit(self) -> None:
        from app.domain.codes import UserRole
        from app.domain.errors import ValidationError
        from app.services.demo import generate_demo

        try:
            try:
                count = int(self.students.text())
            except ValueError:
                count = 0
            if not 1 <= count <= 200_000:
                raise ValidationError("学生人数应在 1 到 200000 之间。", "Students must be between 1 and 200000.",
                                      field="students")
            if self.password.text() != self.repeat.text():
                raise ValidationError("两次输入的密码不一致。", "The two passwords differ.", field="password")
            existed = self.data_dir.exists()
            database = create_folder(self.data_dir, username="admin", password=self.password.text(),
                                     display_name=tr("区教育局管理员", "District administrator"),
                                     role=UserRole.DISTRICT, device_name="demo")
        except DomainError as exc:
            self.error.setText(str(exc))
            return
        self.database = database
        self._existed = existed
        self.progress = QProgressDialog(tr("正在生成演示数据…", "Generating the demo district…"), tr("取消", "Cancel"),
                                        0, 100, self)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.task = Task(lambda report: generate_demo(database, students=count, progress=report))
        self.task.progressed.connect(self._progressed)
        self.task.succeeded.connect(self._done)
        self.task.failed.connect(self._failed)
        self.progress.canceled.connect(self.task.cancel)
        self.task.start()

    def _progressed(self, stage: str, fraction: float) -> None:
        if self.progress is not None:
            self.progress.setValue(int(fraction * 100))

    def _done(self, _summary: object) -> None:
        if self.progress:
            self.progress.reset()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        from app.store.db import remove_data_folder
        from app.store.errors import translate

        if self.progress:
            self.progress.reset()
        if self.database is not None:
            self.database.close()
            self.database = None
        remove_data_folder(self.data_dir, keep_folder=self._existed)
        if isinstance(exc, Cancelled):
            self.error.setText(tr("已取消，没有留下任何数据。", "Cancelled; nothing was kept."))
        elif isinstance(exc, DomainError):
            self.error.setText(str(exc))
        elif isinstance(exc, OSError):
            self.error.setText(str(translate(exc)))
        else:
            raise exc


class FirstRunDialog(QDialog):
    """The very first screen: try the demo district, or set up this laptop's school."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("欢迎使用家访通", "Welcome to Jiafang"))
        self.data_dir = data_dir
        self.database: Database | None = None
        layout = QVBoxLayout(self)
        welcome = QLabel(tr("家访通：控辍保学家访与劝返台账。第一次使用，请选择：",
                            "Jiafang: home visits and dropout cases. First time here, choose:"))
        welcome.setWordWrap(True)
        layout.addWidget(welcome)
        self.demo_button = QPushButton(tr("试用演示区（合成数据）", "Try the demo district (synthetic data)"))
        self.setup_button = QPushButton(tr("设置我的学校", "Set up my school"))
        for button in (self.demo_button, self.setup_button):
            button.setMinimumHeight(48)
            layout.addWidget(button)
        self.demo_button.clicked.connect(lambda: self._open(DemoDialog(self.data_dir, self)))
        self.setup_button.clicked.connect(lambda: self._open(SetupDialog(self.data_dir, self)))

    def _open(self, dialog: _Form) -> None:
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.database is not None:
            self.database = dialog.database
            self.accept()


class LoginDialog(_Form):
    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(tr("登录家访通", "Sign in to Jiafang"), parent)
        self.data_dir = data_dir
        self.username = self.line(tr("用户名", "User name"), text="admin")
        self.password = self.line(tr("密码", "Password"), secret=True)

    def attempt(self) -> Database:
        return open_folder(self.data_dir, self.username.text() or None, self.password.text())


class MainWindow(QMainWindow):
    """The main window: the start page and a status bar with the user and the pending changes."""

    def __init__(self, database: Database) -> None:
        super().__init__()
        from app.services.overview import overview

        self.database = database
        self.setWindowTitle(tr("家访通", "Jiafang"))
        with database.read() as session:
            counts = overview(session)
        page = QWidget()
        layout = QVBoxLayout(page)
        title = QLabel(tr("工作台", "Today"))
        title.setStyleSheet("font-size: 20px; font-weight: bold")
        layout.addWidget(title)
        self.summary = QLabel(tr(
            f"学校 {counts.schools} 所 · 学生 {counts.students} 人 · 未销号个案 {counts.open_cases} 件 · "
            f"未完成的家访草稿 {counts.draft_visits} 份",
            f"{counts.schools} schools · {counts.students} students · {counts.open_cases} open cases · "
            f"{counts.draft_visits} visit drafts to finish"))
        layout.addWidget(self.summary)
        layout.addStretch(1)
        self.setCentralWidget(page)
        user = database.user
        who = user.display_name if user else ""
        self.statusBar().showMessage(tr(f"当前用户：{who} · 本机变更 {counts.ops} 条 · 尚未同步",
                                        f"Signed in: {who} · {counts.ops} local changes · never synced"))
        self.resize(900, 600)


def sign_in(data_dir: Path) -> Database | None:
    dialog: QDialog = LoginDialog(data_dir) if folder_exists(data_dir) else FirstRunDialog(data_dir)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.database  # type: ignore[attr-defined, no-any-return]


def run(data_dir: Path, *, lang: str | None = None) -> int:
    if lang:
        set_language(lang)
    app = QApplication.instance() or QApplication(sys.argv)
    database = sign_in(data_dir)
    if database is None:
        return 0
    window = MainWindow(database)
    window.show()
    try:
        return int(app.exec())  # type: ignore[union-attr]
    finally:
        database.close()
