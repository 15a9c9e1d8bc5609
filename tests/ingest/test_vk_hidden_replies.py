"""A deleted comment does not hide a new one for ever: counts that fell, and rechecks."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from ingest.clients import Clients
from ingest.cursor import load_cursor
from models.clock import frozen_at
from models.source import Source, SourceKind
from tests.ingest.conftest import add_source
from tests.ingest.test_vk_grown_threads import crawl, fake_calls, limited, post_with
from tests.ingest.test_vk_threads import DATE, OWNER, comment, reply, stored
from tests.ingest.vk_fake import FakeVk, vk_post

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)


@pytest.fixture
def with_fake(fake_vk: FakeVk, clients: Clients) -> Clients:
    object.__setattr__(clients, "fake", fake_vk)  # Clients is frozen; the test reads calls
    return clients


def busy_post(fake_vk: FakeVk) -> None:
    """30 comments (10-39), comment 11 with three replies (500-502)."""
    rows = [comment(10 + n, 40 + n, f"Жалоба {n}") for n in range(30)]
    rows += [reply(500 + n, 70 + n, f"Ответ {n}", 11) for n in range(3)]
    post_with(fake_vk, rows)


def delete(fake_vk: FakeVk, *ids: int) -> None:
    rows = fake_vk.comments[(OWNER, 1)]
    fake_vk.comments[(OWNER, 1)] = [row for row in rows if row["id"] not in ids]
    fake_vk.walls[OWNER][0]["comments"]["count"] = len(fake_vk.comments[(OWNER, 1)])


def add(fake_vk: FakeVk, *rows: dict[str, object]) -> None:
    fake_vk.comments[(OWNER, 1)].extend(rows)
    fake_vk.walls[OWNER][0]["comments"]["count"] = len(fake_vk.comments[(OWNER, 1)])


def crawl_at(
    moment: datetime, session: Session, source: Source, clients: Clients
) -> tuple[int, int]:
    """One crawl at `moment`: how many posts were new, how many getComments calls it made."""
    with frozen_at(moment):
        return crawl(session, source, clients)


def test_replies_hidden_by_deletions_are_found_when_the_post_is_rechecked(
    session: Session, fake_vk: FakeVk, with_fake: Clients
) -> None:
    busy_post(fake_vk)
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    assert crawl_at(T0, session, source, with_fake) == (33, 1)
    delete(fake_vk, 500, 501)  # two replies under comment 11 go ...
    add(fake_vk, reply(600, OWNER, "Передали в управу", 10), reply(601, 77, "Ещё нет", 11))

    # ... and two come: the count is the same, so nothing is asked before the recheck
    assert crawl_at(T0 + timedelta(hours=1), session, source, with_fake) == (0, 0)
    new, calls = crawl_at(T0 + timedelta(hours=6), session, source, with_fake)

    assert (new, calls) == (2, 2)  # the last 20 comments, then the 10 older ones
    asked = fake_calls(with_fake)[-calls:]
    assert [(c["offset"], c["count"]) for c in asked] == [("10", "100"), ("0", "10")]
    posts = stored(session)
    assert posts[f"{OWNER}_1_600"].parent_external_id == f"{OWNER}_1_10"
    assert posts[f"{OWNER}_1_601"].parent_external_id == f"{OWNER}_1_11"  # same thread's count
    cursor = load_cursor(session, source_id=source.id or 0)
    assert "scan" not in cursor and cursor["checked"] == {
        "1": int((T0 + timedelta(hours=6)).timestamp())
    }
    assert crawl_at(T0 + timedelta(hours=7), session, source, with_fake) == (0, 0)


def test_a_count_that_fell_is_remembered_so_the_next_reply_is_read(
    session: Session, fake_vk: FakeVk, with_fake: Clients
) -> None:
    busy_post(fake_vk)
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    crawl_at(T0, session, source, with_fake)
    delete(fake_vk, 502)
    assert crawl_at(T0 + timedelta(minutes=5), session, source, with_fake)[0] == 0  # rechecked
    assert load_cursor(session, source_id=source.id or 0)["totals"] == {"1": 32}

    add(fake_vk, reply(700, 88, "А у нас всё так же", 12))  # the count is back to 33
    new, _ = crawl_at(T0 + timedelta(minutes=10), session, source, with_fake)

    assert new == 1 and stored(session)[f"{OWNER}_1_700"].parent_external_id == f"{OWNER}_1_12"


def test_rechecks_are_bounded_per_run_longest_unchecked_first(
    session: Session, fake_vk: FakeVk, with_fake: Clients
) -> None:
    busy_post(fake_vk)
    fake_vk.comments[(OWNER, 2)] = [comment(10, 41, "Когда уберут снег?", post_id=2)]
    fake_vk.walls[OWNER].insert(0, vk_post(OWNER, 2, DATE + 10, "Снег", comments={"count": 1}))
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    crawl_at(T0, session, source, with_fake)
    fake_vk.comments[(OWNER, 2)].append(comment(11, 42, "И у нас", post_id=2))
    fake_vk.walls[OWNER][0]["comments"]["count"] = 2
    crawl_at(T0 + timedelta(hours=1), session, source, with_fake)  # post 2 read through again
    off = limited(with_fake, vk_thread_rechecks_per_run=0)
    assert crawl_at(T0 + timedelta(days=2), session, source, off) == (0, 0)

    posts_asked = []
    for minutes in (0, 1, 2):
        since = len(fake_calls(with_fake))
        crawl_at(T0 + timedelta(hours=7, minutes=minutes), session, source, with_fake)
        posts_asked.append(sorted({c["post_id"] for c in fake_calls(with_fake)[since:]}))

    assert posts_asked == [["1"], ["2"], []]  # one a run; post 1 was read through longest ago
