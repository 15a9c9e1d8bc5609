"""Инциденты in a real headless Chromium: the incidents left with no posts fit a laptop's
list, and a merged one's card leads to the incident it joined."""

import json
from pathlib import Path

import pytest

from tests.dashboard.browser import chromium
from tests.dashboard.conftest import Emptied
from tests.dashboard.test_browser import ARTIFACTS
from tests.dashboard.test_laptop_browser import SIDEWAYS, _laptop, _wait_for_tables

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def test_the_empty_ones_fit_the_list_and_a_merged_one_leads_on(
    console: str, emptied: Emptied, tmp_path: Path
) -> None:
    with chromium(tmp_path / "profile") as browser:
        _laptop(browser, f"{console}incidents?incident={emptied.merged}", "moderator")
        joined = f"инцидентом №{emptied.pipe}"
        browser.wait_for_text(f"объединён с {joined}", timeout=60)
        browser.settle()
        assert "постов: 0" not in browser.text()
        browser.screenshot(ARTIFACTS / "incident-merged-1366x768.png")
        # a link of the console's own kind (`views.incident_link`: a new tab), to the one joined
        hrefs = browser.evaluate(
            f"[...document.querySelectorAll('a')].filter(a => a.innerText === {json.dumps(joined)})"
            ".map(a => a.getAttribute('href'))"
        )
        assert hrefs == [f"incidents?incident={emptied.pipe}"]
        browser.open(f"{console}{hrefs[0]}")
        browser.wait_for_text("постов: 2")
        browser.settle()

        browser.choose("Статус", "все")
        browser.wait_for_text("Найдено: 3.")
        _wait_for_tables(browser)
        browser.screenshot(ARTIFACTS / "incidents-empty-all-1366x768.png")
        assert browser.evaluate(SIDEWAYS) == [0]
