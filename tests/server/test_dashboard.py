"""The bureau's dashboard in headless Chromium (Debian's package, driven by Playwright): login, the district's
figures per campaign (the same as the laptops compute from the same records), a school user's view, logout."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.services.demo import generate_demo
from app.store.db import Database
from app.store.models import DISTRICT_SCOPE, School
from sync.http_client import sync_server
from sync.server.dashboard import compute
from tests.server.conftest import Live

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"]
PASSWORD = "bureau-password-42"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium package is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield found
        found.close()


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("JIAFANG_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_dashboard_login_figures_campaigns_and_logout(live: Live, laptops: Callable[[str], Database],
                                                      browser: Any) -> None:
    bureau = laptops("bureau")
    generate_demo(bureau, students=160, seed=7, today=date.today())
    assert sync_server(bureau, live.url, enroll_code=live.store.new_enrollment_code(DISTRICT_SCOPE)).ok
    live.store.add_user("bureau", PASSWORD, role="district", display_name="区教育局")
    with bureau.read() as session:
        expected = compute(session, campaign_code=None, school_id=None, today=date.today())
        first_school = session.query(School).order_by(School.name).first()
        assert first_school is not None
        school_view = compute(session, campaign_code=None, school_id=first_school.id, today=date.today())
    assert expected.total.students > 0 and expected.campaigns
    live.store.add_user("principal", PASSWORD, role="school_admin", school_id=first_school.id)

    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(live.url + "/")
    assert page.url.endswith("/login")  # login required
    page.fill("#username", "bureau")
    page.fill("#password", "wrong password")
    page.click("#login")
    assert "不正确" in page.inner_text("#error")
    page.fill("#username", "bureau")
    page.fill("#password", PASSWORD)
    page.click("#login")
    page.wait_for_selector("#schools")
    _shot(page, "dashboard")
    assert page.inner_text("#user") == "区教育局"
    assert page.inner_text("#campaign-name") == expected.campaign[1]  # type: ignore[index]
    assert page.inner_text("#card-visits b") == str(expected.total.visits)
    assert page.inner_text("#card-open b") == str(expected.total.open_cases)
    assert page.inner_text("#card-back b") == str(expected.total.persuaded_back)
    assert page.inner_text("#card-warnings b") == str(expected.total.warnings)
    assert page.locator("#schools tr").count() == len(expected.schools) + 1
    assert page.locator("#townships tr").count() == len(expected.townships) + 2
    # Another campaign: its own figures.
    other_code, other_name = next(c for c in expected.campaigns if c != expected.campaign)
    with bureau.read() as session:
        other = compute(session, campaign_code=other_code, school_id=None, today=date.today())
    page.select_option("#campaign", other_code)
    page.wait_for_function("name => document.querySelector('#campaign-name').innerText === name", arg=other_name)
    assert page.inner_text("#card-visits b") == str(other.total.visits)
    # Sign out: the session is gone, the dashboard asks for a login again.
    page.click("#logout")
    page.wait_for_selector("#login")
    page.goto(live.url + "/")
    assert page.url.endswith("/login")
    # A school's principal sees that school only.
    page.fill("#username", "principal")
    page.fill("#password", PASSWORD)
    page.click("#login")
    page.wait_for_selector("#schools")
    assert page.locator("#schools tr").count() == 2
    assert first_school.name in page.inner_text("#schools")
    assert page.inner_text("#card-open b") == str(school_view.total.open_cases)
    context.close()


def test_chromium_is_the_debian_package() -> None:
    # The browser is Debian's, never one downloaded by Playwright.
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium package is not installed (.ci/run installs it)")
    assert shutil.which("chromium") == CHROMIUM


def test_the_dashboard_counts_open_cases_and_warnings_as_the_laptops_do(live: Live, laptops: Callable[[str], Database],
                                                                        tmp_path: Path) -> None:
    """One rule per fact: the dashboard's open cases are the laptops' start-page count (a resolved case still
    following up is open), its warnings the laptops' warning page, over the server's own copy."""
    from sqlalchemy import func, select

    from app.domain.lifecycle import CaseStatus
    from app.services.overview import overview
    from app.services.warnings import find_warnings
    from app.store.models import DropoutCase
    from sync.server.records import open_records

    bureau = laptops("bureau")
    today = date.today()
    generate_demo(bureau, students=400, seed=11, today=today)
    assert sync_server(bureau, live.url, enroll_code=live.store.new_enrollment_code(DISTRICT_SCOPE)).ok
    with bureau.read() as session:
        by_status = dict(session.execute(select(DropoutCase.status, func.count()).group_by(DropoutCase.status)).all())
        laptop_open = overview(session).open_cases
        laptop_warnings = len(find_warnings(session, today=today))
    assert by_status.get(CaseStatus.RESOLVED.value) and by_status.get(CaseStatus.CLOSED.value), by_status
    copy = open_records(live.store, tmp_path / "copy")
    try:
        copy.refresh()
        with copy.session() as session:
            figures = compute(session, campaign_code=None, school_id=None, today=today)
    finally:
        copy.close()
    assert figures.total.open_cases == laptop_open > 0
    assert figures.total.warnings == laptop_warnings
