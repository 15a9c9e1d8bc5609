"""A channel with a linked discussion group: its history is read forward as one stream."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session
from telethon.tl.types import Message, MessageReplyHeader, PeerChannel, PeerUser

from ingest.crawl import crawl_source
from ingest.cursor import load_cursor
from models.clock import frozen_at
from models.post import AuthorKind, PostKind, ThreadPosition
from models.source import Source, SourceKind, SourceStatus
from tests.ingest.conftest import add_source
from tests.ingest.telegram_fake import (
    CHANNEL_ID,
    GROUP_ID,
    START,
    FakeTelegramClient,
)
from tests.ingest.test_telegram_discussion import CHANNEL, clients_for, stored
from tests.ingest.test_telegram_grown_threads import Killed, busy_channel


def linked_channel(posts: int) -> FakeTelegramClient:
    """`posts` posts open for comments, one resident's comment under each, and the group."""
    fake = busy_channel(posts)
    fake.link_group(first_copy=500)
    return fake


def crawl(session: Session, source: Source, fake: FakeTelegramClient, **limits: int) -> int:
    outcome = crawl_source(session, source_id=source.id or 0, clients=clients_for(fake, **limits))
    assert outcome.status == SourceStatus.OK
    return len(outcome.new_ids)


def group_reads(fake: FakeTelegramClient, since: int = 0) -> list[int]:
    return [call["min_id"] for call in fake.calls[since:] if call.get("chat") == GROUP_ID]


def per_post_reads(fake: FakeTelegramClient, since: int = 0) -> list[int]:
    return [call["reply_to"] for call in fake.calls[since:] if "reply_to" in call]


def test_the_group_is_read_as_one_stream_and_mapped_to_the_channel_posts(
    session: Session,
) -> None:
    fake = linked_channel(3)
    assert fake.group is not None
    fake.group += [  # small talk in the group, outside any post's thread
        Message(id=2000, peer_id=PeerChannel(GROUP_ID), date=START, message="Всем привет",
                from_id=PeerUser(90)),
        Message(id=2002, peer_id=PeerChannel(GROUP_ID), date=START, message="И тебе",
                from_id=PeerUser(91), reply_to=MessageReplyHeader(reply_to_msg_id=2000)),
    ]  # fmt: skip
    fake.comment(2, 2001, "Передали в ЖКХ", sender=PeerChannel(CHANNEL_ID), answers=1002)
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)

    assert crawl(session, source, fake) == 3 + 3 + 1

    assert group_reads(fake) == [0] and per_post_reads(fake) == []
    posts = stored(session)
    resident = posts[f"{GROUP_ID}_1002"]
    assert (resident.kind, resident.thread_position) == (PostKind.COMMENT, ThreadPosition.COMMENT)
    assert (resident.parent_external_id, resident.author_kind) == ("2", AuthorKind.PERSON)
    assert resident.url == f"https://t.me/{CHANNEL}/2?comment=1002"
    answer = posts[f"{GROUP_ID}_2001"]
    assert (answer.thread_position, answer.parent_external_id) == (
        ThreadPosition.REPLY,
        f"{GROUP_ID}_1002",
    )
    assert answer.author_kind == AuthorKind.SOURCE
    assert {f"{GROUP_ID}_{n}" for n in (500, 2000, 2002)}.isdisjoint(posts)  # a copy, chat
    assert fake.fetched == [[2000]]  # what the reply hangs on: not a post's copy
    cursor = load_cursor(session, source_id=source.id or 0)
    assert cursor["group"] == {"id": GROUP_ID, "min_id": 2002,
                               "tops": {"500": 1, "501": 2, "502": 3, "2000": 0}}  # fmt: skip
    assert "threads" not in cursor


def test_a_comment_on_a_post_older_than_the_watch_window_is_found(session: Session) -> None:
    fake = linked_channel(30)
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)
    assert crawl(session, source, fake, telegram_watch_posts=5) == 60
    fake.comment(1, 3001, "А по первой новости так и не ответили", sender=PeerUser(7))
    fake.comment(2, 3002, "+1", sender=PeerUser(8), answers=1002)
    since, asked = len(fake.calls), len(fake.fetched)

    assert crawl(session, source, fake, telegram_watch_posts=5) == 2

    assert group_reads(fake, since) == [1030] and per_post_reads(fake, since) == []
    assert fake.fetched[asked:] == [[500, 501]]  # the old posts' copies, forgotten, asked for
    posts = stored(session)
    assert posts[f"{GROUP_ID}_3001"].parent_external_id == "1"
    assert posts[f"{GROUP_ID}_3002"].parent_external_id == f"{GROUP_ID}_1002"
    tops = load_cursor(session, source_id=source.id or 0)["group"]["tops"]
    assert len(tops) == 5 and "500" not in tops


def test_a_deleted_comment_does_not_hide_a_new_one(session: Session) -> None:
    fake = linked_channel(3)
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)
    crawl(session, source, fake)
    fake.delete(2, 1002)
    fake.comment(2, 4001, "Опять нет света на Садовой", sender=PeerUser(11))
    crawl(session, source, fake)  # the post's comment count is the same: 1

    assert stored(session)[f"{GROUP_ID}_4001"].parent_external_id == "2"


def test_a_crawl_killed_in_the_group_resumes_after_the_last_committed_page(
    session: Session,
) -> None:
    fake = linked_channel(2)
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)
    crawl(session, source, fake)
    for number in range(5001, 5151):
        fake.comment(1 + number % 2, number, f"Жалоба {number}", sender=PeerUser(number))
    fake.kill_after = {fake.served + 120: Killed()}  # a page of 100 committed, 20 read

    with pytest.raises(Killed):
        crawl_source(session, source_id=source.id or 0, clients=clients_for(fake))
    session.rollback()
    assert load_cursor(session, source_id=source.id or 0)["group"]["min_id"] == 5100
    since = len(fake.calls)

    outcome = crawl_source(session, source_id=source.id or 0, clients=clients_for(fake))

    assert (len(outcome.new_ids), outcome.known) == (50, 0)  # nothing read twice is stored
    assert group_reads(fake, since) == [5100]
    assert sum(key.startswith(f"{GROUP_ID}_5") for key in stored(session)) == 150


def test_a_flood_wait_in_the_group_is_slept_through_from_the_committed_page(
    session: Session,
) -> None:
    fake = linked_channel(2)
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)
    crawl(session, source, fake)
    for number in range(6001, 6131):
        fake.comment(1, number, f"Жалоба {number}", sender=PeerUser(number))
    fake.flood_after = {fake.served + 110: 5}
    since = len(fake.calls)

    assert crawl(session, source, fake) == 130

    assert group_reads(fake, since) == [1002, 6110]  # the 10 read before the wait committed


def test_a_private_group_falls_back_to_reading_each_post(session: Session) -> None:
    fake = linked_channel(2)
    fake.group_private = True
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)

    assert crawl(session, source, fake) == 4  # the posts, then their threads one by one

    assert per_post_reads(fake) == [1, 2]  # oldest post first, after a re-read of headers

    assert load_cursor(session, source_id=source.id or 0)["private_group"] == GROUP_ID
    since = len(fake.calls)
    assert crawl(session, source, fake) == 0
    fake.comment(2, 7001, "Когда починят?", sender=PeerUser(3))
    assert crawl(session, source, fake) == 1 and group_reads(fake, since) == []
    assert stored(session)[f"{GROUP_ID}_7001"].parent_external_id == "2"


def test_a_private_group_is_tried_again_after_the_retry_interval(session: Session) -> None:
    fake = linked_channel(2)
    fake.group_private = True
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)
    t0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
    day = 24 * 3600
    with frozen_at(t0):  # only the latest post is watched on the per-post path
        assert (
            crawl(session, source, fake, telegram_watch_posts=1, telegram_group_retry_seconds=day)
            == 3
        )
    fake.group_private = False  # the account was let into the group
    fake.comment(1, 7001, "А на Ленина так и не убрали", sender=PeerUser(3))  # an old post
    since = len(fake.calls)

    with frozen_at(t0 + timedelta(hours=23)):  # not yet: the per-post path misses it
        assert (
            crawl(session, source, fake, telegram_watch_posts=1, telegram_group_retry_seconds=day)
            == 0
        )
    assert group_reads(fake, since) == []
    with frozen_at(t0 + timedelta(hours=24)):
        assert (
            crawl(session, source, fake, telegram_watch_posts=1, telegram_group_retry_seconds=day)
            == 1
        )

    assert group_reads(fake, since) == [1002]  # from the lowest comment the threads had read
    assert stored(session)[f"{GROUP_ID}_7001"].parent_external_id == "1"
    cursor = load_cursor(session, source_id=source.id or 0)
    assert {"private_group", "private_at", "threads"}.isdisjoint(cursor)
    assert cursor["group"]["min_id"] == 7001


def test_a_group_still_private_at_its_retry_keeps_the_per_post_threads(session: Session) -> None:
    fake = linked_channel(2)
    fake.group_private = True
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)
    t0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
    with frozen_at(t0):
        assert crawl(session, source, fake) == 4
    threads = load_cursor(session, source_id=source.id or 0)["threads"]
    fake.comment(2, 7001, "Когда починят?", sender=PeerUser(3))
    since = len(fake.calls)

    with frozen_at(t0 + timedelta(days=2)):
        assert crawl(session, source, fake) == 1  # tried, still private: post by post

    assert len(group_reads(fake, since)) == 1 and per_post_reads(fake, since) == [2]
    cursor = load_cursor(session, source_id=source.id or 0)
    assert cursor["private_at"] == int((t0 + timedelta(days=2)).timestamp())
    assert cursor["threads"]["1"] == threads["1"]  # not read again from its start


def test_a_cursor_of_the_per_post_path_goes_on_from_its_lowest_comment_read(
    session: Session,
) -> None:
    fake = linked_channel(3)
    group = fake.group
    fake.group = None  # not linked yet: the threads are read post by post
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)
    assert crawl(session, source, fake) == 6
    fake.group = group
    fake.comment(3, 8001, "Спасибо!", sender=PeerUser(4))
    since = len(fake.calls)

    assert crawl(session, source, fake) == 1

    assert group_reads(fake, since) == [1001]
