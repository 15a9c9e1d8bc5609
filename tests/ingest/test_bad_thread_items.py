"""Bad items in live threads (stickers, empty replies, unknown authors, orphans) each get a
decision with a reason, also when they are found late under an old comment."""

import json

from sqlmodel import Session
from telethon.tl.types import (
    Document,
    DocumentAttributeSticker,
    InputStickerSetEmpty,
    MessageMediaDocument,
    PeerUser,
)

from ingest.clients import Clients
from ingest.crawl import crawl_source
from ingest.exports.vk_dump import adapt_dump_item
from models.post import AuthorKind, ThreadPosition
from models.source import SourceKind
from tests.ingest.conftest import add_source
from tests.ingest.telegram_fake import START, discussion
from tests.ingest.test_telegram_discussion import CHANNEL, channel, clients_for
from tests.ingest.test_telegram_discussion import stored as stored_tg
from tests.ingest.test_vk_grown_threads import grow, post_with
from tests.ingest.test_vk_threads import OWNER, comment, reply, stored
from tests.ingest.vk_fake import FakeVk

STICKER = {"type": "sticker", "sticker": {"sticker_id": 9, "product_id": 1, "images": []}}


def test_bad_late_replies_under_an_old_comment_each_get_a_decision(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    post_with(fake_vk, [comment(10 + n, 40 + n, f"Жалоба {n}") for n in range(25)])
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    crawl_source(session, source_id=source.id or 0, clients=clients)
    anonymous = reply(605, 0, "Опять прорвало трубу на Мира, 3", 10)
    del anonymous["from_id"]
    grow(
        fake_vk,
        reply(600, 43, "👍👍👍", 10),
        reply(601, 44, "https://vk.com/wall-500_1", 10),
        reply(602, 45, "", 10, attachments=[STICKER]),
        reply(603, 46, "", 10),
        reply(604, 47, "так и не убрали", 10, reply_to_comment=599),  # 599: never fetched
        anonymous,
    )

    outcome = crawl_source(session, source_id=source.id or 0, clients=clients)

    assert (len(outcome.new_ids), outcome.skipped, outcome.quarantined) == (4, 2, 0)
    assert outcome.skip_reasons == {"sticker without text": 1, "comment without text": 1}
    assert "skipped: 2 (comment without text: 1, sticker without text: 1)" in outcome.summary()
    posts = stored(session)
    assert {posts[f"{OWNER}_1_{n}"].parent_external_id for n in (600, 601, 605)} == {
        f"{OWNER}_1_10"
    }
    orphan = posts[f"{OWNER}_1_604"]
    assert (orphan.thread_position, orphan.parent_external_id) == ("reply", f"{OWNER}_1_599")
    assert f"{OWNER}_1_599" not in posts
    assert posts[f"{OWNER}_1_605"].author_kind == AuthorKind.UNKNOWN


def sticker(number: int, top: int) -> object:
    document = Document(
        id=77, access_hash=1, file_reference=b"", date=START, mime_type="image/webp", size=900,
        dc_id=2, attributes=[DocumentAttributeSticker(alt="👍", stickerset=InputStickerSetEmpty())],
    )  # fmt: skip
    message = discussion(number, "", sender=PeerUser(48), top=top)
    message.media = MessageMediaDocument(document=document)
    return message


def test_a_sticker_in_a_discussion_thread_is_skipped_with_its_reason(session: Session) -> None:
    fake = channel()
    fake.comments[1].append(sticker(505, 500))
    fake.comments[1].append(discussion(506, "", sender=PeerUser(49), top=500, answers=501))
    source = add_source(session, kind=SourceKind.TELEGRAM, target=CHANNEL)

    outcome = crawl_source(session, source_id=source.id or 0, clients=clients_for(fake))

    assert outcome.skip_reasons == {"sticker without text": 1, "message without text": 1}
    assert len(outcome.new_ids) == len(stored_tg(session)) == 7


def test_a_dumped_sticker_comment_keeps_its_replies_and_their_parent() -> None:
    item = comment(10, 42, "", attachments=[STICKER])
    item["thread"] = {"count": 2, "items": [reply(11, 43, "Где это?", 10), reply(12, 44, "", 10)]}

    posts = adapt_dump_item(json.dumps(item).encode())

    assert [(p.external_id, p.parent_external_id) for p in posts] == [
        (f"{OWNER}_1_11", f"{OWNER}_1_10")
    ]
    assert posts[0].thread_position == ThreadPosition.REPLY
