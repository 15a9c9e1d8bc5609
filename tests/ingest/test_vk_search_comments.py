"""newsfeed.search by time windows and next_from; wall.getComments; groups.getById."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from ingest.clients import Clients, CrawlLimits
from ingest.crawl import crawl_source
from ingest.cursor import load_cursor
from ingest.failures import SourceFailure
from ingest.vk.client import make_vk_api
from ingest.vk.groups import get_group
from models.clock import frozen_at
from models.crawl import CrawlRun, CrawlRunStatus
from models.post import Post, PostKind
from models.source import SourceKind, SourceStatus
from tests.ingest.conftest import add_source
from tests.ingest.vk_fake import FakeVk, vk_post

NOW = datetime(2024, 6, 10, tzinfo=UTC)
DAY = 86400


def ts(moment: datetime) -> int:
    return int(moment.timestamp())


def test_search_pages_by_next_from_and_walks_windows(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    # 7 days back, 24 h windows; day 2 holds 450 results (3 pages), others a few.
    base = ts(NOW) - 7 * DAY
    posts = [
        vk_post(-(n % 7) - 1, n, base + DAY + 60 + n * 100, f"Пермь, яма {n}") for n in range(450)
    ]
    posts += [vk_post(77, 1000 + n, base + 4 * DAY + n, f"Кунгур, мусор {n}") for n in range(5)]
    fake_vk.search = posts
    source = add_source(session, kind=SourceKind.VK_SEARCH, target="яма Пермь")

    with frozen_at(NOW):
        outcome = crawl_source(session, source_id=source.id or 0, clients=clients)

    assert outcome.status == SourceStatus.OK
    assert len(outcome.new_ids) == 455
    calls = fake_vk.method_calls("newsfeed.search")
    assert {c["q"] for c in calls} == {"яма Пермь"}
    assert [c.get("start_from") for c in calls[:5]] == [None, None, "200", "400", None]
    assert load_cursor(session, source_id=source.id or 0) == {"since": ts(NOW)}
    post = session.exec(select(Post).where(Post.external_id == "77_1000")).one()
    assert post.url == "https://vk.com/wall77_1000"


def test_search_halves_a_window_holding_more_than_vk_returns(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    base = ts(NOW) - DAY
    fake_vk.search = [vk_post(-5, n, base + 10 + n * 40, f"Березники {n}") for n in range(1500)]
    source = add_source(session, kind=SourceKind.VK_SEARCH, target="Березники")

    with frozen_at(NOW):
        outcome = crawl_source(session, source_id=source.id or 0, clients=clients)

    assert len(outcome.new_ids) == 1500
    windows = [
        (int(c["start_time"]), int(c["end_time"]) - int(c["start_time"]))
        for c in fake_vk.method_calls("newsfeed.search")
        if "start_from" not in c
    ]
    crowded = windows.index((base, DAY))  # 1,500 results: more than VK returns
    assert windows[crowded + 1] == (base, DAY // 2)


def test_comments_under_recent_posts_are_incremental(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    owner = -300
    date = ts(NOW) - DAY
    fake_vk.walls[owner] = [
        vk_post(owner, 2, date, "Администрация: график отключений", comments={"count": 3}),
        vk_post(owner, 1, date, "Новости", comments={"count": 0}),
    ]
    comment = {"id": 0, "from_id": 11, "date": date + 60, "text": "", "likes": {"count": 2}}
    fake_vk.comments[(owner, 2)] = [
        {**comment, "id": 10, "text": "[id9|Сосед], у нас в Лысьве тоже нет света"},
        {**comment, "id": 11, "deleted": True},
        {**comment, "id": 12, "text": "Когда починят котельную на Мира?"},
    ]
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(owner))

    first = crawl_source(session, source_id=source.id or 0, clients=clients)
    fake_vk.comments[(owner, 2)].append({**comment, "id": 13, "text": "Подъезд не убирают"})
    fake_vk.walls[owner][0]["comments"]["count"] = 4
    second = crawl_source(session, source_id=source.id or 0, clients=clients)

    assert (len(first.new_ids), first.skipped, len(second.new_ids)) == (2, 1, 1)
    offsets = [c["offset"] for c in fake_vk.method_calls("wall.getComments")]
    assert offsets == ["0", "0"]  # the post grew: its recent threads are read again
    assert second.known == 2
    assert [name for name, _ in fake_vk.calls].count("execute") == 2
    comment_post = session.exec(select(Post).where(Post.external_id == "-300_2_10")).one()
    assert comment_post.kind == PostKind.COMMENT
    assert comment_post.parent_external_id == "-300_2"
    assert comment_post.text == "Сосед, у нас в Лысьве тоже нет света"


def test_comments_of_many_posts_are_batched_through_execute(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    owner = -400
    date = ts(NOW) - DAY
    posts = [vk_post(owner, n, date, f"Пост {n}", comments={"count": 2}) for n in range(30, 0, -1)]
    fake_vk.walls[owner] = posts
    for n in range(1, 31):
        fake_vk.comments[(owner, n)] = [
            {"id": 1000 + n * 10 + k, "from_id": 7, "date": date + k, "text": f"Жалоба {n}.{k}"}
            for k in range(2)
        ]
    fake_vk.post_errors = {17: 15}  # comments of one post are closed
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(owner))
    clients = Clients(vk=clients.vk, limits=CrawlLimits(comments_posts=30, pages_per_run=100))

    outcome = crawl_source(session, source_id=source.id or 0, clients=clients)

    assert outcome.status == SourceStatus.OK
    assert len(outcome.new_ids) == 58
    requests = [name for name, _ in fake_vk.calls if name in ("execute", "wall.get")]
    assert requests == ["wall.get", "execute", "execute"]  # 30 calls: 25 + 5


def test_groups_get_by_id(fake_vk: FakeVk) -> None:
    fake_vk.groups["perm_city"] = {
        "id": 123,
        "name": "Пермь",
        "screen_name": "perm_city",
        "is_closed": 0,
    }
    fake_vk.groups["banned"] = {
        "id": 9,
        "name": "x",
        "screen_name": "banned",
        "deactivated": "banned",
    }
    vk = make_vk_api(token="t", rps_delay=0)

    group = get_group(vk, group="perm_city")
    assert (group.owner_id, group.name, group.is_closed) == (-123, "Пермь", False)
    with pytest.raises(SourceFailure, match="banned"):
        get_group(vk, group="banned")
    with pytest.raises(SourceFailure, match="not found"):
        get_group(vk, group="nobody")


def test_health_after_success_clears_the_backoff(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    fake_vk.search = []
    fake_vk.errors = {1: 9}
    source = add_source(session, kind=SourceKind.VK_SEARCH, target="Чусовой")
    with frozen_at(NOW):
        failed = crawl_source(session, source_id=source.id or 0, clients=clients)
    with frozen_at(NOW + timedelta(hours=1)):
        ok = crawl_source(session, source_id=source.id or 0, clients=clients)
    session.refresh(source)
    assert failed.status == SourceStatus.BACKING_OFF and ok.status == SourceStatus.OK
    assert (source.retry_after, source.consecutive_failures) == (None, 0)
    assert source.last_error_at == NOW and source.last_success_at == NOW + timedelta(hours=1)


def test_search_resumes_from_the_committed_next_from(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    base = ts(NOW) - 7 * DAY
    fake_vk.search = [vk_post(-3, n, base + DAY + 60 + n * 100, f"Кунгур {n}") for n in range(450)]
    fake_vk.errors = {3: 29}
    source = add_source(session, kind=SourceKind.VK_SEARCH, target="Кунгур")

    with frozen_at(NOW):
        failed = crawl_source(session, source_id=source.id or 0, clients=clients)
    assert failed.status == SourceStatus.BACKING_OFF and len(failed.new_ids) == 200
    assert load_cursor(session, source_id=source.id or 0)["next_from"] == "200"

    with frozen_at(NOW + timedelta(hours=1)):
        resumed = crawl_source(session, source_id=source.id or 0, clients=clients)

    assert resumed.status == SourceStatus.OK and len(resumed.new_ids) == 250
    assert fake_vk.method_calls("newsfeed.search")[3].get("start_from") == "200"
    assert len(set(session.exec(select(Post.external_id)))) == 450


def test_an_execute_answer_of_null_is_a_failed_run_not_a_crash(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    owner = -42
    fake_vk.walls[owner] = [vk_post(owner, 1, 1_717_000_000, "Пост", comments={"count": 2})]
    fake_vk.execute_null = True
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(owner))

    outcome = crawl_source(session, source_id=source.id or 0, clients=clients)

    assert outcome.status == SourceStatus.BACKING_OFF
    assert outcome.error is not None and "execute" in outcome.error
    run = session.exec(select(CrawlRun).where(CrawlRun.source_id == source.id)).one()
    assert run.status == CrawlRunStatus.FAILED and run.finished_at is not None
    session.refresh(source)
    assert source.last_error is not None and "execute" in source.last_error
