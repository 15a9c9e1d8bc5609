"""Инциденты in a real headless Chromium: the problem back at its place after its report was
resolved — the warning and its button, the question before the merge, and the merge itself,
which reopens the resolved report and takes the page to its incident."""

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from models.incident import Incident, IncidentStatus
from models.report import Report, ReportStatus
from tests.dashboard.browser import Browser, chromium, serving
from tests.dashboard.conftest import ROOT, dashboard
from tests.dashboard.test_console_browser import _log_in
from tests.dashboard.test_russian_browser import _known_english, _latin
from tests.dashboard.test_same_place_page import _outage, _resolve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]
LOGIN = {"moderator"}  # the signed-in user's name in the sidebar
# The labels of the buttons drawn on the page that can be clicked.
BUTTONS = """[...document.querySelectorAll('button')].filter(b => {
  const r = b.getBoundingClientRect();
  return !b.disabled && r.width > 0 && r.height > 0; }).map(b => b.innerText.trim())"""


@pytest.fixture
def back(console_users: dict[str, str], engine: Engine) -> tuple[int, int, int]:
    """The reported incident, the later one at its place, and the report, resolved before
    residents wrote again."""
    reported, again, _ = _outage(engine)
    return reported, again, _resolve(engine, reported)


@pytest.fixture
def back_console(configured: str, back: tuple[int, int, int]) -> Iterator[str]:
    """`otklik dashboard` on a free port against the database `back` built."""
    with serving(dashboard, env={**os.environ, "OTKLIK_DATABASE_URL": configured}, cwd=ROOT) as url:
        yield url


def _buttons(browser: Browser) -> list[str]:
    return list(browser.evaluate(BUTTONS))


def _shot(browser: Browser, tmp_path: Path, name: str, near: str) -> Path:
    """A screenshot with the alert or link that says `near` mid-screen, in
    `tmp_path`; copied to $OTKLIK_SCREENSHOT_DIR when it is set."""
    browser.evaluate(
        "[...document.querySelectorAll('[data-testid=stAlert], [data-testid=stPageLink]')]"
        f".find(e => e.innerText.includes({json.dumps(near)}))"
        ".scrollIntoView({block: 'center'})"
    )
    browser.settle()
    path = tmp_path / f"same-place-{name}.png"
    browser.screenshot(path)
    assert path.stat().st_size > 10_000
    if folder := os.environ.get("OTKLIK_SCREENSHOT_DIR"):
        shutil.copy(path, Path(folder) / path.name)
    print(f"screenshot: {path}")
    return path


def _foreign(browser: Browser) -> set[str]:
    """Latin words and Streamlit's own English visible on the page, the login aside."""
    return (_latin(browser) | _known_english(browser)) - LOGIN


def test_the_problem_back_is_joined_and_its_report_reopened_in_the_browser(
    back_console: str, back: tuple[int, int, int], engine: Engine, tmp_path: Path
) -> None:
    reported, again, report_id = back
    join = f"Присоединить к №{reported} и вернуть обращение №{report_id} в работу"
    with chromium(tmp_path / "profile") as browser:
        browser.open(f"{back_console}incidents?incident={again}")  # a link opened before login
        _log_in(browser, "moderator")
        browser.wait_for_text(f"решена в обращении №{report_id}", timeout=60)
        browser.settle()
        shown = browser.text()
        assert f"По этому адресу та же проблема решена в обращении №{report_id} (" in shown
        assert f"), инцидент №{reported}, а жители пишут снова." in shown
        assert f"Присоедините инцидент №{again} к №{reported}" in shown
        assert "уже в обращении" not in shown  # resolved, not open: no «second report» warning
        assert join in _buttons(browser)
        assert _foreign(browser) == set()
        _shot(browser, tmp_path, "warning", "пишут снова")

        browser.mouse_click_text("button", join)
        browser.wait_for_text("Это не отменить. Продолжить?")
        browser.settle()
        assert (
            f"Инцидент №{again} будет присоединён к №{reported}; обращение №{report_id} "
            "вернётся в работу с новым сроком. Это не отменить. Продолжить?"
        ) in browser.text()
        assert "Да, объединить" in _buttons(browser)
        with Session(engine) as session:  # asked first: nothing changed yet
            assert session.get_one(Incident, again).status == IncidentStatus.OPEN
            assert session.get_one(Report, report_id).status == ReportStatus.RESOLVED

        browser.mouse_click_text("button", "Да, объединить")
        browser.wait_for(f"location.search.includes({json.dumps(f'incident={reported}')})")
        browser.wait_for(  # the «Инцидент» box shows the reported one
            "[...document.querySelectorAll('[data-testid=stSelectbox] input')]"
            f".some(i => i.value.startsWith({json.dumps(f'№{reported}:')}))",
            timeout=60,
        )
        browser.wait_for_text(f"Обращение №{report_id}: открыто снова", timeout=60)
        browser.settle()
        assert f"incident={again}" not in browser.evaluate("location.search")
        shown = browser.text()
        assert "пишут снова" not in shown and join not in shown  # nothing left to offer
        assert "Это не отменить" not in shown
        assert _foreign(browser) == set()
        _shot(browser, tmp_path, "after", f"Обращение №{report_id}:")

    with Session(engine) as session:
        assert session.get_one(Report, report_id).status == ReportStatus.REOPENED
        assert session.get_one(Incident, again).status == IncidentStatus.MERGED
        target = session.get_one(Incident, reported)
        assert (target.status, target.post_count) == (IncidentStatus.REPORTED, 2)
