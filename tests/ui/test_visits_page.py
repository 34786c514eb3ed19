"""家访: the visits list and the visit form, driven as a teacher would (typing, clicking, dropping, signing)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import cast

from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from app.domain.codes import VisitStatus
from app.services import campaigns, drafts, visits
from app.store.db import Database
from app.store.models import School, Student, Visit, VisitAttachment
from app.ui.pages.visits import VisitForm, VisitsPage
from tests.services.test_photos import phone_photo
from tests.ui.record_pages_support import *  # noqa: F403 (the shared fixtures)
from tests.ui.record_pages_support import page_context, shot

VISITED = (date.today() - timedelta(days=3)).isoformat()
FOLLOW_UP = (date.today() + timedelta(days=20)).isoformat()


def open_page(qtbot: QtBot, database: Database, *, autosave: int = 60) -> VisitsPage:
    page = VisitsPage(page_context(database), autosave_seconds=autosave)
    qtbot.addWidget(page)
    page.resize(1100, 820)
    page.show()
    qtbot.waitExposed(page)
    return page


def text_of(form: VisitForm, name: str) -> str:
    editor = form.blocks[name].editor
    if isinstance(editor, QLineEdit):
        return editor.text()
    assert isinstance(editor, QPlainTextEdit)
    return editor.toPlainText()


def type_into(qtbot: QtBot, form: VisitForm, name: str, text: str) -> None:
    """ASCII arrives as key clicks; Chinese arrives through the input method, as committed text."""
    editor = form.blocks[name].editor
    editor.setFocus()
    if text.isascii():
        if isinstance(editor, QLineEdit):
            editor.clear()
        qtbot.keyClicks(editor, text)
    elif isinstance(editor, QLineEdit):
        editor.setText(text)
    else:
        assert isinstance(editor, QPlainTextEdit)
        editor.insertPlainText(text)


def fill_complete(qtbot: QtBot, form: VisitForm) -> None:
    type_into(qtbot, form, "visited_on", VISITED)
    type_into(qtbot, form, "visited_time", "14:30")
    type_into(qtbot, form, "contact_phone", "13877110001")
    form.purpose_combo.setCurrentIndex(form.purpose_combo.findData("screening"))
    type_into(qtbot, form, "address", "石埠街道那龙村那坛屯 12 号")
    type_into(qtbot, form, "present_persons", "祖母 韦𰻝英")
    form.visitors.set_cell(0, "name", "黄老师")
    form.visitors.set_role(0, "head_teacher")
    form.visitors.set_cell(0, "phone", "13877110002")
    form.visitors.set_cell(1, "name", "韦主任")  # a new empty row appeared when the first was typed in
    form.visitors.set_role(1, "village_cadre")
    form.visitors.set_cell(1, "unit", "那龙村委")
    for name, text in (("family_situation", "父母在广东务工，由祖母照看。"), ("attitude_to_school", "支持读书"),
                       ("behaviour", "上课注意力不集中"), ("state_of_mind", "想外出打工"), ("hardships", "经济困难"),
                       ("help_given", "落实生活补助"), ("parents_views", "希望孩子读完初中"),
                       ("diagnosis", "厌学倾向"), ("measures", "每周联系家长"), ("follow_up_plan", "一个月后回访"),
                       ("remarks", "无")):
        type_into(qtbot, form, name, text)
    type_into(qtbot, form, "follow_up_on", (date.today() + timedelta(days=20)).isoformat())
    form.policy_checks["compulsory_law"].click()
    form.policy_checks["two_exemptions"].click()


def test_every_field_of_the_form_is_typed_checked_and_saved(qtbot: QtBot, database: Database, student: Student,
                                                            lang: str) -> None:
    page = open_page(qtbot, database)
    visit_id = page.start_visit_for(student.id)
    assert visit_id and page.stack.currentWidget() is page.form_page
    form = page.form
    fill_complete(qtbot, form)
    page.save_button.click()
    # A wrong phone is explained next to the field as it is typed, and what was typed stays.
    type_into(qtbot, form, "contact_phone", "1387711")
    qtbot.waitUntil(lambda: form.blocks["contact_phone"].has_error(), timeout=3000)
    assert text_of(form, "contact_phone") == "1387711"
    assert ("电话" in form.blocks["contact_phone"].error.text()) == (lang == "zh")
    assert not form.blocks["family_situation"].has_error()
    qtbot.keyClick(form.blocks["contact_phone"].editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not form.dirty
    with database.read() as session:
        visit = session.get(Visit, visit_id)
        assert visit is not None
        assert visit.visited_on.isoformat() == VISITED and visit.visited_time == "14:30"
        assert visit.purpose == "screening" and visit.present_persons == "祖母 韦𰻝英"
        assert [(v["name"], v["role"]) for v in visit.visitors] == [("黄老师", "head_teacher"),
                                                                   ("韦主任", "village_cadre")]
        assert visit.policies == ["compulsory_law", "two_exemptions"]
        assert visit.measures == "每周联系家长" and visit.remarks == "无"
        assert visit.contact_phone == "13877110001"  # the valid number saved before stays in the draft
        assert drafts.scratch_of(session, "visit", visit_id) == {"contact_phone": "1387711"}
    shot(form.content, f"visit-form-{lang}")
    type_into(qtbot, form, "contact_phone", "13877110009")
    qtbot.waitUntil(lambda: not form.blocks["contact_phone"].has_error(), timeout=3000)
    page.back_button.click()  # going back saves
    assert page.stack.currentWidget() is page.list_page and page.model.total == 1
    with database.read() as session:
        assert session.get(Visit, visit_id).contact_phone == "13877110009"  # type: ignore[union-attr]


def test_autosave_every_few_seconds_and_on_hide(qtbot: QtBot, database: Database, student: Student) -> None:
    page = open_page(qtbot, database, autosave=1)
    visit_id = page.start_visit_for(student.id)
    type_into(qtbot, page.form, "family_situation", "自动保存的文字")
    with qtbot.waitSignal(page.form.autosaved, timeout=4000) as saved:
        pass
    assert saved.args == [["family_situation"]]
    type_into(qtbot, page.form, "diagnosis", "关闭时保存")
    page.hide()  # closing the window hides the form: that saves, without waiting for the timer
    with database.read() as session:
        assert session.get(Visit, visit_id).diagnosis == "关闭时保存"  # type: ignore[union-attr]


def test_input_that_failed_is_there_when_the_draft_is_opened_again(qtbot: QtBot, database: Database,
                                                                    student: Student) -> None:
    page = open_page(qtbot, database)
    visit_id = page.start_visit_for(student.id)
    assert visit_id
    type_into(qtbot, page.form, "visited_time", "25:61")
    type_into(qtbot, page.form, "follow_up_on", "2026-02-30")
    page.save()
    page.close()
    again = open_page(qtbot, database)
    again.show_record("visit", visit_id)
    form = again.form
    assert text_of(form, "visited_time") == "25:61" and text_of(form, "follow_up_on") == "2026-02-30"
    assert form.blocks["visited_time"].has_error() and form.blocks["follow_up_on"].has_error()


def test_finalize_needs_the_essentials_then_is_read_only_and_amended(qtbot: QtBot, database: Database,
                                                                     student: Student) -> None:
    page = open_page(qtbot, database)
    visit_id = page.start_visit_for(student.id)
    page.finalize_button.click()
    assert page.form.blocks["visitors"].has_error() and not page.form.read_only
    fill_complete(qtbot, page.form)
    page.finalize_button.click()
    assert page.form.read_only and page.amend_button.isVisible() and not page.finalize_button.isVisible()
    assert page.form.blocks["family_situation"].editor.isReadOnly()
    assert not page.form.photo_strip.acceptDrops()
    with database.read() as session:
        assert session.get(Visit, visit_id).status == VisitStatus.FINALIZED.value
    page.amend_button.click()
    amendment = page.form.visit_id
    assert amendment != visit_id and not page.form.read_only
    assert text_of(page.form, "family_situation") == "父母在广东务工，由祖母照看。"
    with database.read() as session:
        assert session.get(Visit, amendment).amends_visit_id == visit_id


def drop(qtbot: QtBot, target: object, mime: QMimeData) -> None:
    widget = target  # a PhotoStrip
    pos = QPointF(40, 40)
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(pos, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)  # type: ignore[arg-type]
    assert enter.isAccepted()
    event = QDropEvent(pos, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)  # type: ignore[arg-type]
    assert event.isAccepted()


def test_photos_dropped_as_files_or_images_are_stored_small_and_clean(qtbot: QtBot, database: Database,
                                                                     student: Student, tmp_path: Path) -> None:
    page = open_page(qtbot, database)
    visit_id = page.start_visit_for(student.id)
    assert visit_id is not None
    photo = tmp_path / "家访照片.jpg"
    photo.write_bytes(phone_photo(2400, 1800))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo))])
    with qtbot.waitSignal(page.form.photosChanged, timeout=20_000):
        drop(qtbot, page.form.photo_strip, mime)
    image = QImage(300, 200, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkGreen)
    pasted = QMimeData()
    pasted.setImageData(image)
    with qtbot.waitSignal(page.form.photosChanged, timeout=20_000):
        drop(qtbot, page.form.photo_strip, pasted)
    assert len(page.form.photo_strip.ids) == 2
    with database.read() as session:
        from app.services import photos

        stored = [photos.attachment_bytes(session, a.id)[0] for a in visits.attachments_of(session, visit_id)]
    sizes = sorted(Image.open(io.BytesIO(data)).size for data in stored)
    assert sizes == [(300, 200), (1200, 1600)]  # upright, at most 1600 px
    assert all(b"Exif" not in data for data in stored)
    # A file that is not a picture is not accepted as a drop; removing a photo takes it off the draft.
    text = QMimeData()
    text.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    refused = QDragEnterEvent(QPointF(5, 5), Qt.DropAction.CopyAction, text, Qt.MouseButton.LeftButton,
                              Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(page.form.photo_strip, refused)
    assert not refused.isAccepted()
    with qtbot.waitSignal(page.form.photosChanged, timeout=5000):
        page.form.photo_strip.removeRequested.emit(page.form.photo_strip.ids[0])
    assert len(page.form.photo_strip.ids) == 1


def test_signatures_drawn_with_the_mouse_are_stored_as_png(qtbot: QtBot, database: Database,
                                                           student: Student) -> None:
    page = open_page(qtbot, database)
    visit_id = page.start_visit_for(student.id)
    assert visit_id is not None
    box = page.form.guardian_signature
    box.accept_button.click()
    assert box.error.isVisible()  # nothing drawn yet
    pad = box.pad
    page.form.scroll_area.ensureWidgetVisible(pad)
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(30, 60))
    for x in range(35, 200, 15):
        qtbot.mouseMove(pad, QPoint(x, 60 + (x // 15) % 3 * 10))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(205, 50))
    assert not pad.is_empty() and len(pad.strokes) == 1 and len(pad.strokes[0]) > 5
    box.accept_button.click()
    assert box.pad.has_image()
    with database.read() as session:
        [attachment] = visits.attachments_of(session, visit_id)
        from app.services import photos

        png, media = photos.attachment_bytes(session, attachment.id)
    assert attachment.kind == "guardian_signature" and media == "image/png"
    with Image.open(io.BytesIO(png)) as image:
        darkest, lightest = cast(tuple[int, int], image.convert("L").getextrema())
    assert darkest < 100 and lightest == 255  # ink on white


def test_list_by_campaign_school_and_status(qtbot: QtBot, database: Database, school: School,
                                            student: Student, qtmodeltester: object) -> None:
    with database.write() as session:
        winter = campaigns.create_campaign(session, "winter_visits", 2026, starts_on="2026-01-05",
                                           ends_on="2026-02-22")
        visits.start_visit(session, student.id, visited_on="2026-01-10", campaign_id=winter.id)
        visits.start_visit(session, student.id, visited_on="2026-03-10")
    page = open_page(qtbot, database)
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    assert page.model.total == 2
    page.campaign_filter.setCurrentIndex(page.campaign_filter.findData(winter.id))
    assert page.model.total == 1 and page.model.row(0).visited_on == date(2026, 1, 10)  # type: ignore[union-attr]
    page.status_filter.setCurrentIndex(page.status_filter.findData("finalized"))
    assert page.model.total == 0
    page.status_filter.setCurrentIndex(0)
    page.school_filter.setCurrentIndex(page.school_filter.findData(school.id))
    assert page.model.total == 1
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.form_page


def test_ctrl_n_asks_for_the_student_and_opens_a_new_draft(qtbot: QtBot, database: Database,
                                                          student: Student) -> None:
    page = open_page(qtbot, database)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page, timeout=3000)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    picker = page.picker
    assert picker is not None and picker.isVisible()
    qtbot.keyClicks(picker.search, "wxm")
    qtbot.waitUntil(lambda: picker.results.count() == 1, timeout=3000)
    qtbot.keyClick(picker.results, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.form_page and page.form.visit_id
    with database.read() as session:
        assert session.get(Visit, page.form.visit_id).student_id == student.id  # type: ignore[union-attr]


def test_a_draft_can_be_deleted_after_confirming(qtbot: QtBot, database: Database, student: Student) -> None:
    page = open_page(qtbot, database)
    visit_id = page.start_visit_for(student.id)
    page.form.confirm = lambda _question: False
    page.delete_button.click()
    assert page.stack.currentWidget() is page.form_page
    page.form.confirm = lambda _question: True
    page.delete_button.click()
    assert page.stack.currentWidget() is page.list_page and page.model.total == 0
    with database.read() as session:
        assert session.get(Visit, visit_id).deleted  # type: ignore[union-attr]
        assert not session.query(VisitAttachment).count()


def test_screenshots_of_the_visits_page(qtbot: QtBot, demo_db: Database, lang: str) -> None:
    page = open_page(qtbot, demo_db)
    shot(page, f"visits-list-{lang}")
    page.table.selectRow(0)
    page.open_visit(page.model.id_at(0))
    shot(page, f"visit-finalized-{lang}")
    shot(page.form.content, f"visit-finalized-full-{lang}")
    assert page.form.read_only


def test_the_main_window_shows_the_pages_and_routes_visits_and_cases(qtbot: QtBot, database: Database,
                                                                     student: Student) -> None:
    from app.services import cases
    from app.ui.app_window import MainWindow

    with database.write() as session:
        visit_id = visits.start_visit(session, student.id, visited_on=VISITED).id
        case_id = cases.open_case(session, student.id, detected_on=VISITED, reason="厌学").id
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.show()
    keys = [spec.key for spec in window.specs]
    assert {"visits", "cases", "return_check"} <= set(keys)
    assert keys.index("visits") < keys.index("cases") < keys.index("return_check")
    window.navigate("visit", visit_id)
    page = window.pages["visits"]
    assert isinstance(page, VisitsPage) and page.form.visit_id == visit_id
    type_into(qtbot, page.form, "remarks", "closing the window saves this")
    window.navigate("case", case_id)
    with database.read() as session:  # leaving the page hid the form, and hiding saved it
        assert session.get(Visit, visit_id).remarks == "closing the window saves this"  # type: ignore[union-attr]
    assert window.pages["cases"].view.case_id == case_id  # type: ignore[attr-defined]


def test_autosave_gives_way_to_a_long_sync_and_keeps_the_input(qtbot: QtBot, database: Database,
                                                               student: Student) -> None:
    """A sync or import in the background holds the writer for a long time: the timer's save must not
    freeze the window behind it. It says so, keeps what was typed, and saves at a later tick."""
    import threading

    page = open_page(qtbot, database, autosave=1)
    visit_id = page.start_visit_for(student.id)
    holding, release = threading.Event(), threading.Event()

    def long_sync() -> None:
        with database.write():
            holding.set()
            release.wait(30)

    worker = threading.Thread(target=long_sync)
    worker.start()
    try:
        assert holding.wait(10)
        type_into(qtbot, page.form, "family_situation", "同步时写的字")
        page.form.autosave()  # returns after the bounded wait instead of blocking until the sync ends
        assert "同步或导入" in page.form.error.text()
        assert page.form.dirty and text_of(page.form, "family_situation") == "同步时写的字"
        assert page.form.autosave_timer.isActive()  # it tries again
    finally:
        release.set()
        worker.join()
    with qtbot.waitSignal(page.form.autosaved, timeout=4000):
        pass
    with database.read() as session:
        assert session.get(Visit, visit_id).family_situation == "同步时写的字"  # type: ignore[union-attr]
