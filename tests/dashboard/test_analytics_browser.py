"""Аналитика in a real headless Chromium: the charts' legends show whole category names."""

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from models.geo import Municipality
from models.post import Post
from models.taxonomy import Category
from tests.dashboard.browser import chromium
from tests.dashboard.test_browser import ARTIFACTS
from tests.dashboard.test_console_browser import _log_in
from tests.dashboard.test_laptop_browser import _signals_in_more_places

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]
LONG_NAME = "Жилищно-коммунальное хозяйство и придомовая территория"  # 54 characters
# Chart texts Vega cut short with «…» (its legend labels stop at 160 px unless told).
CUT_CHART_TEXTS = """[...document.querySelectorAll('[data-testid=stMain] svg text')]
  .map(t => t.textContent).filter(t => t.endsWith('…'))"""


@pytest.mark.parametrize("width, height", [(1366, 768), (1920, 1080)])
def test_the_category_legend_shows_whole_names(
    console: str,
    seeded: dict[str, list[int]],
    engine: Engine,
    tmp_path: Path,
    width: int,
    height: int,
) -> None:
    with Session(engine) as session:
        category = session.get_one(Category, "zhkh")
        category.name = LONG_NAME
        session.add(category)
        session.commit()
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium(tmp_path / "profile") as browser:
        browser.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                     deviceScaleFactor=1, mobile=False)  # fmt: skip
        browser.open(f"{console}analytics")
        _log_in(browser, "admin")
        browser.wait_for_text("Сигналы по категориям", timeout=60)
        browser.wait_for("document.querySelectorAll('[data-testid=stMain] svg text').length > 0")
        browser.settle()
        browser.screenshot(ARTIFACTS / f"analytics-{width}x{height}.png")
        legend = browser.evaluate(
            "[...document.querySelectorAll('svg text')].map(t => t.textContent)"
        )
        assert LONG_NAME in legend
        assert browser.evaluate(CUT_CHART_TEXTS) == []


# Every text the page's canvases draw, and where in its canvas it was drawn last (a grid's
# cells are drawn, not in the DOM: its hidden accessible copy holds the raw values, «0.4»).
RECORD_CANVAS_TEXT = """window.__drawn = {}; window.__canvases = [];
const fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
  const at = this.getTransform().transformPoint(new DOMPoint(x, y));
  if (!window.__canvases.includes(this.canvas)) window.__canvases.push(this.canvas);
  window.__drawn[String(text)] = [window.__canvases.indexOf(this.canvas), at.x, at.y];
  return fillText.call(this, text, x, y, ...rest); };"""
DRAWN = "Object.keys(window.__drawn)"
# Where on the screen the drawn `text` is now.
DRAWN_AT = """((text) => {
  const [canvas, x, y] = window.__drawn[text];
  const box = window.__canvases[canvas].getBoundingClientRect();
  return [box.left + x, box.top + y]; })"""
# The rating's values in `column`, as its hidden accessible rows hold them, in the grid's order.
RATING_COLUMN = """((column) => {
  const grid = [...document.querySelectorAll('[data-testid=stDataFrame]')].pop();
  const at = [...grid.querySelectorAll('thead th')].findIndex(h => h.innerText.includes(column));
  return [...grid.querySelectorAll('tbody tr')].map(r => r.querySelectorAll('td')[at].innerText);
})"""
PER_10K = "На 10 тыс. жителей"
# Population by municipality: 2 signals in 50,000 is «0,40»; 1 in 1,200 «8,33»; 1 in 800
# «12,50» (as text it sorted «0,40», «12,50», «8,33»); the rest unknown: «—».
POPULATION = {"Краснокамский": 50_000, "Чусовской": 1_200, "Бардымский": 800}


def _populations(engine: Engine, seeded: dict[str, list[int]]) -> None:
    with Session(engine) as session:
        first = session.get_one(Post, seeded["posts"][0])
        source_id = first.source_id
    _signals_in_more_places(engine, source_id)
    with Session(engine) as session:
        for place in session.exec(select(Municipality)):
            place.population = POPULATION.get(place.name.split()[0])
            session.add(place)
        session.commit()


def _figures(texts: list[str]) -> list[float]:
    return [float(text.replace(",", ".")) for text in texts if text.strip()]


def test_the_rating_sorts_as_numbers_and_shows_commas_and_dashes(
    console: str, seeded: dict[str, list[int]], engine: Engine, tmp_path: Path
) -> None:
    """«На 10 тыс. жителей» drawn «0,40», an unknown population «—» (an empty number cell
    drew «None»), and a click on its header sorts it as numbers («8,33» before «12,50»)."""
    _populations(engine, seeded)
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium(tmp_path / "profile") as browser:
        browser.call("Emulation.setDeviceMetricsOverride", width=1366, height=768,
                     deviceScaleFactor=1, mobile=False)  # fmt: skip
        browser.call("Page.addScriptToEvaluateOnNewDocument", source=RECORD_CANVAS_TEXT)
        browser.open(f"{console}analytics")
        _log_in(browser, "moderator")
        browser.wait_for_text("Рейтинг муниципалитетов", timeout=60)
        browser.wait_for("document.querySelectorAll('[data-testid=stDataFrame]').length >= 2")
        browser.evaluate("[...document.querySelectorAll('[data-testid=stDataFrame]')].pop()"
                         ".scrollIntoView()")  # fmt: skip
        browser.settle()
        browser.screenshot(ARTIFACTS / "analytics-rating-1366x768.png")
        drawn = set(browser.evaluate(DRAWN))
        assert {"0,40", "8,33", "12,50", "—"} <= drawn, drawn
        assert not drawn & {"None", "nan", "NaN", "0.4", "8.33"}, drawn
        x, y = browser.evaluate(f"({DRAWN_AT})({json.dumps(PER_10K)})")
        browser.call("Input.dispatchMouseEvent", type="mouseMoved", x=x + 5, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            browser.call("Input.dispatchMouseEvent", type=kind, x=x + 5, y=y, button="left",
                         clickCount=1)  # fmt: skip
        browser.settle()
        browser.screenshot(ARTIFACTS / "analytics-rating-sorted-1366x768.png")
        figures = _figures(browser.evaluate(f"({RATING_COLUMN})({json.dumps(PER_10K)})"))
        assert len(figures) == 3 and figures == sorted(figures), figures
