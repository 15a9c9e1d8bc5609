"""Инциденты and Обращения in a real headless Chromium: ticking an item's row in the list
opens that item under it, as ticking a post does in the queue."""

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from models.incident import Incident
from tests.dashboard.browser import Browser, chromium
from tests.dashboard.test_browser import ARTIFACTS
from tests.dashboard.test_console_browser import _reports
from tests.dashboard.test_laptop_browser import _laptop, _wait_for_tables

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]
# The list's row `row` (0: the first under the header): its tick's centre on screen, read
# through the grid's own `getBounds` (column 0 holds the ticks), and the № it shows.
ROW = """(row => {
  const grid = document.querySelector('[data-testid=stDataFrame]');
  const canvas = grid.querySelector('canvas');
  let fiber = canvas[Object.keys(canvas).find(k => k.startsWith('__reactFiber'))];
  while (fiber && !(fiber.ref && fiber.ref.current && fiber.ref.current.getBounds)) {
    fiber = fiber.return; }
  const box = fiber.ref.current.getBounds(0, row);
  const at = [...grid.querySelectorAll('[role=columnheader]')]
    .findIndex(h => h.innerText.trim() === '№');
  const cells = grid.querySelectorAll('[role=row]')[row + 1].querySelectorAll('[role=gridcell]');
  return {x: box.x + box.width / 2, y: box.y + box.height / 2,
          number: cells[cells.length - grid.querySelectorAll('[role=columnheader]').length + at]
            .innerText.trim()};
})"""


def _tick(browser: Browser, row: int) -> str:
    """Tick the list's row `row` with the mouse; the № of the item on it."""
    spot = browser.evaluate(f"{ROW}({row})")
    for kind in ("mousePressed", "mouseReleased"):
        browser.call("Input.dispatchMouseEvent", type=kind, x=spot["x"], y=spot["y"],
                     button="left", clickCount=1)  # fmt: skip
    return str(spot["number"])


def _toolbar_overlap(browser: Browser) -> float:
    """With the mouse over the list, the area (px²) its toolbar (search, download,
    fullscreen) covers of the boxes above it (the filters, the «Страница» box when the list
    has pages): the toolbar is drawn over what is above it."""
    grid = browser.evaluate(
        "(() => { const r = document.querySelector('[data-testid=stDataFrame]')"
        ".getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()"
    )
    browser.call("Input.dispatchMouseEvent", type="mouseMoved", x=grid["x"], y=grid["y"])
    browser.wait_for("document.querySelector('[data-testid=stElementToolbar]') !== null")
    where = (
        "JSON.stringify(document.querySelector('[data-testid=stElementToolbar]')"
        ".getBoundingClientRect())"
    )
    seen = None
    while seen != (seen := browser.evaluate(where)):  # it slides into place: wait until still
        time.sleep(0.3)
    return float(
        browser.evaluate(
            """(() => {
  const bar = document.querySelector('[data-testid=stElementToolbar]').getBoundingClientRect();
  const boxes = [...document.querySelectorAll(
    '[data-testid=stNumberInput], [data-testid=stSelectbox]')].map(e => e.getBoundingClientRect());
  return boxes.reduce((sum, box) => {
    const w = Math.min(bar.right, box.right) - Math.max(bar.left, box.left);
    const h = Math.min(bar.bottom, box.bottom) - Math.max(bar.top, box.top);
    return sum + Math.max(0, w) * Math.max(0, h);
  }, 0);
})()"""
        )
    )


def _opened(browser: Browser, param: str, number: str, heading: str) -> None:
    """The page's address names item `number`, its «Инцидент» / «Обращение» box too, and the
    page shows `heading`, which only the open item has."""
    browser.wait_for(f"location.search.includes({json.dumps(f'{param}={number}')})")
    browser.wait_for(
        "[...document.querySelectorAll('[data-testid=stSelectbox] input')]"
        f".some(i => i.value.startsWith({json.dumps(f'№{number}:')}))"
    )
    browser.wait_for(f"document.body.innerText.includes({json.dumps(heading)})")
    browser.settle()


def test_ticking_an_incident_s_row_opens_it(
    console: str, seeded: dict[str, list[int]], engine: Engine, tmp_path: Path
) -> None:
    with chromium(tmp_path / "profile") as browser:
        _laptop(browser, f"{console}incidents", "moderator")
        _wait_for_tables(browser)
        assert "Присоединить к этому инциденту" not in browser.text()  # nothing open yet
        assert _toolbar_overlap(browser) == 0
        second = _tick(browser, 1)
        _opened(browser, "incident", second, "Присоединить к этому инциденту")
        first = _tick(browser, 0)
        assert first != second
        _opened(browser, "incident", first, "Присоединить к этому инциденту")
        browser.screenshot(ARTIFACTS / "incidents-row-ticked-1366x768.png")


def test_ticking_a_report_s_row_opens_it(
    console: str, seeded: dict[str, list[int]], engine: Engine, tmp_path: Path
) -> None:
    _reports(engine)
    with chromium(tmp_path / "profile") as browser:
        _laptop(browser, f"{console}reports", "operator")
        _wait_for_tables(browser)
        assert "Обращение №" not in browser.text()  # nothing open yet
        assert _toolbar_overlap(browser) == 0  # the page box stays clickable
        number = _tick(browser, 1)
        _opened(browser, "report", number, f"Обращение №{number}:")
        browser.screenshot(ARTIFACTS / "reports-row-ticked-1366x768.png")


# How far the page is scrolled, and where the box that names the open item («Инцидент» /
# «Обращение») is on screen: at the top (below the mark's own gap) when the page was brought
# to it, unless the page ends before it can be (then it is scrolled to its end).
PLACE = """(label => {
  const main = document.querySelector('[data-testid=stMain]');
  const box = [...document.querySelectorAll('[data-testid=stSelectbox]')]
    .find(b => (b.querySelector('[data-testid=stWidgetLabel]') || {}).innerText === label);
  return {scrolled: main.scrollTop, top: box ? box.getBoundingClientRect().top : null,
          atEnd: main.scrollTop + main.clientHeight >= main.scrollHeight - 2};
})"""


def _brought_to(browser: Browser, label: str) -> dict[str, float]:
    """Wait until the page has been scrolled to the open item's box; where things are."""
    browser.wait_for(
        f"(p => p.scrolled > 0 && p.top !== null && (Math.abs(p.top) < 40 || p.atEnd))"
        f"({PLACE}({json.dumps(label)}))",
        timeout=20,
    )
    browser.settle()
    return dict(browser.evaluate(f"{PLACE}({json.dumps(label)})"))


@pytest.mark.parametrize("page", ["incidents", "reports"])
def test_an_item_opened_by_its_link_is_brought_into_view(
    page: str, console: str, seeded: dict[str, list[int]], engine: Engine, tmp_path: Path
) -> None:
    """A link («инцидент №N» in the queue, a report just made) lands on the item, not on the
    list above it; ticking a row in the list does not move the page."""
    reports = _reports(engine) if page == "reports" else []  # a report takes it off «открытые»
    param, label, user = {
        "incidents": ("incident", "Инцидент", "moderator"),
        "reports": ("report", "Обращение", "operator"),
    }[page]
    with Session(engine) as session:
        incident = session.exec(select(Incident).order_by(col(Incident.id))).first()
        assert incident is not None
    number = incident.id if page == "incidents" else reports[0]
    with chromium(tmp_path / "profile") as browser:
        _laptop(browser, f"{console}{page}?{param}={number}", user)
        _wait_for_tables(browser)
        place = _brought_to(browser, label)
        assert place["scrolled"] > 0
        browser.screenshot(ARTIFACTS / f"{page}-opened-by-link-1366x768.png")
        # back to the top as a moderator does, with the wheel (a script's scrollTo is not a
        # person: the page would still be bringing the item into view for a few seconds)
        browser.call("Input.dispatchMouseEvent", type="mouseWheel", x=800, y=400,
                     deltaX=0, deltaY=-20000)  # fmt: skip
        browser.wait_for("document.querySelector('[data-testid=stMain]').scrollTop === 0")
        browser.settle()
        ticked = _tick(browser, 0)  # the list's own row: the page stays where it is
        _opened(browser, param, ticked, f"Обращение №{ticked}:" if page == "reports" else label)
        assert browser.evaluate(f"{PLACE}({json.dumps(label)})")["scrolled"] == 0
