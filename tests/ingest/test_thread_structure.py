"""Who wrote an item and where it sits in a thread, read from real-shaped payloads."""

import json
from typing import Any

import pytest
from telethon.tl.types import MessageEntityTextUrl, MessageReplyHeader, PeerChannel, PeerUser

from ingest.exports.telegram_desktop import adapt_export_message
from ingest.exports.vk_dump import adapt_dump_item
from ingest.telegram.adapt import adapt_telegram_message
from ingest.vk.adapt import adapt_vk_comment, adapt_vk_post
from models.post import AuthorKind, ThreadPosition
from tests.ingest.export_samples import tg_message
from tests.ingest.telegram_fake import CHANNEL_ID, message, rich_message
from tests.ingest.vk_fake import vk_post

OWNER = -100
DATE = 1_714_000_000


def vk_comment(number: int, from_id: int, text: str, **extra: Any) -> dict[str, Any]:
    """A `wall.getComments` item as API 5.199 returns it."""
    return {"id": number, "owner_id": OWNER, "post_id": 7, "from_id": from_id, "date": DATE,
            "text": text, "likes": {"count": 0}, **extra}  # fmt: skip


@pytest.mark.parametrize(
    ("from_id", "expected"),
    [
        (OWNER, AuthorKind.SOURCE),  # the community publishes on its own wall
        (-555, AuthorKind.COMMUNITY),  # another community
        (42, AuthorKind.PERSON),
        (None, AuthorKind.UNKNOWN),
    ],
)
def test_vk_post_author_kind(from_id: int | None, expected: AuthorKind) -> None:
    post = adapt_vk_post(vk_post(OWNER, 7, DATE, "Приглашаем на праздник", from_id=from_id))
    assert post.author_kind == expected
    assert post.thread_position == ThreadPosition.POST


def test_vk_post_ad_mark_and_repost() -> None:
    shared = vk_post(-200, 17, DATE, "Нет горячей воды")
    post = adapt_vk_post(vk_post(OWNER, 8, DATE, "", marked_as_ads=1, copy_history=[shared]))
    assert post.is_ad is True
    assert post.repost_of == "-200_17"
    assert adapt_vk_post(vk_post(OWNER, 9, DATE, "Текст")).is_ad is False


def test_telegram_ad_token_behind_a_link_marks_the_message_an_advert() -> None:
    """The law's ad token is often only in a link's address, which the text does not show."""
    link = MessageEntityTextUrl(offset=0, length=8, url="https://shop.example/?erid=4XqAbCdEf7")
    ad = adapt_telegram_message(
        message(1, "Оформить карту бесплатно", entities=[link]), channel="perm"
    )
    assert ad.is_ad is True
    plain = MessageEntityTextUrl(offset=0, length=8, url="https://perm.example/news/1")
    news = adapt_telegram_message(message(2, "Новости города", entities=[plain]), channel="perm")
    assert news.is_ad is False

    text = [
        "Скидки ",
        {"type": "text_link", "text": "по ссылке", "href": "https://s.example/erid_5KmQwErTy8"},
    ]
    exported = adapt_export_message(json.dumps(tg_message(3, text)).encode(), chat_id="1234567")
    assert exported[0].is_ad is True
    text = ["Подробнее ", {"type": "text_link", "text": "на сайте", "href": "https://perm.example"}]
    exported = adapt_export_message(json.dumps(tg_message(4, text)).encode(), chat_id="1234567")
    assert exported[0].is_ad is False


def test_vk_comment_by_the_page_is_its_own_reply_to_the_comment_it_answers() -> None:
    resident = adapt_vk_comment(vk_comment(11, 42, "Когда уберут мусор во дворе?"))
    assert (resident.author_kind, resident.thread_position) == ("person", "comment")
    assert resident.parent_external_id == f"{OWNER}_7"
    answer = adapt_vk_comment(
        vk_comment(12, OWNER, "Информация передана", reply_to_comment=11, reply_to_user=42)
    )
    assert (answer.author_kind, answer.thread_position) == ("source", "reply")
    assert answer.parent_external_id == f"{OWNER}_7_11"


def test_vk_reply_parent_from_the_parents_stack() -> None:
    reply = adapt_vk_comment(vk_comment(13, 43, "у нас тоже", parents_stack=[11]))
    assert reply.thread_position == ThreadPosition.REPLY
    assert reply.parent_external_id == f"{OWNER}_7_11"


def test_vk_dump_flattens_nested_thread_replies() -> None:
    item = vk_comment(11, 42, "Яма на Ленина", thread={"count": 2, "items": [
        {"id": 14, "from_id": OWNER, "date": DATE, "text": "Спасибо, передали в ДЭУ"},
        {"id": 15, "from_id": 44, "date": DATE, "text": "", "deleted": True},
    ]})  # fmt: skip
    posts = adapt_dump_item(json.dumps(item, ensure_ascii=False).encode())
    assert [p.external_id for p in posts] == [f"{OWNER}_7_11", f"{OWNER}_7_14"]
    assert posts[1].author_kind == AuthorKind.SOURCE
    assert posts[1].parent_external_id == f"{OWNER}_7_11"


def test_telegram_channel_post_is_the_channels_own() -> None:
    post = adapt_telegram_message(message(1, "Новости"), channel="perm")
    assert post.author_kind == AuthorKind.SOURCE
    assert post.thread_position == ThreadPosition.POST


def test_telegram_person_and_reply() -> None:
    assert adapt_telegram_message(rich_message(2), channel="perm").author_kind == "person"
    header = MessageReplyHeader(reply_to_msg_id=2)
    reply = adapt_telegram_message(
        message(3, "у нас тоже", from_id=PeerUser(7), reply_to=header), channel="perm"
    )
    assert (reply.thread_position, reply.parent_external_id) == ("reply", "2")
    own = message(4, "Ответ канала", from_id=PeerChannel(CHANNEL_ID))
    other = message(5, "Репост", from_id=PeerChannel(999))
    assert adapt_telegram_message(own, channel="perm").author_kind == "source"
    assert adapt_telegram_message(other, channel="perm").author_kind == "community"


@pytest.mark.parametrize(
    ("from_id", "expected"),
    [
        ("channel1234567", "source"),
        ("user42", "person"),
        ("channel99", "community"),
        (None, "unknown"),
    ],
)
def test_telegram_export_author_kind(from_id: str | None, expected: str) -> None:
    raw = json.dumps(tg_message(1, "Текст", from_id=from_id), ensure_ascii=False).encode()
    assert adapt_export_message(raw, chat_id="1234567")[0].author_kind == expected


def test_telegram_export_reply_links_its_parent() -> None:
    raw = json.dumps(tg_message(5, "+1", from_id="user42", reply_to_message_id=3)).encode()
    post = adapt_export_message(raw, chat_id="1234567")[0]
    assert (post.thread_position, post.parent_external_id) == ("reply", "1234567_3")
