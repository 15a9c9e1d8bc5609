"""The authority's public answer under a resident's post, in the queue and on the post's
page, in a real headless Chromium."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from benchmarks.console_browser import FIRST_POST
from models.post import AuthorKind, PipelineStage, Post, ReviewStatus, ThreadPosition
from models.source import Source, SourceKind, SourceRole
from tests.dashboard.browser import chromium
from tests.dashboard.test_browser import ARTIFACTS
from tests.dashboard.test_queue_browser import _settle, _sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def answer_text(post_id: int) -> str:
    return f"Здравствуйте! Обращение по посту {post_id} передано в управляющую компанию."


@pytest.fixture
def answered(engine: Engine, seeded: dict[str, list[int]]) -> list[int]:
    """Each seeded post gets its own public answer from an administration's page."""
    with Session(engine) as session:
        page = Source(kind=SourceKind.VK_COMMENTS, name="Администрация Краснокамска",
                      target="-2", role=SourceRole.AUTHORITY)  # fmt: skip
        session.add(page)
        session.flush()
        for post_id in seeded["posts"]:
            post = session.get_one(Post, post_id)
            text = answer_text(post_id)
            session.add(Post(source_id=page.id or 0, external_id=f"-2_1_{post_id}",
                             published_at=post.published_at + timedelta(minutes=30),
                             author_kind=AuthorKind.SOURCE, kind="comment",
                             thread_position=ThreadPosition.REPLY, text=text,
                             text_original=text, raw={}, stage=PipelineStage.TRIAGED,
                             review_status=ReviewStatus.NOT_SIGNAL,
                             answer_to_post_id=post_id))  # fmt: skip
        session.commit()
    return seeded["posts"]


def test_the_queue_and_the_post_page_show_the_public_answer(
    console: str, answered: list[int], tmp_path: Path
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium(tmp_path / "profile") as browser:
        _sign_in(browser, console)
        current = int(browser.evaluate(FIRST_POST))
        text = browser.text()
        assert current in answered
        assert "Публичный ответ администрации" in text
        assert answer_text(current) in text  # the answer to the post shown, not another's
        assert sum(answer_text(post_id) in text for post_id in answered) == 1
        assert "Администрация Краснокамска" in text
        browser.screenshot(ARTIFACTS / "queue-public-answer.png")

        browser.open(f"{console}post?id={current}")
        browser.wait_for_text(f"Пост №{current}", timeout=60)
        _settle(browser)
        assert answer_text(current) in browser.text()
        browser.screenshot(ARTIFACTS / "post-public-answer.png")
