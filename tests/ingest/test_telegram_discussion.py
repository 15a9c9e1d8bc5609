"""Residents' comments under a channel's posts, read from its linked discussion group."""

from sqlmodel import Session, select
from telethon.tl.types import PeerChannel, PeerUser

from ingest.clients import Clients, CrawlLimits
from ingest.crawl import crawl_source
from ingest.cursor import load_cursor
from models.post import AuthorKind, Post, PostKind, ThreadPosition
from models.source import SourceKind, SourceStatus
from tests.ingest.conftest import add_source
from tests.ingest.telegram_fake import (
    CHANNEL_ID,
    GROUP_ID,
    FakeTelegramClient,
    discussion,
    message,
    open_post,
)

CHANNEL = "lysva_admin"
COPY = 500  # the post's automatic copy in the group: the thread's top


def clients_for(fake: FakeTelegramClient, **limits: int) -> Clients:
    return Clients(telegram=lambda: fake, limits=CrawlLimits(**limits), sleep=lambda _: None)  # type: ignore[arg-type]


def stored(session: Session) -> dict[str, Post]:
    return {post.external_id: post for post in session.exec(select(Post))}


def channel() -> FakeTelegramClient:
    fake = FakeTelegramClient(channel=CHANNEL)
    fake.messages = [
        open_post(1, "График отключения горячей воды", comments=4),
        message(2, "Поздравляем с Днём города"),  # comments closed
        open_post(3, "Приём граждан", comments=1),  # its thread is gone (post deleted there)
    ]
    fake.comments[1] = [
        discussion(501, "На Ленина, 5 третий день нет воды", sender=PeerUser(42), top=COPY),
        discussion(
            502, "Передали в Водоканал", sender=PeerChannel(CHANNEL_ID), top=COPY, answers=501
        ),
        discussion(503, "Водоканал: бригада выехала", sender=PeerChannel(999), top=COPY),
        discussion(504, "Уточните адрес", sender=PeerChannel(GROUP_ID), top=COPY, answers=501),
    ]
    return fake


def test_comments_and_replies_of_channel_posts_are_stored_with_their_authors(
    session: Session,
) -> None:
    fake = channel()
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)

    outcome = crawl_source(session, source_id=source.id or 0, clients=clients_for(fake))

    assert outcome.status == SourceStatus.OK
    posts = stored(session)
    assert len(outcome.new_ids) == 7 == len(posts)
    resident = posts[f"{GROUP_ID}_501"]
    assert (resident.kind, resident.thread_position) == (PostKind.COMMENT, ThreadPosition.COMMENT)
    assert (resident.author_kind, resident.parent_external_id) == (AuthorKind.PERSON, "1")
    assert resident.url == f"https://t.me/{CHANNEL}/1?comment=501"
    answer = posts[f"{GROUP_ID}_502"]
    assert (answer.author_kind, answer.thread_position) == (AuthorKind.SOURCE, "reply")
    assert answer.parent_external_id == f"{GROUP_ID}_501"
    assert posts[f"{GROUP_ID}_503"].author_kind == AuthorKind.COMMUNITY
    assert posts[f"{GROUP_ID}_504"].author_kind == AuthorKind.SOURCE  # the group's own admins
    asked = [call.get("reply_to") for call in fake.calls]
    assert asked == [None, 1, 3]  # only posts open for comments
    assert load_cursor(session, source_id=source.id or 0)["threads"] == {"1": [GROUP_ID, 504, 4]}


def test_the_next_crawl_reads_only_new_comments(session: Session) -> None:
    fake = channel()
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)
    crawl_source(session, source_id=source.id or 0, clients=clients_for(fake))
    fake.comments[1].append(
        discussion(505, "+1, и на Мира нет", sender=PeerUser(43), top=COPY, answers=501)
    )

    outcome = crawl_source(session, source_id=source.id or 0, clients=clients_for(fake))

    assert len(outcome.new_ids) == 1 and outcome.known == 0
    assert fake.calls[-1] == {"limit": 2000, "min_id": 504, "reverse": True, "reply_to": 1}
    assert stored(session)[f"{GROUP_ID}_505"].parent_external_id == f"{GROUP_ID}_501"


def test_only_the_most_recent_threads_are_followed(session: Session) -> None:
    fake = FakeTelegramClient(channel=CHANNEL)
    fake.messages = [open_post(n, f"Пост {n}", comments=0) for n in range(1, 6)]
    fake.comments = {n: [] for n in range(1, 6)}
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)

    crawl_source(
        session, source_id=source.id or 0, clients=clients_for(fake, telegram_watch_posts=2)
    )

    assert sorted(load_cursor(session, source_id=source.id or 0)["threads"]) == ["4", "5"]


def test_a_flood_wait_inside_a_thread_resumes_after_the_last_committed_comment(
    session: Session,
) -> None:
    fake = channel()
    fake.messages = fake.messages[:1]
    fake.flood_after = {2: 5}  # after the post and the first comment
    slept: list[float] = []
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)
    clients = Clients(telegram=lambda: fake, limits=CrawlLimits(), sleep=slept.append)

    outcome = crawl_source(session, source_id=source.id or 0, clients=clients)

    assert (outcome.status, slept, len(outcome.new_ids)) == (SourceStatus.OK, [5], 5)
    assert [call["min_id"] for call in fake.calls if call.get("reply_to")] == [0, 501]


def test_a_long_flood_wait_in_a_thread_reschedules_the_channel_keeping_what_was_read(
    session: Session,
) -> None:
    fake = channel()
    fake.messages = fake.messages[:1]
    fake.flood_after = {3: 600}
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)

    outcome = crawl_source(session, source_id=source.id or 0, clients=clients_for(fake))

    assert outcome.status == SourceStatus.BACKING_OFF and len(outcome.new_ids) == 3
    cursor = load_cursor(session, source_id=source.id or 0)
    assert (cursor["min_id"], cursor["threads"]) == (1, {"1": [GROUP_ID, 502, 0]})
