"""No English a user can see, on any page, in a real headless Chromium.

Rather than a list of known English phrases, every Latin-letter word visible on the page is
collected (text nodes that take up space, and input placeholders; icon ligatures and
screen-reader-only text excluded) after opening what hides more text: expanders, every
select's list searched for something absent («No results»), a table's column menu and its
submenus, the hover toolbar's tooltips, a date field's calendar. Any word outside a short
list of names (VK, SLA, CSV…) fails the test with the page it was on; so does any of
Streamlit's own English strings (tests/dashboard/streamlit_strings.py, read from the
installed frontend) in a text, a tooltip (`title`) or a screen-reader label (`aria-label`).
"""

import json
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.dashboard.browser import Browser, chromium
from tests.dashboard.streamlit_strings import known_strings
from tests.dashboard.test_console_browser import _log_in, _reports, _shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]{2,}")
FILE_NAME = re.compile(r"\S+\.(?:json|csv|xlsx|png)\b")  # data/taxonomy.json, a source's file
# Names a Russian console writes in Latin letters: formats, services, keys, the login.
ALLOWED = {"SLA", "CSV", "XLSX", "JSON", "PNG", "VK", "Telegram", "Ctrl", "Enter", "Delete"}
ALLOWED_LOGIN = {"admin"}

VISIBLE_TEXT = """
(() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('script, style, noscript')) continue;
    const style = getComputedStyle(el);
    if (style.fontFamily.includes('Material')) continue;  // an icon's ligature
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1 || r.bottom < 0 || r.right < 0) continue;  // sr-only
    const text = node.nodeValue.trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder]')) {
    out.push(el.getAttribute('placeholder'));
  }
  return out;
})()
"""


def _latin(browser: Browser) -> set[str]:
    texts = [FILE_NAME.sub("", text) for text in browser.evaluate(VISIBLE_TEXT)]
    words = {m.group() for text in texts for m in LATIN_WORD.finditer(text)}
    return words - ALLOWED - ALLOWED_LOGIN


ATTRIBUTES = """
[...document.querySelectorAll('[title], [aria-label], [placeholder]')].flatMap(el =>
  ['title', 'aria-label', 'placeholder'].map(name => el.getAttribute(name)).filter(Boolean))
"""


def _known_english(browser: Browser) -> set[str]:
    """Streamlit's own English strings (read from its frontend) left in the page's text, its
    tooltips or its screen-reader labels, anywhere in the page."""
    texts = [t.strip() for t in browser.evaluate(VISIBLE_TEXT) + browser.evaluate(ATTRIBUTES)]
    known = [re.compile("^" + re.escape(k).replace("…", ".+") + "$") for k in known_strings()]
    return {text for text in texts if any(pattern.match(text) for pattern in known)}


def _mouse(browser: Browser, x: float, y: float, *, click: bool = False) -> None:
    browser.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
    if click:
        for kind in ("mousePressed", "mouseReleased"):
            browser.call(
                "Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1
            )
    time.sleep(0.5)


def _selects(browser: Browser) -> set[str]:
    """Each select's list, searched for a word no option has."""
    found: set[str] = set()
    inputs = "[data-testid=stMultiSelect] input, [data-testid=stSelectbox] input"
    count = int(browser.evaluate(f"document.querySelectorAll({json.dumps(inputs)}).length") or 0)
    for number in range(count):
        browser.evaluate(
            f"(() => {{ const i = document.querySelectorAll({json.dumps(inputs)})[{number}];"
            " i.scrollIntoView({block: 'center'}); i.click(); i.focus(); })()"
        )
        time.sleep(0.3)
        browser.call("Input.insertText", text="щщщщ")
        time.sleep(0.4)
        found |= _latin(browser) | _known_english(browser)
        browser.press("Escape", 27)
        browser.evaluate("document.activeElement && document.activeElement.blur()")
    return found


def _grid_menus(browser: Browser) -> tuple[set[str], bool]:
    """The first table's column menu and its submenus, and its toolbar's tooltips; whether a
    menu was seen at all."""
    box = browser.evaluate(
        "(() => { const g = document.querySelector('[data-testid=stDataFrameResizable]');"
        " if (!g) return null; g.scrollIntoView({block: 'center'});"
        " const r = g.getBoundingClientRect(); return [r.left, r.top, r.width]; })()"
    )
    if not box:
        return set(), False
    left, top, width = box
    found: set[str] = set()
    opened = False
    for x in (left + width * 0.3, left + width * 0.55, left + width * 0.8):
        _mouse(browser, x, top + 17, click=True)
        items = browser.evaluate("[...document.querySelectorAll('[role=menuitem]')].length")
        if not items:
            continue
        opened = True
        found |= _latin(browser) | _known_english(browser)
        for number in range(int(items)):
            point = browser.evaluate(
                f"(() => {{ const e = document.querySelectorAll('[role=menuitem]')[{number}];"
                " if (!e) return null; const r = e.getBoundingClientRect();"
                " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
            )
            if point:
                _mouse(browser, *point)  # a submenu opens on hover
                found |= _latin(browser) | _known_english(browser)
        browser.press("Escape", 27)
        break
    buttons = browser.evaluate(
        "[...document.querySelectorAll('[data-testid=stElementToolbarButton] button')]"
        ".filter(b => b.getBoundingClientRect().width > 0)"
        ".map(b => { const r = b.getBoundingClientRect();"
        " return [r.left + r.width / 2, r.top + r.height / 2]; })"
    )
    _mouse(browser, left + width / 2, top + 50)  # the toolbar shows on hover
    for point in buttons or []:
        _mouse(browser, *point)
        found |= _latin(browser)
    return found, opened


def _calendar(browser: Browser) -> set[str]:
    opened = browser.evaluate(
        "(() => { const i = document.querySelector('[data-testid=stDateInput] input');"
        " if (!i) return false; i.scrollIntoView({block: 'center'}); i.click(); i.focus();"
        " return true; })()"
    )
    if not opened:
        return set()
    time.sleep(0.5)
    found = _latin(browser)
    browser.press("Escape", 27)
    return found


def test_no_latin_words_are_visible_on_any_page(
    console: str, engine: Engine, tmp_path: Path
) -> None:
    _reports(engine)
    found: dict[str, set[str]] = {}
    menus = 0
    with chromium(tmp_path / "profile") as browser:
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=1500,
            height=1000,
            deviceScaleFactor=1,
            mobile=False,
        )
        browser.open(console)
        _log_in(browser, "admin")
        titles = browser.evaluate(
            "[...document.querySelectorAll('[data-testid=stSidebarNav] a')]"
            ".map(a => a.innerText.trim().split('\\n').pop())"
        )
        assert len(titles) >= 8, titles
        for title in titles:
            browser.click_text("[data-testid=stSidebarNav] a", title)
            browser.wait_for(
                "(() => { const h = document.querySelector('h1');"
                f" return h !== null && h.innerText.trim() === {json.dumps(title)}; }})()"
            )
            browser.settle()
            browser.evaluate(
                "document.querySelectorAll('[data-testid=stExpander] details').forEach(d => {"
                " if (!d.open) d.querySelector('summary').click(); })"
            )
            browser.settle()
            words = _latin(browser) | _known_english(browser)
            words |= _selects(browser) | _calendar(browser)
            grid_words, opened = _grid_menus(browser)
            menus += opened
            found[title] = words | grid_words
            _shot(browser, f"russian-{title}")
    assert menus >= 2, "no table's column menu was opened: the check did not run"
    assert {page: sorted(words) for page, words in found.items() if words} == {}
