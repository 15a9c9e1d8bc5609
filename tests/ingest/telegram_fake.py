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
    PasswordHashInvalidError,
    PhoneCodeInvalidError,
    SessionPasswordNeededError,
)
from telethon.tl.types import (
    Message,
    MessageActionPinMessage,
    MessageFwdHeader,
    MessageReactions,
    MessageReplies,
    MessageService,
    PeerChannel,
    PeerUser,
    ReactionCount,
    ReactionEmoji,
    User,
)

CHANNEL_ID = 1_500_000_001
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
    flood_after: dict[int, int] = field(default_factory=dict)  # messages served -> wait seconds
    calls: list[dict[str, Any]] = field(default_factory=list)
    connected: bool = False
    served: int = 0

    authorised: bool = True
    error: Exception | None = None  # raised by iter_messages, e.g. ChannelPrivateError

    async def connect(self) -> None:
        self.connected = True

    async def disconnect(self) -> None:
        self.connected = False

    async def is_user_authorized(self) -> bool:
        return self.authorised

    def iter_messages(
        self, entity: str, *, limit: int | None = None, min_id: int = 0, reverse: bool = False
    ) -> AsyncIterator[Any]:
        assert self.connected, "iter_messages before connect()"
        assert entity == self.channel
        if self.error:
            raise self.error
        self.calls.append({"limit": limit, "min_id": min_id, "reverse": reverse})
        chosen = sorted((m for m in self.messages if m.id > min_id), key=lambda m: m.id)
        if not reverse:
            chosen.reverse()
        return self._serve(chosen[:limit] if limit is not None else chosen)

    async def _serve(self, chosen: list[Any]) -> AsyncIterator[Any]:
        for item in chosen:
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
