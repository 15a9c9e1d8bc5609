"""«Все N в ветке — не сигналы» in a real headless Chromium at 1366×768: the labels whole,
the question, and the whole thread decided, its second page too."""

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from models.post import Post, ReviewStatus
from tests.dashboard.browser import chromium
from tests.dashboard.conftest import PASSWORD
from tests.dashboard.test_browser import ARTIFACTS
from tests.dashboard.test_queue_browser import _cut
from tests.dashboard.test_whole_thread import NEWS, _comments, _statuses

QUESTION = "[...document.querySelectorAll('[data-testid=stAlert]')].pop()"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def test_a_whole_thread_is_dismissed_from_a_laptop_screen(
    console: str, seeded: dict[str, list[int]], engine: Engine, tmp_path: Path
) -> None:
    chatter = _comments(engine, NEWS, 25)
    with Session(engine) as session:
        source_id = session.exec(select(Post.source_id)).first()
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium(tmp_path / "profile") as browser:
        browser.call("Emulation.setDeviceMetricsOverride", width=1366, height=768,
                     deviceScaleFactor=1, mobile=False)  # fmt: skip
        browser.open(console)
        browser.log_in("moderator", PASSWORD)
        browser.wait_for_text("Найдено:", timeout=90)
        browser.open(f"{console}queue?thread={source_id}:{NEWS}")
        browser.wait_for_text("Все 25 в ветке — не сигналы", timeout=90)
        browser.settle()
        labels = ["Все 25 в ветке — подтвердить", "Все 25 в ветке — не сигналы"]
        assert _cut(browser, labels) == []
        browser.click_text("button", "Все 25 в ветке — не сигналы")
        browser.wait_for_text("из них не показаны на этой странице: 5")
        browser.settle()
        browser.evaluate(f"{QUESTION}.scrollIntoView({{block: 'center'}})")
        browser.screenshot(ARTIFACTS / "queue-whole-thread-question.png")
        assert _cut(browser, ["Да, решить", "Отмена"]) == []
        assert set(_statuses(engine, chatter)) == {ReviewStatus.NEEDS_REVIEW}
        browser.click_text("button", "Да, решить (25)")
        browser.wait_for_text("Решено постов: 25.", timeout=60)
        browser.settle()
        browser.screenshot(ARTIFACTS / "queue-whole-thread-done.png")
        assert "В этой ветке таких постов больше нет." in browser.text()
    assert set(_statuses(engine, chatter)) == {ReviewStatus.NOT_SIGNAL}
    assert set(_statuses(engine, seeded["posts"])) == {ReviewStatus.NEEDS_REVIEW}
