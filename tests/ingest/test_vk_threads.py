"""Live `wall.getComments` crawls read reply threads, as the dump path does."""

from sqlmodel import Session, select

from ingest.clients import Clients, CrawlLimits
from ingest.crawl import crawl_source
from models.post import AuthorKind, Post, ThreadPosition
from models.source import SourceKind, SourceStatus
from tests.ingest.conftest import add_source
from tests.ingest.vk_fake import FakeVk, vk_post

OWNER = -500
DATE = 1_717_000_000


def comment(number: int, from_id: int, text: str, **extra: object) -> dict[str, object]:
    """A `wall.getComments` item as API 5.199 returns it (a reply has `parents_stack`)."""
    return {"id": number, "from_id": from_id, "post_id": 1, "owner_id": OWNER,
            "date": DATE + number, "text": text, "parents_stack": [],
            "likes": {"can_like": 1, "count": 0, "user_likes": 0}, **extra}  # fmt: skip


def reply(number: int, from_id: int, text: str, under: int, **extra: object) -> dict[str, object]:
    return comment(number, from_id, text, parents_stack=[under], **extra)


def stored(session: Session) -> dict[str, Post]:
    return {post.external_id: post for post in session.exec(select(Post))}


def test_replies_nested_and_beyond_the_nested_ones_are_stored_with_their_parents(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    long_thread = [reply(100 + n, 60 + n, f"у нас тоже, подъезд {n}", 10) for n in range(14)]
    fake_vk.comments[(OWNER, 1)] = [
        comment(10, 42, "Третий день нет горячей воды на Мира, 5"),
        *long_thread,
        comment(11, 43, "Когда починят лифт на Ленина, 7?"),
        reply(20, OWNER, "Здравствуйте! Заявка передана в УК", 11, reply_to_user=43),
        reply(21, 43, "Спасибо", 11, reply_to_comment=20, reply_to_user=-500),
        reply(22, -777, "УК «Дом»: мастер придёт завтра", 11),
    ]
    fake_vk.walls[OWNER] = [vk_post(OWNER, 1, DATE, "Приём граждан", comments={"count": 19})]
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))

    outcome = crawl_source(session, source_id=source.id or 0, clients=clients)

    assert outcome.status == SourceStatus.OK
    posts = stored(session)
    assert len(posts) == 19 == len(outcome.new_ids)
    top = posts[f"{OWNER}_1_11"]
    assert (top.thread_position, top.parent_external_id) == (ThreadPosition.COMMENT, f"{OWNER}_1")
    official = posts[f"{OWNER}_1_20"]
    assert official.author_kind == AuthorKind.SOURCE
    assert (official.thread_position, official.parent_external_id) == ("reply", f"{OWNER}_1_11")
    thanks = posts[f"{OWNER}_1_21"]  # a reply to the page's reply, inside comment 11's thread
    assert (thanks.author_kind, thanks.parent_external_id) == (AuthorKind.PERSON, f"{OWNER}_1_20")
    assert posts[f"{OWNER}_1_22"].author_kind == AuthorKind.COMMUNITY
    assert {posts[f"{OWNER}_1_{100 + n}"].parent_external_id for n in range(14)} == {
        f"{OWNER}_1_10"
    }
    calls = fake_vk.method_calls("wall.getComments")
    assert calls[0]["thread_items_count"] == "10"
    # comment 10's thread holds 14 replies, 10 nested: the rest is read with comment_id
    assert [c.get("comment_id") for c in calls] == [None, "10"]


def test_a_new_reply_under_a_read_comment_is_caught_on_the_next_crawl(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    fake_vk.comments[(OWNER, 1)] = [comment(10, 42, "Яма во дворе на Советской, 3")]
    fake_vk.walls[OWNER] = [vk_post(OWNER, 1, DATE, "Новости", comments={"count": 1})]
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    first = crawl_source(session, source_id=source.id or 0, clients=clients)
    unchanged = crawl_source(session, source_id=source.id or 0, clients=clients)

    fake_vk.comments[(OWNER, 1)].append(reply(11, OWNER, "Передали в ДЭУ, спасибо", 10))
    fake_vk.walls[OWNER][0]["comments"]["count"] = 2
    second = crawl_source(session, source_id=source.id or 0, clients=clients)

    assert (len(first.new_ids), len(unchanged.new_ids), len(second.new_ids)) == (1, 0, 1)
    assert second.known == 1  # the re-read comment, already stored
    assert len(fake_vk.method_calls("wall.getComments")) == 2  # nothing asked when unchanged
    answer = stored(session)[f"{OWNER}_1_11"]
    assert (answer.author_kind, answer.parent_external_id) == ("source", f"{OWNER}_1_10")


def test_deleted_replies_are_skipped_and_a_closed_thread_does_not_sink_the_page(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    fake_vk.comments[(OWNER, 1)] = [
        comment(10, 42, "Не вывозят мусор"),
        reply(11, 44, "", 10, deleted=True),
        reply(12, 45, "+1", 10),
    ]
    fake_vk.walls[OWNER] = [vk_post(OWNER, 1, DATE, "Новости", comments={"count": 3})]
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))

    outcome = crawl_source(session, source_id=source.id or 0, clients=clients)

    assert (len(outcome.new_ids), outcome.skipped, outcome.quarantined) == (2, 1, 0)
    assert stored(session)[f"{OWNER}_1_12"].parent_external_id == f"{OWNER}_1_10"


def test_a_comment_deleted_before_its_whole_thread_is_read_keeps_its_nested_replies(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    rows = [comment(10, 42, "Мусор на Гагарина")]
    rows += [reply(100 + n, 50 + n, f"Ответ {n}", 10) for n in range(12)]
    rows += [comment(11, 43, "Лужа у школы")]
    rows += [reply(200 + n, 50 + n, f"Ответ {n}", 11) for n in range(12)]
    fake_vk.comments[(OWNER, 1)] = rows
    fake_vk.walls[OWNER] = [vk_post(OWNER, 1, DATE, "Новости", comments={"count": len(rows)})]
    # call 5: wall.get, execute (and the getComments it holds), comment 10's thread, then 11's
    fake_vk.errors = {5: 15}  # comment 11 was deleted before its thread was read
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))

    outcome = crawl_source(session, source_id=source.id or 0, clients=clients)

    assert outcome.status == SourceStatus.OK
    posts = stored(session)
    assert len(posts) == 2 + 12 + 10  # comment 11 keeps the 10 replies VK nested
    assert {posts[f"{OWNER}_1_{100 + n}"].parent_external_id for n in range(12)} == {
        f"{OWNER}_1_10"
    }
    assert [c.get("comment_id") for c in fake_vk.method_calls("wall.getComments")] == [
        None,
        "10",
        "11",
    ]


def test_the_page_limit_stops_before_a_thread_it_cannot_read_whole_and_the_next_run_resumes(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    rows = []
    for top in (10, 11, 12):
        rows += [comment(top, 42, f"Жалоба {top}")]
        rows += [reply(top * 100 + n, 50 + n, f"Ответ {n}", top) for n in range(11)]
    fake_vk.comments[(OWNER, 1)] = rows
    fake_vk.walls[OWNER] = [vk_post(OWNER, 1, DATE, "Новости", comments={"count": len(rows)})]
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    limited = Clients(vk=clients.vk, limits=CrawlLimits(pages_per_run=2))

    crawl_source(session, source_id=source.id or 0, clients=limited)
    threads = [c.get("comment_id") for c in fake_vk.method_calls("wall.getComments")]
    assert threads == [None, "10"]  # the first page and one whole thread: two pages
    assert len(stored(session)) == 12  # comment 10 and its whole thread, nothing cut

    crawl_source(session, source_id=source.id or 0, clients=limited)
    crawl_source(session, source_id=source.id or 0, clients=limited)

    offsets = [c["offset"] for c in fake_vk.method_calls("wall.getComments")]
    assert offsets[2] == "1"  # resumed at comment 11
    assert len(stored(session)) == len(rows) == 36


def test_malformed_threads_and_replies_sink_nothing(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    fake_vk.comments[(OWNER, 1)] = [comment(10, 42, "Нет света в подъезде")]
    fake_vk.walls[OWNER] = [vk_post(OWNER, 1, DATE, "Новости", comments={"count": 3})]
    original = fake_vk._wall_getComments

    def broken(values: dict[str, str]) -> dict[str, object]:
        answer = original(values)
        answer["items"] = [  # type: ignore[index]
            {**comment(10, 42, "Нет света в подъезде"), "thread": {"count": "много", "items": "x"}},
            {**comment(11, 43, "Яма у дома 3"), "thread": {"count": 2, "items": [
                {"id": 12, "from_id": 44, "text": "без даты"},  # refused alone
                {"id": 13, "from_id": 45, "date": DATE, "text": "+1", "parents_stack": [11]},
                "не объект",
            ]}},
        ]  # fmt: skip
        return answer

    fake_vk._wall_getComments = broken  # type: ignore[method-assign]
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))

    outcome = crawl_source(session, source_id=source.id or 0, clients=clients)

    assert outcome.status == SourceStatus.OK
    assert (len(outcome.new_ids), outcome.quarantined) == (3, 1)
    assert stored(session)[f"{OWNER}_1_13"].parent_external_id == f"{OWNER}_1_11"
