import time
from datetime import timedelta

import pytest
from sqlmodel import Session

from models.clock import frozen_at
from models.post import Post, PostSighting, ReviewStatus
from models.search import MAX_QUERY_CHARS, MAX_QUERY_WORDS, clean_query
from tests.triage import factories as f
from triage.queue import QueueFilters, matching_posts, review_queue
from triage.stage import triage_posts
from triage.thresholds import Thresholds


def _queue(session: Session) -> dict[str, int]:
    perm = f.municipality(session, "Пермский городской округ")
    kama = f.municipality(session, "Краснокамский городской округ")
    vk = f.source(session, "vk")
    tg = f.source(session, "tg", kind="telegram")
    ids = {
        "fire": f.annotated_post(
            session,
            source_id=vk,
            municipality_id=perm,
            confidence=0.6,
            category="safety",
            text="Пожар в подъезде дома на улице Мира 3",
        ),
        "bench": f.annotated_post(
            session,
            source_id=tg,
            municipality_id=kama,
            confidence=0.4,
            category="amenities",
            published_at=f.MONDAY + timedelta(days=1),
            text="Сломана скамейка в сквере на улице Гагарина",
        ),
        "pit": f.annotated_post(
            session,
            source_id=vk,
            municipality_id=kama,
            confidence=0.65,
            category="roads",
            published_at=f.MONDAY + timedelta(days=2),
            text="Огромная яма на дороге по улице Шоссейной 7",
        ),
        "sure": f.annotated_post(
            session,
            source_id=vk,
            municipality_id=perm,
            confidence=0.95,
            text="Прорвало трубу в подвале на улице Кирова 1",
        ),
    }
    session.commit()
    with frozen_at(f.MONDAY + timedelta(days=2)):
        triage_posts(session, post_ids=list(ids.values()), thresholds=Thresholds())
    return ids | {"perm": perm, "kama": kama, "tg": tg}


def test_the_queue_shows_posts_to_review_highest_priority_first(session: Session) -> None:
    ids = _queue(session)
    page = review_queue(session, filters=QueueFilters(), page=1, page_size=10)
    assert next(item.post_id for item in page.items) == ids["fire"]
    assert {item.post_id for item in page.items} == {ids["fire"], ids["bench"], ids["pit"]}
    assert page.total == 3
    priorities = [item.priority for item in page.items]
    assert priorities == sorted(priorities, reverse=True)
    assert all(item.incident_id is not None for item in page.items)


def test_the_queue_pages(session: Session) -> None:
    _queue(session)
    first = review_queue(session, filters=QueueFilters(), page=1, page_size=2)
    second = review_queue(session, filters=QueueFilters(), page=2, page_size=2)
    assert (first.total, first.pages, len(first.items), len(second.items)) == (3, 2, 2, 1)
    assert not {i.post_id for i in first.items} & {i.post_id for i in second.items}


def test_the_queue_filters(session: Session) -> None:
    ids = _queue(session)

    def ids_for(**kwargs: object) -> set[int]:
        page = review_queue(session, filters=QueueFilters(**kwargs), page=1, page_size=50)  # type: ignore[arg-type]
        return {item.post_id for item in page.items}

    assert ids_for(municipality_ids=(ids["kama"],)) == {ids["bench"], ids["pit"]}
    assert ids_for(source_ids=(ids["tg"],)) == {ids["bench"]}
    assert ids_for(source_kinds=("telegram",)) == {ids["bench"]}
    assert ids_for(category_codes=("roads",)) == {ids["pit"]}
    assert ids_for(min_confidence=0.5, max_confidence=0.62) == {ids["fire"]}
    assert ids_for(
        published_from=f.MONDAY + timedelta(hours=12),
        published_to=f.MONDAY + timedelta(days=1, hours=12),
    ) == {ids["bench"]}
    assert ids_for(text="яма") == {ids["pit"]}
    assert ids_for(review_statuses=(ReviewStatus.AUTO_ACCEPTED,)) == {ids["sure"]}


def test_the_count_stops_at_the_cap_and_says_so(session: Session) -> None:
    _queue(session)
    exact = review_queue(session, filters=QueueFilters(), page_size=1)
    capped = review_queue(session, filters=QueueFilters(), page_size=1, count_cap=2)

    assert (exact.total, exact.total_is_exact) == (3, True)
    assert (capped.total, capped.total_is_exact) == (2, False)
    assert [item.post_id for item in capped.items] == [item.post_id for item in exact.items]


def test_search_survives_control_characters_and_huge_queries(session: Session) -> None:
    ids = _queue(session)

    def ids_for(text: str) -> set[int]:
        page = review_queue(session, filters=QueueFilters(text=text), page=1, page_size=50)
        return {item.post_id for item in page.items}

    assert ids_for("я\x00ма") == {ids["pit"]}  # NUL: PostgreSQL refuses it in a query
    assert ids_for("\x07яма\x1b") == {ids["pit"]}
    started = time.perf_counter()
    ids_for("яма " + "слово " * 200_000)  # 1.2 MB: cut to the limit, answered at once
    assert ids_for(" ".join(["дорога"] * 10_000)) == ids_for("дорога")
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("я\x00ма", "яма"),
        ("\x1b[31mяма\x07", "[31mяма"),
        ("  яма \t\n на  дороге ", "яма на дороге"),
        ("а" * 1000, "а" * MAX_QUERY_CHARS),
        (" ".join(["слово"] * 100), " ".join(["слово"] * MAX_QUERY_WORDS)),
    ],
)
def test_clean_query(query: str, expected: str) -> None:
    assert clean_query(query) == expected


def _tied_queue(session: Session) -> list[int]:
    """Twelve waiting posts with tied priorities and publication times: only the id tells
    some of them apart. Their ids in queue order."""
    vk = f.source(session, "vk")
    perm = f.municipality(session, "Пермский городской округ")
    ids = []
    for number in range(12):
        post_id = f.annotated_post(
            session,
            source_id=vk,
            municipality_id=perm,
            text=f"Прорвало трубу, дом {number}",
            published_at=f.MONDAY + timedelta(hours=number % 2),
        )
        post = session.get_one(Post, post_id)
        post.review_status = ReviewStatus.NEEDS_REVIEW
        post.priority = float(number % 3)
        session.add(post)
        ids.append(post_id)
    session.commit()
    posts = [session.get_one(Post, i) for i in ids]
    posts.sort(key=lambda p: (p.priority, p.published_at, p.id), reverse=True)
    return [p.id or 0 for p in posts]


def test_keyset_pages_walk_the_whole_queue_in_order_through_ties(session: Session) -> None:
    order = _tied_queue(session)
    walked: list[int] = []
    cursor = None
    for number in range(1, 5):
        page = review_queue(session, filters=QueueFilters(), page=number, page_size=5, after=cursor)
        offset_page = review_queue(session, filters=QueueFilters(), page=number, page_size=5)
        assert [i.post_id for i in page.items] == [i.post_id for i in offset_page.items]
        walked += [i.post_id for i in page.items]
        cursor = page.next_cursor
    assert walked == order  # every post once, in the queue's order


def test_keyset_pages_skip_nothing_when_earlier_posts_are_decided(session: Session) -> None:
    """A decision on page 1 moves every later post up one place: page 2 by OFFSET then skips
    one; page 2 after page 1's cursor does not."""
    order = _tied_queue(session)
    first = review_queue(session, filters=QueueFilters(), page=1, page_size=5)
    decided = session.get_one(Post, first.items[0].post_id)
    decided.review_status = ReviewStatus.CONFIRMED
    session.add(decided)
    session.commit()
    by_cursor = review_queue(
        session, filters=QueueFilters(), page=2, page_size=5, after=first.next_cursor
    )
    by_offset = review_queue(session, filters=QueueFilters(), page=2, page_size=5)
    assert [i.post_id for i in by_cursor.items] == order[5:10]
    assert [i.post_id for i in by_offset.items] == order[6:11]


def test_one_thread_is_the_post_its_comments_and_their_replies(session: Session) -> None:
    """?thread= in the queue: a news post's chatter, to be read and dismissed together."""
    perm = f.municipality(session, "Пермский городской округ")
    vk, other_page = f.source(session, "vk"), f.source(session, "vk2")

    def queued(text: str, source: int, key: str, parent: str | None = None) -> int:
        return f.annotated_post(
            session,
            source_id=source,
            municipality_id=perm,
            text=text,
            confidence=0.5,
            external_id=key,
            parent_external_id=parent,
        )

    ids = {
        "post": queued("Перекрыли улицу Кирова на ремонт", vk, "-9_40"),
        "comment": queued("Опять перекрыли, а автобус как ходит?", vk, "-9_40_1", "-9_40"),
        "reply": queued("Автобус в объезд по Мира", vk, "-9_40_2", "-9_40_1"),
        "next_post": queued("На Кирова 5 прорвало трубу", vk, "-9_41"),
        "its_comment": queued("У нас тоже течёт", vk, "-9_41_1", "-9_41"),
        "same_key_elsewhere": queued("Ремонт на Кирова", other_page, "-9_40_3", "-9_40"),
    }
    session.commit()
    triage_posts(session, post_ids=list(ids.values()), thresholds=Thresholds())

    page = review_queue(session, filters=QueueFilters(thread=(vk, "-9_40")), page_size=10)

    assert {item.post_id for item in page.items} == {ids["post"], ids["comment"], ids["reply"]}
    assert page.total == 3


def test_a_thread_lists_its_post_stored_by_another_source(session: Session) -> None:
    """A wall post stored by its wall's source, seen again by the source its comments came
    in (one post, once; `models.post_store`): the comments' thread still shows it."""
    perm = f.municipality(session, "Пермский городской округ")
    wall, comments = f.source(session, "wall"), f.source(session, "comments", "vk_dump")
    post = f.annotated_post(
        session,
        source_id=wall,
        municipality_id=perm,
        confidence=0.5,
        text="Перекрыли улицу Кирова на ремонт",
        external_id="-9_40",
    )
    stored = session.get(Post, post)
    assert stored is not None
    stored.network_key = "vk:-9_40"
    session.add(PostSighting(post_id=post, source_id=comments, external_id="-9_40"))
    comment = f.annotated_post(
        session,
        source_id=comments,
        municipality_id=perm,
        confidence=0.5,
        text="Опять перекрыли",
        external_id="-9_40_1",
        parent_external_id="-9_40",
    )
    unseen = f.annotated_post(
        session,
        source_id=wall,
        municipality_id=perm,
        confidence=0.5,
        text="На Кирова 5 прорвало трубу",
        external_id="-9_41",
    )
    session.commit()
    triage_posts(session, post_ids=[post, comment, unseen], thresholds=Thresholds())

    page = review_queue(session, filters=QueueFilters(thread=(comments, "-9_40")), page_size=10)

    assert {item.post_id for item in page.items} == {post, comment}


def test_matching_posts_are_every_page_of_the_filtered_queue_in_order(session: Session) -> None:
    order = _tied_queue(session)
    first = session.get_one(Post, order[0])
    first.review_status = ReviewStatus.CONFIRMED
    session.add(first)
    session.commit()

    found = matching_posts(session, filters=QueueFilters(), limit=100)
    assert found == [(post_id, session.get_one(Post, post_id).version) for post_id in order[1:]]
    assert matching_posts(session, filters=QueueFilters(), limit=4) == found[:4]
    confirmed = QueueFilters(review_statuses=(ReviewStatus.CONFIRMED,))
    assert matching_posts(session, filters=confirmed, limit=100) == [(order[0], first.version)]
