"""The analytics map over a tile server, drawn by a real headless Chromium.

The tile server is ours and local (a one-colour PNG for any tile); the map (deck.gl with a
MapLibre raster base, WebGL 2 through Chromium's software renderer) must ask it for tiles
and show them: the map's area of the screenshot is mostly the tiles' colour. Over them, each
municipality's label (Cyrillic) is drawn on a white plate in dark letters: both colours must
be there, and the label's text must be what the layer was given.
"""

import io
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import Engine
from sqlmodel import Session, select

from models.geo import Municipality
from tests.dashboard.browser import chromium, serving
from tests.dashboard.conftest import ROOT, dashboard
from tests.dashboard.test_analytics_page import POPULATION
from tests.dashboard.test_console_browser import _log_in, _shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

TILE_COLOUR = (255, 0, 255)  # magenta: nothing else on the page has it
PLACES = {  # the seeded municipalities' centres, apart: their labels do not overlap
    "Краснокамский городской округ": (58.08, 55.75),
    "Чусовской городской округ": (58.29, 57.81),
}


def _places(engine: Engine) -> None:
    with Session(engine) as session:
        for place in session.exec(select(Municipality)):
            place.latitude, place.longitude = PLACES[place.name]
            place.population = POPULATION[place.name]
            session.add(place)
        session.commit()


# deck.gl reports a layer that failed to initialise with console.error, and draws nothing
CONSOLE_ERRORS = """
window.__errors = [];
const shown = console.error;
console.error = (...parts) => {
  window.__errors.push(parts.map(String).join(' '));
  shown(...parts);
};
"""


def _tile() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), TILE_COLOUR).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def tile_server() -> Iterator[tuple[str, list[str]]]:
    """A local tile server: its URL template, and the paths it was asked for."""
    asked: list[str] = []
    tile = _tile()

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/tiles/{{z}}/{{x}}/{{y}}.png", asked
    finally:
        server.shutdown()


@pytest.fixture
def tiled_console(
    configured: str, seeded: dict[str, list[int]], tile_server: tuple[str, list[str]]
) -> Iterator[str]:
    tiles = {"OTKLIK_DATABASE_URL": configured, "OTKLIK_MAP_TILE_URL": tile_server[0]}
    with serving(dashboard, env={**os.environ, **tiles}, cwd=ROOT) as url:
        yield url


def test_the_map_draws_the_tile_server_s_tiles(
    tiled_console: str, engine: Engine, tile_server: tuple[str, list[str]], tmp_path: Path
) -> None:
    _places(engine)
    _, asked = tile_server
    with chromium(tmp_path / "profile") as browser:
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=1500,
            height=1000,
            deviceScaleFactor=1,
            mobile=False,
        )
        browser.call("Page.addScriptToEvaluateOnNewDocument", source=CONSOLE_ERRORS)
        browser.open(tiled_console)
        _log_in(browser, "operator")
        browser.click_text("[data-testid=stSidebarNav] a", "Аналитика")
        browser.wait_for_text("Карта сигналов", timeout=60)
        browser.settle()
        text = browser.text()
        assert "Карта сигналов" in text and "Нет сигналов" not in text, text[-800:]
        browser.wait_for(
            "document.querySelector('[data-testid=stDeckGlJsonChart]') !== null", timeout=60
        )
        browser.evaluate(
            "document.querySelector('[data-testid=stDeckGlJsonChart]')"
            ".scrollIntoView({block: 'center'})"
        )
        for _ in range(60):
            if asked:
                break
            browser.settle(timeout=30)
        _shot(browser, "tile-map")
        assert asked, "the map never asked the tile server for a tile"
        browser.settle()
        box = browser.evaluate(
            "(() => { const r = document.querySelector('[data-testid=stDeckGlJsonChart]')"
            ".getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })()"
        )
        shot = tmp_path / "map.png"
        browser.screenshot(shot)
        _shot(browser, "tile-map")
        errors = [e for e in browser.evaluate("window.__errors") if "deck" in e]
    image = Image.open(shot).convert("RGB").crop(tuple(int(v) for v in box))
    pixels = image.width * image.height
    colours = {colour: n for n, colour in image.getcolors(pixels)}
    tiled = colours.get(TILE_COLOUR, 0)
    assert all(path.endswith(".png") and path.startswith("/tiles/") for path in asked)
    assert tiled / pixels > 0.3, f"{tiled} of {pixels} pixels are the tiles' colour"
    plate = sum(n for colour, n in colours.items() if min(colour) >= 235)  # white plates
    letters = sum(n for colour, n in colours.items() if max(colour) <= 90)  # dark letters
    assert plate > 1500 and letters > 150, f"labels: {plate} plate and {letters} letter pixels"
    assert errors == [], errors  # a layer that fails to start says so only in the console
