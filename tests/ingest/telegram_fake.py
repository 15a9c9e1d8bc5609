"""Fake Telegram clients with Telethon's interface, serving real Telethon objects.

`FakeTelegramClient` honours `iter_messages`' `min_id`, `reverse` and `limit`, and can raise
Telethon's real `FloodWaitError` after a given number of messages. `FakeTelegramLogin` is one
account behind `send_code_request` / `sign_in` / `get_me`, raising Telethon's real errors.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from telethon.errors import (
    FloodWaitError,
    MsgIdInvalidError,
    PasswordHashInvalidError,
    PhoneCodeInvalidError,
    SessionPasswordNeededError,
)
from telethon.tl.types import (
    Channel,
    ChatPhotoEmpty,
    Message,
    MessageActionPinMessage,
    MessageFwdHeader,
    MessageReactions,
    MessageReplies,
    MessageReplyHeader,
    MessageService,
    PeerChannel,
    PeerUser,
    ReactionCount,
    ReactionEmoji,
    User,
)

CHANNEL_ID = 1_500_000_001
GROUP_ID = 1_600_000_002  # the channel's linked discussion group
START = datetime(2024, 5, 1, 8, tzinfo=UTC)


def message(number: int, text: str, **extra: Any) -> Message:
    return Message(
        id=number,
        peer_id=PeerChannel(CHANNEL_ID),
        date=START + timedelta(minutes=number),
        message=text,
        post=True,
        views=100 + number,
        forwards=number % 3,
        **extra,
    )


def open_post(number: int, text: str, comments: int) -> Message:
    """A channel post open for comments in the linked group, as Telegram describes it."""
    replies = MessageReplies(
        replies=comments, replies_pts=1, comments=True, channel_id=GROUP_ID, max_id=None
    )
    return message(number, text, replies=replies)


def discussion(
    number: int, text: str, *, sender: Any, top: int, answers: int | None = None
) -> Message:
    """A message of the linked group: a comment on the post's copy there (`top`), or with
    `answers`, a reply to another comment of that thread."""
    header = (
        MessageReplyHeader(reply_to_msg_id=answers, reply_to_top_id=top)
        if answers
        else MessageReplyHeader(reply_to_msg_id=top)
    )
    return Message(
        id=number,
        peer_id=PeerChannel(GROUP_ID),
        date=START + timedelta(minutes=number),
        message=text,
        from_id=sender,
        reply_to=header,
    )


def service(number: int) -> MessageService:
    return MessageService(
        id=number,
        peer_id=PeerChannel(CHANNEL_ID),
        date=START + timedelta(minutes=number),
        action=MessageActionPinMessage(),
    )


def rich_message(number: int) -> Message:
    return message(
        number,
        "В Чусовом на Мира, 12 третий день нет отопления",
        from_id=PeerUser(42),
        post_author="Редакция",
        edit_date=START + timedelta(hours=5),
        replies=MessageReplies(replies=4, replies_pts=1),
        reactions=MessageReactions(
            results=[
                ReactionCount(reaction=ReactionEmoji(emoticon="👍"), count=5),
                ReactionCount(reaction=ReactionEmoji(emoticon="😡"), count=2),
            ]
        ),
        fwd_from=MessageFwdHeader(date=START, from_id=PeerChannel(999), channel_post=12),
    )


@dataclass
class FakeTelegramClient:
    channel: str
    messages: list[Any] = field(default_factory=list)
    # a post open for comments -> its thread in the linked group (what GetReplies serves)
    comments: dict[int, list[Any]] = field(default_factory=dict)
    flood_after: dict[int, int] = field(default_factory=dict)  # messages served -> wait seconds
    kill_after: dict[int, BaseException] = field(default_factory=dict)  # served -> raised
    calls: list[dict[str, Any]] = field(default_factory=list)
    connected: bool = False
    served: int = 0

    authorised: bool = True
    error: Exception | None = None  # raised by iter_messages, e.g. ChannelPrivateError
    title: str = "Пермь 59"

    async def connect(self) -> None:
        self.connected = True

    async def disconnect(self) -> None:
        self.connected = False

    async def is_user_authorized(self) -> bool:
        return self.authorised

    async def get_entity(self, entity: str) -> Channel:
        assert self.connected, "get_entity before connect()"
        assert entity == self.channel
        return Channel(id=CHANNEL_ID, title=self.title, photo=ChatPhotoEmpty(), date=START,
                       broadcast=True, username=entity)  # fmt: skip

    def iter_messages(
        self,
        entity: str,
        *,
        limit: int | None = None,
        min_id: int = 0,
        max_id: int = 0,
        reverse: bool = False,
        reply_to: int | None = None,
    ) -> AsyncIterator[Any]:
        """The channel's messages, or with `reply_to` the comments of one of its posts;
        a post with no discussion thread raises `MsgIdInvalidError`, as Telegram does.
        `max_id` excludes that id and newer ones. A post's `replies.replies` is the
        number of comments its thread holds now, as Telegram reports it."""
        assert self.connected, "iter_messages before connect()"
        assert entity == self.channel
        if self.error:
            raise self.error
        call: dict[str, Any] = {"limit": limit, "min_id": min_id, "reverse": reverse}
        if max_id:
            call["max_id"] = max_id
        self.calls.append(call if reply_to is None else {**call, "reply_to": reply_to})
        pool = self.messages
        if reply_to is not None:
            if reply_to not in self.comments:
                raise MsgIdInvalidError(request=None)
            pool = self.comments[reply_to]
        else:
            self._count_comments()
        newer = max_id or float("inf")
        chosen = sorted((m for m in pool if min_id < m.id < newer), key=lambda m: m.id)
        if not reverse:
            chosen.reverse()
        return self._serve(chosen[:limit] if limit is not None else chosen)

    def _count_comments(self) -> None:
        for post in self.messages:
            replies = getattr(post, "replies", None)
            if replies is not None and replies.comments and post.id in self.comments:
                replies.replies = len(self.comments[post.id])

    async def _serve(self, chosen: list[Any]) -> AsyncIterator[Any]:
        for item in chosen:
            if self.served in self.kill_after:
                raise self.kill_after.pop(self.served)
            if self.served in self.flood_after:
                raise FloodWaitError(request=None, capture=self.flood_after.pop(self.served))
            self.served += 1
            yield item


def account() -> User:
    return User(id=777_000_123, first_name="Ольга", username="olga_cur", phone="79991234567")


@dataclass
class FakeTelegramLogin:
    """One account: the code Telegram sends, and a two-step password if it has one."""

    code: str = "24680"
    password: str | None = None
    authorised: bool = False
    flood_wait: int | None = None  # seconds send_code_request asks to wait
    user: User = field(default_factory=account)
    codes_sent_to: list[str] = field(default_factory=list)
    connected: bool = False
    password_needed: bool = False

    async def connect(self) -> None:
        self.connected = True

    async def disconnect(self) -> None:
        self.connected = False

    async def is_user_authorized(self) -> bool:
        return self.authorised

    async def send_code_request(self, phone: str) -> None:
        assert self.connected, "send_code_request before connect()"
        if self.flood_wait is not None:
            raise FloodWaitError(request=None, capture=self.flood_wait)
        self.codes_sent_to.append(phone)

    async def sign_in(
        self, phone: str | None = None, code: str | None = None, *, password: str | None = None
    ) -> User:
        assert self.connected, "sign_in before connect()"
        if code is not None:
            return self._check_code(phone, code)
        assert self.password_needed, "a password before SessionPasswordNeededError"
        if password != self.password:
            raise PasswordHashInvalidError(request=None)
        return self._signed_in()

    async def get_me(self) -> User | None:
        return self.user if self.authorised else None

    def _check_code(self, phone: str | None, code: str) -> User:
        if phone not in self.codes_sent_to:
            raise ValueError("You also need to provide a phone_code_hash.")  # as Telethon
        if code != self.code:
            raise PhoneCodeInvalidError(request=None)
        if self.password is not None:
            self.password_needed = True
            raise SessionPasswordNeededError(request=None)
        return self._signed_in()

    def _signed_in(self) -> User:
        self.authorised = True
        return self.user
