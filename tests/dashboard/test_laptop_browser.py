"""The console on a 1,366×768 laptop in a real headless Chromium: every column of a list is
on screen, none scrolled off the right edge."""

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from models.incident import Incident
from models.taxonomy import Category
from tests.dashboard.browser import Browser, chromium
from tests.dashboard.test_browser import ARTIFACTS
from tests.dashboard.test_console_browser import _log_in, _reports

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]
LONG_TITLE = (
    "Краснокамск, ул. Ленина 14 — прорыв трубы, вода идёт по улице и заливает подвалы "
    "соседних домов, аварийная служба не приезжает с самого утра"
)
LONG_CATEGORY = "Памятники и объекты культурного наследия"
# Per table on the page: how many pixels of it are scrolled off to the side (0: it fits).
SIDEWAYS = """[...document.querySelectorAll('[data-testid=stDataFrame]')].map(d => {
  const s = d.querySelector('.dvn-scroller');
  return s ? s.scrollWidth - s.clientWidth : -1; })"""
HEADERS = """[...document.querySelectorAll('[data-testid=stDataFrame] [role=columnheader]')]
  .map(h => h.innerText.trim()).filter(Boolean)"""


def _laptop(browser: Browser, url: str, username: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser.call("Emulation.setDeviceMetricsOverride", width=1366, height=768,
                 deviceScaleFactor=1, mobile=False)  # fmt: skip
    browser.open(url)
    _log_in(browser, username)


def _wait_for_tables(browser: Browser, count: int = 1) -> None:
    browser.wait_for(
        f"document.querySelectorAll('[data-testid=stDataFrame] .dvn-scroller').length >= {count}",
        timeout=60,
    )
    browser.settle()


def test_the_incidents_list_fits_a_laptop_screen(
    console: str, seeded: dict[str, list[int]], engine: Engine, tmp_path: Path
) -> None:
    """Статус, Категория, Муниципалитет and Последний пост are on screen at 1,366 px, with
    a long title and a long category, for open incidents and for all of them."""
    with Session(engine) as session:
        incident = session.exec(select(Incident).order_by(col(Incident.id))).first()
        assert incident is not None
        session.add(Category(code="heritage", name=LONG_CATEGORY, position=3))
        incident.title, incident.category_code = LONG_TITLE, "heritage"
        session.add(incident)
        session.commit()
    with chromium(tmp_path / "profile") as browser:
        _laptop(browser, f"{console}incidents", "moderator")
        _wait_for_tables(browser)
        browser.screenshot(ARTIFACTS / "incidents-1366x768.png")
        assert browser.evaluate(SIDEWAYS) == [0]
        assert browser.evaluate(HEADERS) == [
            "№", "Приоритет", "Постов", "Заголовок", "Категория", "Муниципалитет",
            "Последний пост",
        ]  # fmt: skip
        browser.choose("Статус", "все")
        browser.wait_for("document.body.innerText.includes('Статус')")
        _wait_for_tables(browser)
        browser.wait_for(f"{HEADERS}.includes('Статус')")
        browser.screenshot(ARTIFACTS / "incidents-all-1366x768.png")
        assert browser.evaluate(SIDEWAYS) == [0]


def test_the_reports_list_fits_a_laptop_screen(
    console: str, seeded: dict[str, list[int]], engine: Engine, tmp_path: Path
) -> None:
    """Исполнитель, Муниципалитет and Срочное were off the right edge at 1,366 px."""
    _reports(engine)
    with chromium(tmp_path / "profile") as browser:
        _laptop(browser, f"{console}reports", "operator")
        _wait_for_tables(browser)
        browser.screenshot(ARTIFACTS / "reports-1366x768.png")
        assert browser.evaluate(SIDEWAYS) == [0]
        assert browser.evaluate(HEADERS)[-3:] == ["Исполнитель", "Муниципалитет", "Срочное"]


def test_the_queue_list_fits_beside_the_post_on_a_laptop_screen(
    console: str, seeded: dict[str, list[int]], tmp_path: Path
) -> None:
    """The list beside the current post is 488 px wide at 1,366 px: «Муниципалитет» was
    scrolled off its right edge."""
    with chromium(tmp_path / "profile") as browser:
        _laptop(browser, console, "moderator")
        _wait_for_tables(browser)
        browser.screenshot(ARTIFACTS / "queue-list-1366x768.png")
        assert browser.evaluate(SIDEWAYS) == [0]
        assert browser.evaluate(HEADERS)[-1] == "Муниципалитет"
