"""«Все N в ветке / в инциденте»: one decision on every queued post of a thread or an incident,
on all the queue's pages — asked first when they do not fit on the page, each post's
version checked (one someone else changed meanwhile is skipped and named)."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select
from streamlit.testing.v1 import AppTest

from dashboard.queue_rest import REST_CAP, question, question_text
from models.annotation import Annotation
from models.audit import AuditEvent
from models.incident import IncidentPost
from models.learning import TrainingLabel
from models.post import Post, PostKind, ReviewStatus, ThreadPosition
from tests.dashboard.conftest import open_page, texts
from triage.moderation import confirm_post

NEWS = "-1_500"  # the news post the chatter is under
OTHER = "-1_600"  # another post's thread


def _comments(engine: Engine, under: str, count: int) -> list[int]:
    """`count` waiting comments under the post `under` of the seeded source, each with the
    model's reading (a water signal), the newest first in the queue (all of one priority)."""
    with Session(engine) as session:
        source_id = session.exec(select(Post.source_id)).first()
        start = session.exec(select(func.min(Post.published_at))).one()
        posts = [
            Post(
                source_id=source_id or 0,
                external_id=f"{under}_{n}",
                text=f"комментарий {n}",
                text_original=f"комментарий {n}",
                kind=PostKind.COMMENT,
                thread_position=ThreadPosition.COMMENT,
                parent_external_id=under,
                review_status=ReviewStatus.NEEDS_REVIEW,
                raw={},
                published_at=start + timedelta(minutes=n),
            )
            for n in range(count)
        ]
        session.add_all(posts)
        session.flush()
        session.add_all(
            Annotation(post_id=post.id or 0, signal_confidence=0.6, category_code="zhkh",
                       category_confidence=0.6, topic_code="zhkh.water", topic_confidence=0.5)
            for post in posts
        )  # fmt: skip
        session.commit()
        return [post.id or 0 for post in posts]


def _statuses(engine: Engine, post_ids: list[int]) -> list[str]:
    with Session(engine) as session:
        return [session.get_one(Post, post_id).review_status for post_id in post_ids]


def _thread_queue(app: AppTest, engine: Engine, under: str) -> AppTest:
    with Session(engine) as session:
        source_id = session.exec(select(Post.source_id)).first()
    app.query_params["thread"] = f"{source_id}:{under}"
    return open_page(app, "queue")


def _listed(app: AppTest) -> list[int]:
    return [int(i) for i in app.dataframe[0].value["№"]]


def _warnings(app: AppTest) -> str:
    return "\n".join(str(w.value) for w in app.warning)


def test_a_threads_chatter_on_every_page_is_dismissed_after_one_question(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    chatter = _comments(engine, NEWS, 25)
    other = _comments(engine, OTHER, 3)
    app = _thread_queue(signed_in("moderator"), engine, NEWS)
    assert not app.exception
    shown = _listed(app)
    assert len(shown) == 20  # page 1 of 2
    assert app.button(key="q_rest_no").label == "Все 25 в ветке — не сигналы"
    assert app.button(key="q_rest_ok").label == "Все 25 в ветке — подтвердить"

    app.button(key="q_rest_no").click().run()  # asks first: 5 of them are on page 2
    assert not app.exception
    assert set(_statuses(engine, chatter)) == {ReviewStatus.NEEDS_REVIEW}
    assert "В ветке: постов 25, из них не показаны на этой странице: 5." in _warnings(app)
    assert "отмечены как не сигналы" in _warnings(app)

    app.button(key="q_rest_yes").click().run()
    assert not app.exception
    assert set(_statuses(engine, chatter)) == {ReviewStatus.NOT_SIGNAL}
    assert set(_statuses(engine, other + seeded["posts"])) == {ReviewStatus.NEEDS_REVIEW}
    assert "Решено постов: 25." in texts(app)
    assert not app.warning  # the question is closed
    # the thread is done, not the queue: its other posts still wait
    assert "В этой ветке таких постов больше нет. Остальные посты — по кнопке «Вся очередь»." in (
        texts(app)
    )
    assert "Очередь пуста." not in texts(app)
    on_page_two = [post_id for post_id in chatter if post_id not in shown]
    assert len(on_page_two) == 5
    with Session(engine) as session:  # recorded as one decision each: audit and label
        events = session.exec(
            select(AuditEvent.entity_id).where(
                AuditEvent.action == f"review:{ReviewStatus.NOT_SIGNAL}"
            )
        ).all()
        labels = session.exec(
            select(TrainingLabel.post_id).where(col(TrainingLabel.is_signal).is_(False))
        ).all()
    assert sorted(events) == sorted(labels) == sorted(chatter)


def test_the_question_is_closed_by_cancel_and_by_another_decision(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    chatter = _comments(engine, NEWS, 21)
    app = _thread_queue(signed_in("moderator"), engine, NEWS)
    app.button(key="q_rest_ok").click().run()
    assert "Все они будут подтверждены." in _warnings(app)
    app.button(key="q_rest_cancel").click().run()
    assert not app.exception and not app.warning
    assert set(_statuses(engine, chatter)) == {ReviewStatus.NEEDS_REVIEW}

    app.button(key="q_rest_no").click().run()
    assert app.warning
    app.button(key="q_ok").click().run()  # one post decided: the question's versions are old
    assert not app.exception and not app.warning
    assert sorted(_statuses(engine, chatter)).count(ReviewStatus.NEEDS_REVIEW) == 20


def test_a_thread_that_fits_on_the_page_is_decided_without_a_question(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    chatter = _comments(engine, NEWS, 3)
    app = _thread_queue(signed_in("moderator"), engine, NEWS)
    assert app.button(key="q_rest_ok").label == "Все 3 в ветке — подтвердить"
    app.button(key="q_rest_ok").click().run()
    assert not app.exception and not app.warning
    assert set(_statuses(engine, chatter)) == {ReviewStatus.CONFIRMED}
    assert "Решено постов: 3." in texts(app)


def test_a_post_another_moderator_changed_is_skipped_and_named(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """One post changed after the page was drawn (it fits), one of page 2 after the
    question was asked: both keep the other moderator's decision, the rest are decided."""
    chatter = _comments(engine, NEWS, 3)
    app = _thread_queue(signed_in("moderator"), engine, NEWS)
    first = chatter[0]
    with Session(engine) as session:
        confirm_post(session, post_id=first, expected_version=1, actor="другой", user_id=None)
        session.commit()
    app.button(key="q_rest_no").click().run()
    assert not app.exception and not app.error
    assert _statuses(engine, chatter) == [ReviewStatus.CONFIRMED] + [ReviewStatus.NOT_SIGNAL] * 2
    said = "Решено постов: 2. Пропущено: 1 — их уже изменил или удалил другой пользователь"
    assert f"{said} (№{first})." in texts(app)

    more = _comments(engine, OTHER, 23)
    app = _thread_queue(app, engine, OTHER)
    hidden = [post_id for post_id in more if post_id not in _listed(app)]
    app.button(key="q_rest_no").click().run()
    with Session(engine) as session:
        confirm_post(session, post_id=hidden[0], expected_version=1, actor="другой", user_id=None)
        session.commit()
    app.button(key="q_rest_yes").click().run()
    assert not app.exception and not app.error
    statuses = dict(zip(more, _statuses(engine, more), strict=True))
    assert statuses.pop(hidden[0]) == ReviewStatus.CONFIRMED
    assert set(statuses.values()) == {ReviewStatus.NOT_SIGNAL}
    assert "Решено постов: 22. Пропущено: 1" in texts(app)
    assert f"(№{hidden[0]})" in texts(app)


def test_an_incidents_posts_on_every_page_are_confirmed(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    pipe, twin, power = seeded["posts"]
    members = _comments(engine, NEWS, 21)
    with Session(engine) as session:
        incident_id = session.get_one(IncidentPost, pipe).incident_id
        session.add_all(IncidentPost(incident_id=incident_id, post_id=p) for p in members)
        session.commit()
    app = signed_in("moderator")
    app.query_params["incident"] = str(incident_id)
    open_page(app, "queue")
    assert app.button(key="q_rest_ok").label == "Все 23 в инциденте — подтвердить"
    app.button(key="q_rest_ok").click().run()
    assert "В инциденте: постов 23, из них не показаны на этой странице: 3." in _warnings(app)
    app.button(key="q_rest_yes").click().run()
    assert not app.exception and not app.error
    assert set(_statuses(engine, [pipe, twin, *members])) == {ReviewStatus.CONFIRMED}
    assert _statuses(engine, [power]) == [ReviewStatus.NEEDS_REVIEW]
    assert "У этого инцидента таких постов больше нет." in texts(app)


@pytest.mark.parametrize("found", [REST_CAP, REST_CAP + 1])
def test_a_thread_above_the_cap_is_decided_a_thousand_at_a_time(found: int) -> None:
    asked = question([(n, 1) for n in range(found)], [], filters="", is_signal=False)
    assert len(asked.decisions) == REST_CAP
    said = question_text(asked, "в ветке")
    assert ("Постов больше 1 000: за один раз решаются первые 1 000" in said) is (found > REST_CAP)
