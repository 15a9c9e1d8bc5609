"""VK wall crawls through the real `vk_api` against real-shaped VK JSON."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from ingest.clients import Clients
from ingest.crawl import crawl_source
from ingest.cursor import load_cursor
from models.clock import frozen_at
from models.crawl import CrawlRun
from models.post import Post
from models.quarantine import QuarantineRecord
from models.source import Source, SourceKind, SourceStatus
from tests.ingest.conftest import VK_TOKEN, add_source
from tests.ingest.vk_fake import FakeVk, vk_post

OWNER = -100
START = int(datetime(2024, 3, 1, tzinfo=UTC).timestamp())
NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)
SPECIAL = {230, 229, 228, 227, 226}


class Killed(BaseException):
    """The process dies: not an error the crawl may handle."""


def build_wall(fake: FakeVk, last: int = 230) -> None:
    posts = [
        vk_post(OWNER, n, START + n * 3600, f"Пост номер {n}: яма на дороге")
        for n in range(1, last + 1)
    ]
    by_id = {p["id"]: p for p in posts}
    by_id[230].update(
        text="[club1|Администрация Перми] проверьте двор на Ленина, 5",
        geo={"type": "point", "coordinates": "58.0105 56.2502", "place": {"title": "Пермь"}},
        attachments=[
            {"type": "photo", "photo": {"id": 9, "owner_id": OWNER, "sizes": []}},
            {"type": "poll", "poll": {"id": 3, "question": "Когда уберут снег?", "answers": []}},
        ],
        marked_as_ads=1,
        signer_id=777,
        from_id=555,
        edited=START + 231 * 3600,
    )
    by_id[229].update(
        text="",
        copy_history=[vk_post(-200, 17, START, "В Краснокамске нет горячей воды [id5|Ольга]")],
    )
    by_id[228].update(text="")  # a photo-only post: nothing to classify
    by_id[227] = {"id": 227, "owner_id": OWNER, "date": START, "is_deleted": True, "text": ""}
    by_id[226].update(text=12345)  # wrong type: quarantined
    fake.walls[OWNER] = [by_id[n] for n in sorted(by_id, reverse=True)]
    fake.pinned[OWNER] = {**by_id[5], "is_pinned": 1}


def expected_ids(last: int = 230) -> set[str]:
    return {f"{OWNER}_{n}" for n in range(1, last + 1)} - {f"{OWNER}_{n}" for n in (228, 227, 226)}


def stored(session: Session) -> list[str]:
    return list(session.exec(select(Post.external_id)))


def crawl(session: Session, source: Source, clients: Clients, **kwargs: object):  # type: ignore[no-untyped-def]
    with frozen_at(kwargs.pop("at", NOW)):  # type: ignore[arg-type]
        return crawl_source(session, source_id=source.id or 0, clients=clients, **kwargs)  # type: ignore[arg-type]


def test_first_crawl_pages_the_whole_wall(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    build_wall(fake_vk)
    source = add_source(session, kind=SourceKind.VK_WALL, target=str(OWNER))

    outcome = crawl(session, source, clients)

    assert outcome.status == SourceStatus.OK
    assert (len(outcome.new_ids), outcome.skipped, outcome.quarantined) == (227, 2, 1)
    assert sorted(stored(session)) == sorted(expected_ids())
    calls = fake_vk.method_calls("wall.get")
    assert [c["offset"] for c in calls] == ["0", "100", "200"]
    assert all(c["v"] == "5.199" and c["access_token"] == VK_TOKEN for c in calls)
    assert load_cursor(session, source_id=source.id or 0) == {"last_id": 230}
    session.refresh(source)
    assert source.posts_fetched == 227 and source.last_success_at == NOW
    bad = session.exec(select(QuarantineRecord)).one()
    assert b"12345" in bad.raw and "text" in bad.reason


def test_post_fields_are_adapted(session: Session, fake_vk: FakeVk, clients: Clients) -> None:
    build_wall(fake_vk)
    source = add_source(session, kind=SourceKind.VK_WALL, target=str(OWNER))
    crawl(session, source, clients)

    post = session.exec(select(Post).where(Post.external_id == f"{OWNER}_230")).one()
    assert post.text == "Администрация Перми проверьте двор на Ленина, 5"
    assert post.text_original.startswith("[club1|Администрация Перми]")
    assert post.url == "https://vk.com/wall-100_230"
    assert (post.author_id, post.signer_id, post.is_ad) == ("555", "777", True)
    assert (post.likes, post.reposts, post.views, post.comments) == (3, 1, 120, 0)
    assert [a["type"] for a in post.attachments] == ["photo", "poll"]
    assert post.geo and post.geo["coordinates"] == "58.0105 56.2502"
    assert post.edited_at == datetime.fromtimestamp(START + 231 * 3600, UTC)
    assert post.raw["hash"] == "h230"

    repost = session.exec(select(Post).where(Post.external_id == f"{OWNER}_229")).one()
    assert repost.repost_of == "-200_17"
    assert repost.text == "В Краснокамске нет горячей воды Ольга"
    assert repost.text_original == ""


def test_next_crawl_stops_at_the_seen_posts_despite_the_pinned_one(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    build_wall(fake_vk)
    source = add_source(session, kind=SourceKind.VK_WALL, target=str(OWNER))
    crawl(session, source, clients)
    fake_vk.calls.clear()
    fresh = [vk_post(OWNER, n, START + n * 3600, f"Новый пост {n}") for n in (233, 232, 231)]
    fake_vk.walls[OWNER] = fresh + fake_vk.walls[OWNER]

    outcome = crawl(session, source, clients)

    assert sorted(session.get(Post, i).external_id for i in outcome.new_ids) == [  # type: ignore[union-attr]
        "-100_231",
        "-100_232",
        "-100_233",
    ]
    assert len(fake_vk.method_calls("wall.get")) == 1
    assert load_cursor(session, source_id=source.id or 0) == {"last_id": 233}


def test_rate_limit_backs_off_then_resumes_where_it_stopped(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    build_wall(fake_vk)
    fake_vk.errors = {2: 29}
    source = add_source(session, kind=SourceKind.VK_WALL, target=str(OWNER))

    first = crawl(session, source, clients)

    assert first.status == SourceStatus.BACKING_OFF
    assert first.retry_after is not None
    assert NOW + timedelta(seconds=60) <= first.retry_after <= NOW + timedelta(seconds=75)
    assert len(first.new_ids) == 97  # page 1: 100 items, the pinned repeat + 3 refused
    session.refresh(source)
    assert source.status == SourceStatus.BACKING_OFF and "29" in (source.last_error or "")
    assert load_cursor(session, source_id=source.id or 0)["offset"] == 100

    early = crawl(session, source, clients, at=NOW + timedelta(seconds=30))
    assert early.status == SourceStatus.BACKING_OFF and len(fake_vk.calls) == 2

    later = crawl(session, source, clients, at=NOW + timedelta(minutes=5))
    assert later.status == SourceStatus.OK
    assert [c["offset"] for c in fake_vk.method_calls("wall.get")[2:]] == ["100", "200"]
    assert sorted(stored(session)) == sorted(expected_ids())
    runs = session.exec(select(CrawlRun.status).order_by(CrawlRun.id)).all()  # type: ignore[arg-type]
    assert runs == ["rate_limited", "ok"]


def test_error_6_is_not_retried_forever_by_vk_api(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    build_wall(fake_vk)
    fake_vk.errors = {1: 6}
    source = add_source(session, kind=SourceKind.VK_WALL, target=str(OWNER))
    outcome = crawl(session, source, clients)
    assert outcome.status == SourceStatus.BACKING_OFF
    assert len(fake_vk.calls) == 1


def test_bad_token_stops_the_source(session: Session, fake_vk: FakeVk, clients: Clients) -> None:
    build_wall(fake_vk)
    fake_vk.errors = {1: 5}
    source = add_source(session, kind=SourceKind.VK_WALL, target=str(OWNER))

    outcome = crawl(session, source, clients)
    assert (outcome.status, outcome.retry_after) == (SourceStatus.BROKEN, None)
    again = crawl(session, source, clients, at=NOW + timedelta(days=1))
    assert again.status == SourceStatus.BROKEN
    assert len(fake_vk.calls) == 1
    assert VK_TOKEN not in (session.get(Source, source.id).last_error or "")  # type: ignore[union-attr]


@pytest.mark.parametrize("code", [15, 18, 30])
def test_deleted_closed_or_private_wall_is_gone(
    session: Session, fake_vk: FakeVk, clients: Clients, code: int
) -> None:
    build_wall(fake_vk)
    fake_vk.errors = {1: code}
    source = add_source(session, kind=SourceKind.VK_WALL, target=str(OWNER))
    assert crawl(session, source, clients).status == SourceStatus.GONE


def test_killed_between_pages_resumes_without_loss_or_duplicates(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    build_wall(fake_vk)
    source = add_source(session, kind=SourceKind.VK_WALL, target=str(OWNER))

    def die_on_third(number: int) -> None:
        if number == 3:
            raise Killed

    fake_vk.on_call = die_on_third
    with pytest.raises(Killed):
        crawl(session, source, clients)
    session.rollback()
    assert len(stored(session)) == 97 + 100  # pages 1 and 2 were committed

    fake_vk.on_call = None
    crawl(session, source, clients)

    assert [c["offset"] for c in fake_vk.method_calls("wall.get")] == ["0", "100", "200", "200"]
    ids = stored(session)
    assert len(ids) == len(set(ids)) and set(ids) == expected_ids()


def test_killed_in_the_middle_of_a_page_loses_nothing(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    build_wall(fake_vk)
    source = add_source(session, kind=SourceKind.VK_WALL, target=str(OWNER))
    seen: list[str] = []

    def die_inside_page_two(text: str) -> str:
        seen.append(text)
        if len(seen) == 150:
            raise Killed
        return text.lower()

    with pytest.raises(Killed):
        crawl(session, source, clients, lemmatize=die_inside_page_two)
    session.rollback()
    assert len(stored(session)) == 97
    assert load_cursor(session, source_id=source.id or 0)["offset"] == 100

    crawl(session, source, clients)
    ids = stored(session)
    assert len(ids) == len(set(ids)) and set(ids) == expected_ids()


def test_a_crash_mid_crawl_leaves_no_run_running_and_records_the_error(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    fake_vk.walls[OWNER] = [vk_post(OWNER, n, START + n, f"Пост {n}") for n in (3, 2, 1)]
    source = add_source(session, kind=SourceKind.VK_WALL, target=str(OWNER))

    def broken_lemmatize(text: str) -> str:
        raise RuntimeError("lemmatizer crashed")

    with pytest.raises(RuntimeError):
        crawl_source(session, source_id=source.id or 0, clients=clients, lemmatize=broken_lemmatize)

    run = session.exec(select(CrawlRun).where(CrawlRun.source_id == source.id)).one()
    assert run.status == "failed" and run.finished_at is not None
    assert run.error is not None and "lemmatizer crashed" in run.error
    session.refresh(source)
    assert source.last_error is not None and "lemmatizer crashed" in source.last_error
