"""A deleted comment does not hide a new one for ever: counts that fell, and rechecks."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from ingest.clients import Clients
from ingest.cursor import load_cursor, save_cursor
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


def long_thread_post(fake_vk: FakeVk) -> None:
    """30 comments (10-39), comment 11 with 15 replies (500-514): more than VK nests."""
    rows = [comment(10 + n, 40 + n, f"Жалоба {n}") for n in range(30)]
    rows += [reply(500 + n, 70 + n, f"Ответ {n}", 11) for n in range(15)]
    post_with(fake_vk, rows)


def test_a_reply_that_replaced_a_deleted_one_in_a_long_thread_is_found_at_the_recheck(
    session: Session, fake_vk: FakeVk, with_fake: Clients
) -> None:
    long_thread_post(fake_vk)
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    assert crawl_at(T0, session, source, with_fake) == (45, 2)
    assert load_cursor(session, source_id=source.id or 0)["last"] == {"1": {"11": 514}}
    delete(fake_vk, 503)  # one reply of the 15 goes, another comes: the thread's count holds
    add(fake_vk, reply(600, OWNER, "Подрядчик выйдет в понедельник", 11, reply_to_comment=512))
    assert crawl_at(T0 + timedelta(hours=1), session, source, with_fake) == (0, 0)

    new, calls = crawl_at(T0 + timedelta(hours=6), session, source, with_fake)

    assert new == 1
    asked = fake_calls(with_fake)[-calls:]
    # the last 20 comments, the long thread's newest 10 replies, then the 10 older comments
    assert [(c["offset"], c["count"], c.get("comment_id"), c["sort"]) for c in asked] == [
        ("10", "100", None, "asc"),
        ("0", "10", "11", "desc"),
        ("0", "10", None, "asc"),
    ]
    answer = stored(session)[f"{OWNER}_1_600"]
    assert answer.parent_external_id == f"{OWNER}_1_512"
    cursor = load_cursor(session, source_id=source.id or 0)
    assert cursor["last"] == {"1": {"11": 600}} and "probes" not in cursor
    assert crawl_at(T0 + timedelta(hours=7), session, source, with_fake) == (0, 0)


def test_more_new_replies_than_the_newest_ten_are_paged_down_to_the_last_one_read(
    session: Session, fake_vk: FakeVk, with_fake: Clients
) -> None:
    long_thread_post(fake_vk)
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    crawl_at(T0, session, source, with_fake)
    delete(fake_vk, *range(500, 512))  # 12 replies go and 12 come
    add(fake_vk, *[reply(600 + n, 80 + n, f"Тоже нет воды, кв. {n}", 11) for n in range(12)])

    new, calls = crawl_at(T0 + timedelta(hours=6), session, source, with_fake)

    assert new == 12
    asked = [c for c in fake_calls(with_fake)[-calls:] if c.get("comment_id") == "11"]
    assert [(c["offset"], c["count"]) for c in asked] == [("0", "10"), ("10", "100")]
    assert load_cursor(session, source_id=source.id or 0)["last"] == {"1": {"11": 611}}


def thirty_long_threads(fake_vk: FakeVk) -> None:
    """30 comments, each with a thread of 12 replies."""
    rows = [comment(10 + n, 40 + n, f"Жалоба {n}") for n in range(30)]
    for n in range(30):
        rows += [reply(1000 + 20 * n + k, 70 + k, f"Ответ {k}", 10 + n) for k in range(12)]
    post_with(fake_vk, rows)


def replace_first_replies(fake_vk: FakeVk) -> None:
    for n in range(30):  # in each thread the first reply goes and another comes
        delete(fake_vk, 1000 + 20 * n)
        add(fake_vk, reply(5000 + n, 99, "Ничего не изменилось", 10 + n))


def test_long_threads_are_compared_25_an_execute_request(
    session: Session, fake_vk: FakeVk, with_fake: Clients
) -> None:
    thirty_long_threads(fake_vk)
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    clients = limited(with_fake)
    crawl_at(T0, session, source, clients)
    replace_first_replies(fake_vk)
    executes = len(fake_vk.method_calls("execute"))

    new, _ = crawl_at(T0 + timedelta(hours=6), session, source, clients)

    assert new == 30
    # the posts' first pages, then the comparisons: 25 threads, then 5
    assert len(fake_vk.method_calls("execute")) - executes == 3
    assert {stored(session)[f"{OWNER}_1_{5000 + n}"].parent_external_id for n in range(3)} == {
        f"{OWNER}_1_10",
        f"{OWNER}_1_11",
        f"{OWNER}_1_12",
    }


def test_comparisons_are_bounded_per_run_and_the_cursor_resumes_them(
    session: Session, fake_vk: FakeVk, with_fake: Clients
) -> None:
    thirty_long_threads(fake_vk)
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    clients = limited(with_fake, vk_thread_scan_pages=1)
    crawl_at(T0, session, source, clients)
    replace_first_replies(fake_vk)

    first, _ = crawl_at(T0 + timedelta(hours=6), session, source, clients)
    left = load_cursor(session, source_id=source.id or 0)["probes"]
    second, _ = crawl_at(T0 + timedelta(hours=6, minutes=1), session, source, clients)

    assert (first, second) == (25, 5) and left == {"1": list(range(35, 40))}
    assert "probes" not in load_cursor(session, source_id=source.id or 0)


def test_a_cursor_from_before_takes_the_newest_replies_as_known_at_its_first_recheck(
    session: Session, fake_vk: FakeVk, with_fake: Clients
) -> None:
    long_thread_post(fake_vk)
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    crawl_at(T0, session, source, with_fake)
    cursor = load_cursor(session, source_id=source.id or 0)
    del cursor["last"]
    save_cursor(session, source_id=source.id or 0, state=cursor)
    session.commit()
    delete(fake_vk, 503)
    add(fake_vk, reply(600, 77, "Так и не починили", 11))

    new, _ = crawl_at(T0 + timedelta(hours=6), session, source, with_fake)

    assert new == 1  # among the newest 10, stored with the 9 already known
    assert load_cursor(session, source_id=source.id or 0)["last"] == {"1": {"11": 600}}
