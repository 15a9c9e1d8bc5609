"""Аналитика in a real headless Chromium: the charts' legends show whole category names."""

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from models.taxonomy import Category
from tests.dashboard.browser import chromium
from tests.dashboard.test_browser import ARTIFACTS
from tests.dashboard.test_console_browser import _log_in

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
