"""Every channel post whose comment count grew is followed, a bounded number a run."""

import pytest
from sqlmodel import Session
from telethon.tl.types import PeerChannel, PeerUser

from ingest.crawl import crawl_source
from ingest.cursor import load_cursor
from models.post import AuthorKind, PostKind, ThreadPosition
from models.source import Source, SourceKind, SourceStatus
from tests.ingest.conftest import add_source
from tests.ingest.telegram_fake import (
    CHANNEL_ID,
    GROUP_ID,
    FakeTelegramClient,
    discussion,
    open_post,
)
from tests.ingest.test_telegram_discussion import CHANNEL, clients_for, stored


class Killed(BaseException):
    """The worker dies (SIGKILL) in the middle of a read."""


def busy_channel(posts: int) -> FakeTelegramClient:
    """`posts` posts open for comments, one resident's comment under each."""
    fake = FakeTelegramClient(channel=CHANNEL)
    fake.messages = [open_post(n, f"Новость {n}", comments=1) for n in range(1, posts + 1)]
    fake.comments = {
        n: [discussion(1000 + n, f"Вопрос к новости {n}", sender=PeerUser(40 + n), top=n)]
        for n in range(1, posts + 1)
    }
    return fake


def comment_on(fake: FakeTelegramClient, post: int, number: int, **extra: object) -> None:
    text = extra.pop("text", "И у нас на Пушкина то же самое")
    fake.comments[post].append(discussion(number, str(text), top=post, **extra))  # type: ignore[arg-type]


def threads_read(fake: FakeTelegramClient, since: int) -> list[tuple[int, int]]:
    return [(c["reply_to"], c["min_id"]) for c in fake.calls[since:] if "reply_to" in c]


def crawl(session: Session, source: Source, fake: FakeTelegramClient, **limits: int) -> int:
    clients = clients_for(fake, **limits)
    outcome = crawl_source(session, source_id=source.id or 0, clients=clients)
    assert outcome.status == SourceStatus.OK
    return len(outcome.new_ids)


def test_an_old_post_whose_comments_grew_is_read_again_and_only_it(session: Session) -> None:
    fake = busy_channel(30)
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)
    assert crawl(session, source, fake) == 60
    comment_on(fake, 2, 2001, sender=PeerUser(77), answers=1002)  # a reply to the comment
    comment_on(fake, 2, 2002, sender=PeerChannel(CHANNEL_ID), text="Передали в ЖКХ")
    since = len(fake.calls)

    assert crawl(session, source, fake) == 2

    watched = fake.calls[since + 1]  # after the channel's new messages (none)
    assert (watched["max_id"], watched["reverse"]) == (31, False)
    assert threads_read(fake, since) == [(2, 1002)]
    posts = stored(session)
    late = posts[f"{GROUP_ID}_2001"]
    assert (late.thread_position, late.parent_external_id) == (
        ThreadPosition.REPLY,
        f"{GROUP_ID}_1002",
    )
    answer = posts[f"{GROUP_ID}_2002"]
    assert (answer.kind, answer.thread_position) == (PostKind.COMMENT, ThreadPosition.COMMENT)
    assert (answer.author_kind, answer.parent_external_id) == (AuthorKind.SOURCE, "2")
    assert load_cursor(session, source_id=source.id or 0)["threads"]["2"] == [GROUP_ID, 2002, 3]
    since = len(fake.calls)
    assert crawl(session, source, fake) == 0 and threads_read(fake, since) == []


def test_grown_threads_are_read_oldest_post_first_a_bounded_number_a_run(
    session: Session,
) -> None:
    fake = busy_channel(6)
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)
    crawl(session, source, fake, telegram_threads_per_run=10)
    for number, post in enumerate((6, 1, 4, 2, 5), start=3000):
        comment_on(fake, post, number, sender=PeerUser(number))

    runs = []
    for _ in range(4):
        since = len(fake.calls)
        new = crawl(session, source, fake, telegram_threads_per_run=2)
        runs.append((new, [post for post, _ in threads_read(fake, since)]))

    assert runs == [(2, [1, 2]), (2, [4, 5]), (1, [6]), (0, [])]
    assert {stored(session)[f"{GROUP_ID}_{n}"].parent_external_id for n in (3000, 3001)} == {
        "6",
        "1",
    }


def test_a_crawl_killed_in_a_thread_resumes_without_re_reading_the_threads_it_finished(
    session: Session,
) -> None:
    fake = busy_channel(3)
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)
    crawl(session, source, fake)
    comment_on(fake, 1, 4001, sender=PeerUser(5))
    comment_on(fake, 3, 4002, sender=PeerUser(6))
    comment_on(fake, 3, 4003, sender=PeerUser(7), answers=4002)
    # served so far: 3 posts and 3 comments; then the watch's 3 headers, post 1's new comment,
    # and the kill comes as post 3's thread is being read
    fake.kill_after = {fake.served + 3 + 1 + 1: Killed()}

    with pytest.raises(Killed):
        crawl_source(session, source_id=source.id or 0, clients=clients_for(fake))
    session.rollback()
    assert f"{GROUP_ID}_4001" in stored(session) and f"{GROUP_ID}_4002" not in stored(session)
    since = len(fake.calls)

    assert crawl(session, source, fake) == 2

    assert threads_read(fake, since) == [(3, 1003)]  # post 1's thread is not read again
    assert stored(session)[f"{GROUP_ID}_4003"].parent_external_id == f"{GROUP_ID}_4002"


def test_a_gone_thread_is_not_asked_for_again(session: Session) -> None:
    fake = busy_channel(2)
    del fake.comments[1]  # the post's copy was deleted from the group
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)
    crawl(session, source, fake)
    comment_on(fake, 2, 5001, sender=PeerUser(9))
    since = len(fake.calls)

    assert crawl(session, source, fake) == 1

    assert threads_read(fake, since) == [(2, 1002)]
    assert load_cursor(session, source_id=source.id or 0)["gone"] == [1]
