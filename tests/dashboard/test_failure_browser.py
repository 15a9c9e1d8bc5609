"""A console failure in a real headless Chromium: Russian on screen, nothing in English, no
links out of the network (dashboard.failure, dashboard.russian_ui)."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from dashboard import failure
from models.report import Report
from tests.dashboard.browser import chromium, serving
from tests.dashboard.test_browser import ARTIFACTS
from tests.dashboard.test_failure import _lose
from tests.dashboard.test_laptop_browser import _laptop

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
# What no `failure.guarded` catches: a widget's callback failing, in a page that has the
# console's translating observer and Streamlit's settings as `otklik dashboard` starts it.
CALLBACK_APP = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from dashboard import russian_ui

russian_ui.install()


def fail() -> None:
    raise RuntimeError("the callback failed")


st.button("Сохранить", on_click=fail)
"""
ENGLISH = ("This app has encountered", "Copy", "Ask Google", "Ask ChatGPT")


@pytest.fixture
def callback_app(tmp_path: Path) -> Iterator[str]:
    script = tmp_path / "callback_app.py"
    script.write_text(CALLBACK_APP, encoding="utf-8")

    def streamlit(port: int) -> list[str]:
        return [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true",
                f"--server.port={port}", "--browser.gatherUsageStats=false",
                "--client.toolbarMode=minimal", "--client.showErrorDetails=none"]  # fmt: skip

    with serving(streamlit) as url:
        yield url


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # a table renamed away
def test_a_failing_page_says_so_in_russian(
    console: str, seeded: dict[str, list[int]], engine: Engine, tmp_path: Path
) -> None:
    with chromium(tmp_path / "profile") as browser:
        _laptop(browser, f"{console}incidents", "operator")
        browser.wait_for_text("Инциденты")
        _lose(engine, Report.__tablename__)
        browser.open(f"{console}reports")
        browser.wait_for_text(failure.MESSAGE, timeout=60)
        browser.settle()
        shown = browser.text()
        assert not [word for word in ENGLISH if word in shown], shown
        assert "no such table" not in shown
        browser.screenshot(ARTIFACTS / "page-failure-1366x768.png")


def test_a_failing_callback_is_said_in_russian_without_links(
    callback_app: str, tmp_path: Path
) -> None:
    with chromium(tmp_path / "profile") as browser:
        browser.open(callback_app)
        browser.wait_for_text("Сохранить", timeout=60)
        browser.settle()
        browser.click_text("button", "Сохранить")
        browser.wait_for("document.querySelector('[data-testid=stException]') !== null")
        browser.settle()
        shown = browser.text()
        assert "Действие не выполнено из-за внутренней ошибки" in shown
        assert not [word for word in ENGLISH if word in shown], shown
