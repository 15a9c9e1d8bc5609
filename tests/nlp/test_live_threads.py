"""Threads crawled live (VK reply threads, a Telegram discussion group) reach NLP with
their structure: the page's reply becomes the resident's public answer, a short reply is
read with its parent, and the role was guessed by the crawl."""

from collections.abc import Iterator

import pytest
import responses
from sqlmodel import Session, select
from telethon.tl.types import PeerChannel, PeerUser

from ingest.clients import Clients, CrawlLimits
from ingest.crawl import crawl_source
from ingest.vk.client import make_vk_api
from models.annotation import Annotation
from models.post import Post
from models.source import SourceKind
from nlp.annotator import Annotator
from nlp.seed import seed_reference_data
from nlp.stage import annotate_posts
from otklik.paths import DATA_DIR
from tests.ingest.conftest import add_source
from tests.ingest.telegram_fake import (
    CHANNEL_ID,
    FakeTelegramClient,
    discussion,
    open_post,
)
from tests.ingest.telegram_fake import GROUP_ID as GROUP
from tests.ingest.test_vk_threads import OWNER, comment, reply
from tests.ingest.vk_fake import FakeVk, vk_post

COMPLAINT = "Во дворе дома на Ленина, 5 третью неделю не вывозят мусор, контейнеры переполнены"
ANSWER = "Информация передана в управляющую компанию, вывоз сегодня"


@pytest.fixture
def fake_vk() -> Iterator[FakeVk]:
    fake = FakeVk()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        yield fake


def annotated(session: Session, annotator: Annotator, source_id: int) -> dict[str, Post]:
    ids = list(session.exec(select(Post.id).where(Post.source_id == source_id)))
    annotate_posts(session, annotator=annotator, post_ids=[i for i in ids if i is not None])
    return {p.external_id: p for p in session.exec(select(Post).where(Post.source_id == source_id))}


def test_a_live_vk_thread(session: Session, fake_vk: FakeVk, annotator: Annotator) -> None:
    seed_reference_data(session, data_dir=DATA_DIR, region_code="57")
    fake_vk.comments[(OWNER, 1)] = [
        comment(10, 42, COMPLAINT),
        reply(11, OWNER, ANSWER, 10),
        reply(12, 43, "у нас тоже", 10),
    ]
    fake_vk.walls[OWNER] = [vk_post(OWNER, 1, 1_717_000_000, "Приём граждан",
                                    comments={"count": 3})]  # fmt: skip
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    clients = Clients(vk=lambda: make_vk_api(token="t", rps_delay=0), limits=CrawlLimits())

    assert crawl_source(session, source_id=source.id or 0, clients=clients).role_guessed == (
        "authority"  # the page answers in its own comments
    )
    posts = annotated(session, annotator, source.id or 0)

    complaint, answer, short = (posts[f"{OWNER}_1_{n}"] for n in (10, 11, 12))
    assert answer.answer_to_post_id == complaint.id
    notes = {a.post_id: a for a in session.exec(select(Annotation))}
    assert notes[answer.id or 0].reasons["structure"] == "page_reply"
    assert notes[short.id or 0].reasons["parent_post_id"] == complaint.id


def test_a_live_telegram_discussion(session: Session, annotator: Annotator) -> None:
    seed_reference_data(session, data_dir=DATA_DIR, region_code="57")
    fake = FakeTelegramClient(channel="lysva_adm")
    fake.messages = [open_post(1, "График вывоза мусора на неделю", comments=3)]
    fake.comments[1] = [
        discussion(501, COMPLAINT, sender=PeerUser(42), top=500),
        discussion(502, ANSWER, sender=PeerChannel(CHANNEL_ID), top=500, answers=501),
        discussion(503, "так и не убрали", sender=PeerUser(43), top=500, answers=501),
    ]
    source = add_source(session, kind=SourceKind.TELEGRAM, target="lysva_adm")
    clients = Clients(telegram=lambda: fake, limits=CrawlLimits(), sleep=lambda _: None)

    assert crawl_source(session, source_id=source.id or 0, clients=clients).role_guessed == (
        "authority"
    )
    posts = annotated(session, annotator, source.id or 0)

    complaint, answer, short = (posts[f"{GROUP}_{n}"] for n in (501, 502, 503))
    assert complaint.parent_external_id == "1"
    assert answer.answer_to_post_id == complaint.id
    notes = {a.post_id: a for a in session.exec(select(Annotation))}
    assert notes[answer.id or 0].is_signal is False
    assert notes[short.id or 0].reasons["parent_post_id"] == complaint.id


def test_bad_replies_found_late_under_an_old_comment_get_clear_decisions(
    session: Session, fake_vk: FakeVk, annotator: Annotator
) -> None:
    seed_reference_data(session, data_dir=DATA_DIR, region_code="57")
    rows = [comment(10, 42, COMPLAINT)]
    rows += [comment(20 + n, 50 + n, f"Вопрос по графику номер {n}") for n in range(24)]
    fake_vk.comments[(OWNER, 1)] = rows
    fake_vk.walls[OWNER] = [vk_post(OWNER, 1, 1_717_000_000, "Приём граждан",
                                    comments={"count": len(rows)})]  # fmt: skip
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    clients = Clients(vk=lambda: make_vk_api(token="t", rps_delay=0), limits=CrawlLimits())
    crawl_source(session, source_id=source.id or 0, clients=clients)
    anonymous = reply(605, 0, COMPLAINT, 10)  # the same words, from an author VK does not name
    del anonymous["from_id"]
    fake_vk.comments[(OWNER, 1)] += [
        reply(600, 43, "👍👍👍", 10),
        reply(601, 44, "https://vk.com/wall-500_1", 10),
        reply(604, 47, "так и не убрали", 10, reply_to_comment=599),  # 599 was never fetched
        anonymous,
    ]
    fake_vk.walls[OWNER][0]["comments"]["count"] = len(fake_vk.comments[(OWNER, 1)])

    assert len(crawl_source(session, source_id=source.id or 0, clients=clients).new_ids) == 4
    posts = annotated(session, annotator, source.id or 0)

    notes = {a.post_id: a for a in session.exec(select(Annotation))}
    note = {n: notes[posts[f"{OWNER}_1_{n}"].id or 0] for n in (10, 600, 601, 604, 605)}
    assert [note[n].reasons.get("structure") for n in (600, 601, 604)] == [
        "emoji_only",
        "link_only",
        "orphan_short_reply",
    ]
    assert not any(note[n].is_signal for n in (600, 601, 604))
    # an author nobody can name is read as a resident: the same decision as the resident's
    assert note[605].is_signal is note[10].is_signal is True
    assert note[605].signal_confidence == pytest.approx(note[10].signal_confidence, abs=0.05)
