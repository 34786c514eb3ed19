"""The app's Sync page offers the district server beside the folder: address and enrollment code, sync in the
background, the result and the enrollment shown."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from app.store.db import Database
from app.store.models import DISTRICT_SCOPE
from app.ui.pages.sync_page import SyncPage
from tests.server.conftest import Live, dump, seed_district


def test_sync_page_enrolls_and_syncs_with_the_server(qtbot: QtBot, live: Live,
                                                     laptops: Callable[[str], Database]) -> None:
    from sync.http_client import sync_server

    bureau = laptops("bureau")
    seed_district(bureau)
    assert sync_server(bureau, live.url, enroll_code=live.store.new_enrollment_code(DISTRICT_SCOPE)).ok
    laptop = laptops("district-2")
    page = SyncPage(laptop)
    qtbot.addWidget(page)
    assert "not enrolled" in page.server_status.text() or "尚未" in page.server_status.text()
    page.server_button.click()
    assert page.error.text()  # no address yet
    page.server_url.setText(live.url)
    page.enroll_code.setText("AAAA-BBBB-CCCC")
    page.server_button.click()
    qtbot.waitUntil(lambda: page.server_button.isEnabled(), timeout=60_000)
    assert "登记码无效" in page.error.text() or "enrollment code is wrong" in page.error.text()
    page.enroll_code.setText(live.store.new_enrollment_code(DISTRICT_SCOPE))
    page.server_button.click()
    qtbot.waitUntil(lambda: page.server_button.isEnabled(), timeout=60_000)
    assert page.error.text() == ""
    assert page.enroll_code.text() == ""  # a code works once: not kept in the form
    assert live.url in page.server_status.text()
    assert dump(laptop) == dump(bureau)
    assert live.url in page.result.toPlainText() or "0" in page.pending.text()
