"""The incident or report open under its list is marked in the list, however it was opened
(a link from another page, the box under the list, a tick), in a real headless Chromium."""

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from models.incident import Incident
from tests.dashboard.browser import Browser, chromium, marked_rows
from tests.dashboard.test_console_browser import _log_in, _reports

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def _incidents(engine: Engine) -> list[int]:
    with Session(engine) as session:
        return [i.id or 0 for i in session.exec(select(Incident).order_by(col(Incident.id)))]


def _marked_on(browser: Browser, url: str, shot: Path) -> list[int]:
    browser.open(url)
    browser.wait_for("document.querySelector('[data-testid=stDataFrame] canvas') !== null")
    browser.settle()
    return marked_rows(browser, shot, 6)


@pytest.mark.parametrize("page", ["incidents", "reports"])
def test_the_item_opened_by_its_address_is_the_one_row_marked_in_its_list(
    console: str, seeded: dict[str, list[int]], engine: Engine, tmp_path: Path, page: str
) -> None:
    """No row is marked with nothing open; each item opened by its address marks one row,
    a different one for each of the two."""
    ids = _incidents(engine) if page == "incidents" else _reports(engine)
    assert len(ids) == 2
    param = page[:-1]  # ?incident=N, ?report=N
    with chromium(tmp_path / "profile") as browser:
        browser.call("Emulation.setDeviceMetricsOverride", width=1366, height=900,
                     deviceScaleFactor=1, mobile=False)  # fmt: skip
        browser.open(console)
        _log_in(browser, "moderator")
        shot = tmp_path / "list.png"
        assert _marked_on(browser, f"{console}{page}", shot) == []
        rows = [_marked_on(browser, f"{console}{page}?{param}={i}", shot) for i in ids]
        assert all(len(marked) == 1 for marked in rows), rows
        assert rows[0] != rows[1], rows
