"""Fake Telegram clients with Telethon's interface, serving real Telethon objects.

`FakeTelegramClient` honours `iter_messages`' `min_id`, `reverse` and `limit`, and can raise
Telethon's real `FloodWaitError` after a given number of messages. With `group` set the
channel has a linked discussion group: `GetFullChannelRequest` names it, and
`iter_messages` / `get_messages` on the group entity serve its messages (the posts' copies,
the comments and anything else said there). `FakeTelegramLogin` is one
account behind `send_code_request` / `sign_in` / `get_me`, raising Telethon's real errors.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from telethon.errors import (
    ChannelPrivateError,
    FloodWaitError,
    MsgIdInvalidError,
    PasswordHashInvalidError,
    PhoneCodeInvalidError,
    SessionPasswordNeededError,
)
from telethon.tl.functions.channels import GetFullChannelRequest
from telethon.tl.types import (
    Channel,
    ChannelFull,
    ChatPhotoEmpty,
    Message,
    MessageActionPinMessage,
    MessageFwdHeader,
    MessageReactions,
    MessageReplies,
    MessageReplyHeader,
    MessageService,
    PeerChannel,
    PeerNotifySettings,
    PeerUser,
    ReactionCount,
    ReactionEmoji,
    User,
)
from telethon.tl.types.messages import ChatFull

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


def copy_of(number: int, post: int, text: str = "") -> Message:
    """The automatic copy of channel post `post` in the linked group, as Telegram makes it:
    sent as the channel, forwarded from it (`channel_post`), saved from the post."""
    origin = PeerChannel(CHANNEL_ID)
    return Message(
        id=number,
        peer_id=PeerChannel(GROUP_ID),
        date=START + timedelta(minutes=post),
        message=text or f"Пост {post}",
        from_id=origin,
        fwd_from=MessageFwdHeader(
            date=START + timedelta(minutes=post),
            from_id=origin,
            channel_post=post,
            saved_from_peer=origin,
            saved_from_msg_id=post,
        ),
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
    group: list[Any] | None = None  # the linked discussion group's messages; None: no group
    group_private: bool = False  # the account may not read the group's history
    copies: dict[int, int] = field(default_factory=dict)  # post -> its copy in the group
    fetched: list[list[int]] = field(default_factory=list)  # ids asked with get_messages
    served_by_call: list[int] = field(default_factory=list)  # messages each call yielded
    full_requests: int = 0

    def link_group(self, first_copy: int = 500) -> None:
        """Give the channel a linked group holding a copy of every post open for comments,
        its comments so far, each copy just before its post's comments."""
        self.group = []
        for number, post in enumerate(sorted(self.comments), start=first_copy):
            self.copies[post] = number
            self.group.append(copy_of(number, post))
        for post, thread in self.comments.items():
            self.group.extend(_rooted(message, self.copies[post]) for message in thread)
            self.comments[post] = [m for m in self.group if _top(m) == self.copies[post]]

    def comment(self, post: int, number: int, text: str, *, sender: Any, **extra: Any) -> Message:
        """A new message in `post`'s thread, in the group and in what GetReplies serves."""
        made = discussion(number, text, sender=sender, top=self.copies[post], **extra)
        assert self.group is not None
        self.group.append(made)
        self.comments[post].append(made)
        return made

    def delete(self, post: int, number: int) -> None:
        assert self.group is not None
        self.group = [m for m in self.group if m.id != number]
        self.comments[post] = [m for m in self.comments[post] if m.id != number]

    async def __call__(self, request: Any) -> ChatFull:
        """`GetFullChannelRequest` on the channel, the one raw request the crawler sends."""
        assert self.connected, "a request before connect()"
        assert isinstance(request, GetFullChannelRequest) and request.channel == self.channel
        self.full_requests += 1
        linked = GROUP_ID if self.group is not None else None
        full = ChannelFull(id=CHANNEL_ID, about="", read_inbox_max_id=0, read_outbox_max_id=0,
                           unread_count=0, chat_photo=None, notify_settings=PeerNotifySettings(),
                           bot_info=[], pts=1, linked_chat_id=linked)  # fmt: skip
        chats = [await self.get_entity(self.channel)]
        if linked:
            chats.append(discussion_group())
        return ChatFull(full_chat=full, chats=chats, users=[])

    async def get_messages(self, entity: Any, *, ids: list[int]) -> list[Any]:
        assert self.connected and self._is_group(entity) and self.group is not None
        assert len(ids) <= 100, "Telegram serves at most 100 ids a request"
        self.fetched.append(list(ids))
        by_id = {m.id: m for m in self.group}
        return [by_id.get(number) for number in ids]

    def _is_group(self, entity: Any) -> bool:
        return isinstance(entity, Channel) and entity.id == GROUP_ID

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
        assert entity == self.channel or self._is_group(entity)
        if self.error:
            raise self.error
        call: dict[str, Any] = {"limit": limit, "min_id": min_id, "reverse": reverse}
        if max_id:
            call["max_id"] = max_id
        if self._is_group(entity):
            call["chat"] = GROUP_ID
        self.calls.append(call if reply_to is None else {**call, "reply_to": reply_to})
        pool = self.messages
        if self._is_group(entity):
            if self.group_private:
                raise ChannelPrivateError(request=None)
            pool = self.group or []
        elif reply_to is not None:
            if reply_to not in self.comments:
                raise MsgIdInvalidError(request=None)
            pool = self.comments[reply_to]
        else:
            self._count_comments()
        newer = max_id or float("inf")
        chosen = sorted((m for m in pool if min_id < m.id < newer), key=lambda m: m.id)
        if not reverse:
            chosen.reverse()
        self.served_by_call.append(0)
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
            self.served_by_call[-1] += 1
            yield item


def discussion_group() -> Channel:
    return Channel(id=GROUP_ID, title="Пермь 59: обсуждение", photo=ChatPhotoEmpty(), date=START,
                   megagroup=True, access_hash=5_551_234)  # fmt: skip


def _top(message: Any) -> int | None:
    header = getattr(message, "reply_to", None)
    top = getattr(header, "reply_to_top_id", None)
    return top if isinstance(top, int) else getattr(header, "reply_to_msg_id", None)


def _rooted(message: Message, copy: int) -> Message:
    """A thread message hung on the post's copy in the group."""
    header = message.reply_to
    if isinstance(header.reply_to_top_id, int):
        header = MessageReplyHeader(reply_to_msg_id=header.reply_to_msg_id, reply_to_top_id=copy)
    else:
        header = MessageReplyHeader(reply_to_msg_id=copy)
    return Message(id=message.id, peer_id=message.peer_id, date=message.date,
                   message=message.message, from_id=message.from_id, reply_to=header)  # fmt: skip


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
