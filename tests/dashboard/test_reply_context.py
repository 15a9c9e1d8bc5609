"""A comment shows what it answers (the parent post's text and link), in the queue and on
its own page; a comment whose post was never collected says so."""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from models.incident import IncidentPost
from models.parents import parent_post
from models.post import Post, PostCreate, PostKind, ReviewStatus, ThreadPosition
from models.post_store import store_posts
from models.source import Source, SourceKind
from tests.dashboard.conftest import open_page, texts

PARENT = "Администрация Краснокамска: с 9 до 17 на Ленина плановое отключение воды."


@pytest.fixture
def thread(engine: Engine, seeded: dict[str, list[int]]) -> dict[str, int]:
    """The first two seeded posts become comments under a stored post; the third one's post
    was never collected."""
    first, second, third = seeded["posts"]
    with Session(engine) as session:
        one = session.get_one(Post, first)
        parent = Post(source_id=one.source_id, external_id="-1_100", text=PARENT,
                      text_original=PARENT, published_at=one.published_at, raw={})  # fmt: skip
        session.add(parent)
        for post_id, answered in ((first, "-1_100"), (second, "-1_100"), (third, "-1_999")):
            post = session.get_one(Post, post_id)
            post.kind, post.thread_position = PostKind.COMMENT, ThreadPosition.COMMENT
            post.parent_external_id = answered
            session.add(post)
        session.commit()
        return {"parent": parent.id or 0, "answered": first, "orphan": third}


def _post_page(app: AppTest, post_id: int) -> str:
    app.query_params["id"] = str(post_id)
    return texts(open_page(app, "post")).replace("\\", "")


def test_a_comment_shows_the_post_it_answers(
    signed_in: Callable[[str], AppTest], thread: dict[str, int]
) -> None:
    queue = open_page(signed_in("moderator"), "queue")
    assert not queue.exception
    assert "↳" in texts(queue)  # the current post is a comment: its context is above it

    page = _post_page(queue, thread["answered"])
    assert f"В ответ на [пост №{thread['parent']}](post?id={thread['parent']})" in page
    assert PARENT.rstrip(".") in page

    orphan = _post_page(queue, thread["orphan"])
    assert "исходный пост не собран" in orphan and PARENT.rstrip(".") not in orphan


def test_the_parent_is_found_where_another_source_stored_it(engine: Engine) -> None:
    """A VK post stored by a wall crawl is the parent of a comment a search crawl found."""
    at = datetime(2026, 3, 2, 8, tzinfo=UTC)
    with Session(engine) as session:
        wall = Source(kind=SourceKind.VK_WALL, name="стена", target="-5")
        search = Source(kind=SourceKind.VK_SEARCH, name="поиск", target="прорвало")
        session.add_all([wall, search])
        session.flush()
        [parent_id] = store_posts(session, source_id=wall.id or 0, posts=[
            PostCreate(external_id="-5_7", text=PARENT, text_original=PARENT, published_at=at)
        ]).new_ids  # fmt: skip
        [comment_id] = store_posts(session, source_id=search.id or 0, posts=[
            PostCreate(external_id="-5_7_9", text="у нас тоже", text_original="у нас тоже",
                       published_at=at, kind=PostKind.COMMENT, parent_external_id="-5_7")
        ]).new_ids  # fmt: skip
        session.commit()
        parent = parent_post(session, session.get_one(Post, comment_id))
        assert parent is not None and parent.id == parent_id


def test_a_thread_is_shown_alone_and_its_chatter_dismissed_at_once(
    signed_in: Callable[[str], AppTest], thread: dict[str, int], engine: Engine
) -> None:
    with Session(engine) as session:
        comment = session.get_one(Post, thread["answered"])
        source_id = comment.source_id
    queue = open_page(signed_in("moderator"), "queue")
    link = f"[вся ветка в очереди](queue?thread={source_id}%3A-1_100)"
    assert link in texts(queue)

    queue.query_params["thread"] = f"{source_id}:-1_100"
    open_page(queue, "queue")
    assert not queue.exception
    assert "Показана одна ветка" in " ".join(i.value for i in queue.info)
    assert "Найдено: 2." in texts(queue)  # the two comments; not the third post's thread
    queue.button(key="q_rest_no").click().run()
    assert not queue.exception

    with Session(engine) as session:
        statuses = {
            post_id: session.get_one(Post, post_id).review_status
            for post_id in (thread["answered"], thread["orphan"])
        }
    assert statuses == {
        thread["answered"]: ReviewStatus.NOT_SIGNAL,
        thread["orphan"]: ReviewStatus.NEEDS_REVIEW,
    }
    queue.button(key="q_thread_off").click().run()
    assert "thread" not in queue.query_params
    assert "Найдено: 1." in texts(queue)  # the whole queue again: what is left of it


def test_an_incidents_comments_show_the_post_they_answer(
    signed_in: Callable[[str], AppTest], thread: dict[str, int], engine: Engine
) -> None:
    """On the incident's page too: a comment grouped into an incident («у нас тоже»,
    a greeting) is read with the post it answers above it, as in the queue; the next
    comment under the same post names it without quoting it again."""
    with Session(engine) as session:
        link = session.exec(
            select(IncidentPost).where(IncidentPost.post_id == thread["answered"])
        ).one()
    app = signed_in("moderator")
    app.query_params["incident"] = str(link.incident_id)
    page = texts(open_page(app, "incidents")).replace("\\", "")
    assert f"В ответ на [пост №{thread['parent']}](post?id={thread['parent']})" in page
    assert PARENT.rstrip(".") in page
    assert page.count(PARENT.rstrip(".")) == 1
    assert f"Тоже в ответ на [пост №{thread['parent']}](post?id={thread['parent']})" in page
