"""Telegram channel crawls through a fake client with Telethon's interface and errors."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select
from telethon.errors import ChannelPrivateError

from ingest.clients import Clients, CrawlLimits
from ingest.crawl import crawl_source
from ingest.cursor import load_cursor
from models.clock import frozen_at
from models.post import Post, PostKind
from models.source import SourceKind, SourceStatus
from tests.ingest.conftest import add_source
from tests.ingest.telegram_fake import START, FakeTelegramClient, message, rich_message, service

CHANNEL = "perm_news"
NOW = datetime(2024, 6, 1, tzinfo=UTC)


def channel_with(count: int) -> FakeTelegramClient:
    fake = FakeTelegramClient(channel=CHANNEL)
    fake.messages = [
        message(n, f"Сообщение {n}: в Перми прорвало трубу") for n in range(1, count + 1)
    ]
    return fake


def clients_for(fake: FakeTelegramClient, slept: list[float], **limits: float) -> Clients:
    return Clients(
        telegram=lambda: fake,
        limits=CrawlLimits(telegram_messages_per_run=1000, **limits),  # type: ignore[arg-type]
        sleep=slept.append,
    )


def test_crawl_reads_new_messages_oldest_first(session: Session, slept: list[float]) -> None:
    fake = channel_with(250)
    fake.messages[2] = rich_message(3)
    fake.messages[3] = service(4)
    fake.messages[4] = message(5, "")  # a photo without a caption
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)

    outcome = crawl_source(session, source_id=source.id or 0, clients=clients_for(fake, slept))

    assert (len(outcome.new_ids), outcome.skipped, outcome.status) == (248, 2, SourceStatus.OK)
    assert fake.calls == [{"limit": 1000, "min_id": 0, "reverse": True}]
    assert load_cursor(session, source_id=source.id or 0) == {"min_id": 250, "title": fake.title}
    post = session.exec(select(Post).where(Post.external_id == "3")).one()
    assert post.kind == PostKind.MESSAGE
    assert post.url == "https://t.me/perm_news/3"
    assert (post.views, post.reposts, post.comments, post.reactions) == (103, 0, 4, 7)
    assert post.edited_at == START + timedelta(hours=5)
    assert post.forwarded_from == "channel:999/12"
    assert (post.author_id, post.signer_id) == ("user:42", "Редакция")
    assert post.raw["_"] == "Message" and post.raw["id"] == 3


def test_next_crawl_asks_only_for_newer_messages(session: Session, slept: list[float]) -> None:
    fake = channel_with(20)
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)
    crawl_source(session, source_id=source.id or 0, clients=clients_for(fake, slept))
    fake.messages += [message(21, "Новое"), message(22, "Ещё новее")]

    outcome = crawl_source(session, source_id=source.id or 0, clients=clients_for(fake, slept))

    assert fake.calls[-1]["min_id"] == 20
    assert len(outcome.new_ids) == 2 and outcome.known == 0


def test_short_flood_wait_is_slept_through(session: Session, slept: list[float]) -> None:
    fake = channel_with(300)
    fake.flood_after = {150: 7}
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)

    outcome = crawl_source(
        session,
        source_id=source.id or 0,
        clients=clients_for(fake, slept, flood_wait_max_seconds=30),
    )

    assert slept == [7]
    assert [call["min_id"] for call in fake.calls] == [0, 150]
    assert len(outcome.new_ids) == 300 and outcome.status == SourceStatus.OK
    assert len(set(session.exec(select(Post.external_id)))) == 300


def test_long_flood_wait_reschedules_the_source(session: Session, slept: list[float]) -> None:
    fake = channel_with(300)
    fake.flood_after = {120: 3600}
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)

    with frozen_at(NOW):
        outcome = crawl_source(
            session,
            source_id=source.id or 0,
            clients=clients_for(fake, slept, flood_wait_max_seconds=30, backoff_seconds=60),
        )

    assert slept == []
    assert outcome.status == SourceStatus.BACKING_OFF
    assert outcome.retry_after is not None and outcome.retry_after >= NOW + timedelta(hours=1)
    assert len(outcome.new_ids) == 120  # everything read before the wait is committed
    assert load_cursor(session, source_id=source.id or 0) == {"min_id": 120, "title": fake.title}

    with frozen_at(NOW + timedelta(hours=2)):
        later = crawl_source(session, source_id=source.id or 0, clients=clients_for(fake, slept))
    assert len(later.new_ids) == 180 and fake.calls[-1]["min_id"] == 120


def test_unauthorised_session_and_private_channel(session: Session, slept: list[float]) -> None:
    fake = channel_with(3)
    fake.authorised = False
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)
    outcome = crawl_source(session, source_id=source.id or 0, clients=clients_for(fake, slept))
    assert outcome.status == SourceStatus.BROKEN and fake.calls == []
    assert not fake.connected

    private = channel_with(3)
    private.error = ChannelPrivateError(request=None)
    other = add_source(session, kind=SourceKind.TELEGRAM, target="closed_chat")
    private.channel = "closed_chat"
    result = crawl_source(session, source_id=other.id or 0, clients=clients_for(private, slept))
    assert result.status == SourceStatus.GONE


@pytest.mark.parametrize(
    "error",
    [asyncio.IncompleteReadError(b"", 8), ConnectionResetError("reset"), TimeoutError()],
    ids=["dropped mid-read", "reset", "timeout"],
)
def test_network_trouble_backs_the_source_off(
    session: Session, slept: list[float], error: Exception
) -> None:
    fake = channel_with(3)
    fake.error = error
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)
    outcome = crawl_source(session, source_id=source.id or 0, clients=clients_for(fake, slept))
    assert outcome.status == SourceStatus.BACKING_OFF
    assert not fake.connected
    session.refresh(source)
    assert source.last_error and CHANNEL in source.last_error
