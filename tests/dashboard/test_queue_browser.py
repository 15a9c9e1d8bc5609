"""The queue in a real headless Chromium at 1500×1000: dense, and worked from the keyboard."""

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from benchmarks.console_browser import FIRST_POST, VISIBLE_POSTS
from models.annotation import Annotation
from models.clock import now
from models.post import PipelineStage, Post, PostCreate, ReviewStatus
from models.post_store import store_posts
from tests.dashboard.browser import Browser, chromium, marked_rows
from tests.dashboard.conftest import PASSWORD
from tests.dashboard.test_browser import ARTIFACTS
from triage.moderation import confirm_post

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]
EXTRA_POSTS = 15
KEYS = {"J": 74, "K": 75, "Y": 89, "N": 78, "E": 69, "/": 191}


@pytest.fixture
def crowded(engine: Engine, seeded: dict[str, list[int]]) -> list[int]:
    """The seeded queue plus `EXTRA_POSTS` more posts waiting for review."""
    with Session(engine) as session:
        source_id = session.get(Post, seeded["posts"][0]).source_id  # type: ignore[union-attr]
        posts = [
            PostCreate(external_id=f"extra-{n}", text=f"Во дворе дома {n} не вывозят мусор",
                       text_original="-", published_at=now() - timedelta(hours=3, minutes=n))
            for n in range(EXTRA_POSTS)
        ]  # fmt: skip
        ids = store_posts(session, source_id=source_id, posts=posts).new_ids
        for post_id in ids:
            session.add(Annotation(post_id=post_id, signal_confidence=0.6, category_code="zhkh",
                                   category_confidence=0.5, topic_code="zhkh.water",
                                   topic_confidence=0.4, reasons={}))  # fmt: skip
            post = session.get(Post, post_id)
            assert post is not None
            post.stage, post.review_status = PipelineStage.TRIAGED, ReviewStatus.NEEDS_REVIEW
            session.add(post)
        session.commit()
    return seeded["posts"] + ids


def _sign_in(browser: Browser, url: str) -> None:
    browser.call("Emulation.setDeviceMetricsOverride", width=1500, height=1000,
                 deviceScaleFactor=1, mobile=False)  # fmt: skip
    browser.open(url)
    browser.log_in("moderator", PASSWORD)
    browser.wait_for_text("Найдено:", timeout=90)
    _settle(browser)


def _settle(browser: Browser) -> None:
    browser.wait_for("document.querySelector('[data-testid=stStatusWidget]') === null")
    browser.wait_for("document.querySelectorAll('[data-testid=stSkeleton]').length === 0")
    time.sleep(1.5)


def _press(browser: Browser, key: str) -> None:
    """A key typed on the page itself (not in a field), as a moderator would."""
    browser.evaluate("document.activeElement && document.activeElement.blur()")
    code = "Slash" if key == "/" else f"Key{key}"
    typed = key.lower()
    browser.call("Input.dispatchKeyEvent", type="keyDown", key=typed, code=code,
                 windowsVirtualKeyCode=KEYS[key], text=typed)  # fmt: skip
    browser.call("Input.dispatchKeyEvent", type="keyUp", key=typed, code=code,
                 windowsVirtualKeyCode=KEYS[key])  # fmt: skip


def _current(browser: Browser) -> int:
    return int(browser.evaluate(FIRST_POST))


def _status(engine: Engine, post_id: int) -> str:
    with Session(engine) as session:
        post = session.get(Post, post_id)
        assert post is not None
        return post.review_status


def test_at_least_ten_posts_fit_on_a_1500_by_1000_screen(
    console: str,
    crowded: list[int],
    tmp_path: Path,
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium(tmp_path / "profile") as browser:
        _sign_in(browser, console)
        browser.screenshot(ARTIFACTS / "queue-1500x1000.png")
        assert browser.evaluate(VISIBLE_POSTS) >= 10
        text = browser.evaluate("document.body.innerText")
        assert f"Найдено: {len(crowded)}." in text
        for english in ("Download as CSV", "Show/hide columns", "None"):
            assert english not in text


# The buttons labelled one of `labels` (a count in brackets aside) and cut short («Подтвер…»,
# «Исправ…»): the label's text is wider than the box that shows it. Measured in fractional
# pixels: a label 1.4 px too wide already ends in «…», while scrollWidth and clientWidth,
# rounded, may differ by only 1.
CUT_BUTTONS = """(labels => [...document.querySelectorAll('button')]
  .filter(b => labels.includes(b.innerText.split('\\n')[0].replace(/ \\(\\d+\\)$/, '')))
  .filter(b => [b, ...b.querySelectorAll('*')].some(e => {
    const text = document.createRange(), box = e.getBoundingClientRect().width;
    text.selectNodeContents(e);  // a box of width 0 is a "display: contents" wrapper
    return e.scrollWidth > e.clientWidth
      || (box > 0 && text.getBoundingClientRect().width > box + 0.5);
  }))
  .map(b => b.innerText.split('\\n')[0]))"""
DECISIONS = ["Подтвердить", "Не сигнал", "Исправить"]
BULK = ["Подтвердить выбранные", "Не сигналы — выбранные"]
DECISION_BUTTONS = """[...document.querySelectorAll('button')]
  .filter(b => ['Подтвердить', 'Не сигнал', 'Исправить'].includes(b.innerText.split('\\n')[0]))
  .length"""


def _cut(browser: Browser, labels: list[str]) -> list[str]:
    return list(browser.evaluate(f"{CUT_BUTTONS}({json.dumps(labels)})"))


def test_the_decision_buttons_show_their_whole_labels_on_a_laptop_screen(
    console: str,
    crowded: list[int],
    tmp_path: Path,
) -> None:
    """At 1366×768 «Подтвердить», «Не сигнал» and «Исправить» are read in full, keys beside."""
    ARTIFACTS.mkdir(exist_ok=True)  # this test may run alone
    with chromium(tmp_path / "profile") as browser:
        _sign_in(browser, console)
        browser.call("Emulation.setDeviceMetricsOverride", width=1366, height=768,
                     deviceScaleFactor=1, mobile=False)  # fmt: skip
        _settle(browser)
        browser.screenshot(ARTIFACTS / "queue-1366x768.png")
        assert browser.evaluate(DECISION_BUTTONS) == 3
        assert _cut(browser, DECISIONS) == []


def test_the_buttons_for_the_chosen_posts_show_their_whole_labels_on_a_laptop_screen(
    console: str,
    crowded: list[int],
    tmp_path: Path,
) -> None:
    """At 1366×768 «Подтвердить выбранные» and «Не сигналы — выбранные» are read in full."""
    with chromium(tmp_path / "profile") as browser:
        _sign_in(browser, console)
        browser.call("Emulation.setDeviceMetricsOverride", width=1366, height=768,
                     deviceScaleFactor=1, mobile=False)  # fmt: skip
        _settle(browser)
        shown = browser.evaluate("[...document.querySelectorAll('button')].map(b => b.innerText)")
        assert sum(any(text.startswith(label) for label in BULK) for text in shown) == 2
        assert _cut(browser, BULK) == []


def test_keyboard_next_previous_confirm_not_a_signal_edit_and_search(
    console: str,
    crowded: list[int],
    engine: Engine,
    tmp_path: Path,
) -> None:
    with chromium(tmp_path / "profile") as browser:
        _sign_in(browser, console)
        first = _current(browser)
        _press(browser, "J")
        browser.wait_for(f"{FIRST_POST} !== {first}")
        second = _current(browser)
        _settle(browser)
        _press(browser, "K")
        browser.wait_for(f"{FIRST_POST} === {first}")
        _settle(browser)
        _press(browser, "Y")  # confirm the first post; the next one becomes current
        browser.wait_for(f"{FIRST_POST} === {second}", timeout=30)
        assert _status(engine, first) == ReviewStatus.CONFIRMED
        _settle(browser)
        _press(browser, "N")
        browser.wait_for(f"{FIRST_POST} !== {second}", timeout=30)
        assert _status(engine, second) == ReviewStatus.NOT_SIGNAL
        _settle(browser)
        _press(browser, "E")
        browser.wait_for_text("Сохранить исправление")
        _press(browser, "/")
        label = json.dumps("Поиск по тексту")
        browser.wait_for(f"document.activeElement.getAttribute('aria-label') === {label}")
        ARTIFACTS.mkdir(exist_ok=True)  # this test may run alone
        browser.screenshot(ARTIFACTS / "queue-keyboard.png")


def test_a_refusal_in_the_queue_is_gone_once_the_next_decision_is_made(
    console: str, seeded: dict[str, list[int]], engine: Engine, tmp_path: Path
) -> None:
    """«Ничего не выбрано» (the buttons for the chosen posts, none ticked) and a decision
    refused (another moderator decided the post first) are said in the list's head, redrawn
    with the list: drawn at the top of the page from the list's callback, they stayed there
    through every later decision, which reruns the list alone."""
    with chromium(tmp_path / "profile") as browser:
        _sign_in(browser, f"{console}queue")
        browser.click_text("button", "Не сигналы — выбранные")
        browser.wait_for_text("Ничего не выбрано")
        _settle(browser)
        shown = _current(browser)
        _press(browser, "Y")
        browser.wait_for_text(f"Пост №{shown} подтверждён.")
        _settle(browser)
        assert "Ничего не выбрано" not in browser.text()
        assert _status(engine, shown) == ReviewStatus.CONFIRMED
        refused = _current(browser)
        with Session(engine) as session:  # another moderator decides it first
            confirm_post(session, post_id=refused, expected_version=1, actor="other",
                         user_id=None)  # fmt: skip
            session.commit()
        _press(browser, "N")
        browser.wait_for_text("другой пользователь")
        _settle(browser)
        _press(browser, "J")
        browser.wait_for(f"{FIRST_POST} !== {refused}")
        _settle(browser)
        following = _current(browser)
        _press(browser, "Y")
        browser.wait_for_text(f"Пост №{following} подтверждён.")
        _settle(browser)
        ARTIFACTS.mkdir(exist_ok=True)
        browser.screenshot(ARTIFACTS / "queue-refusal-gone.png")
        assert "другой пользователь" not in browser.text()
        assert _status(engine, following) == ReviewStatus.CONFIRMED


def test_the_current_post_is_marked_in_the_list_and_the_mark_follows_the_keys(
    console: str, crowded: list[int], tmp_path: Path
) -> None:
    """The post open beside the list is the one row drawn pale yellow: the first on
    opening, the next after J, back after K; no other row is."""
    with chromium(tmp_path / "profile") as browser:
        _sign_in(browser, console)
        shot = tmp_path / "queue.png"
        assert marked_rows(browser, shot, 10) == [0]
        first = _current(browser)
        _press(browser, "J")
        browser.wait_for(f"{FIRST_POST} !== {first}")
        _settle(browser)
        assert marked_rows(browser, shot, 10) == [1]
        _press(browser, "K")
        browser.wait_for(f"{FIRST_POST} === {first}")
        _settle(browser)
        assert marked_rows(browser, shot, 10) == [0]
