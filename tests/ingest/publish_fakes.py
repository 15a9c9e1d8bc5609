"""The write side of the fake networks: VK's `wall.createComment` behind the real `vk_api`,
and a Telegram client with Telethon's `send_message` / `iter_messages` serving real Telethon
`Message`s. Both can "die" right after the network took the answer (a crash between posting
and recording), and can refuse with VK's error codes or Telethon's real errors."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import count
from typing import Any
from urllib.parse import parse_qs

import requests
from telethon.tl.types import Message, MessageReplyHeader, PeerChannel
from urllib3.exceptions import MaxRetryError, NewConnectionError

from tests.ingest.vk_fake import FakeVk

CREATE_ERRORS = {
    5: "User authorization failed: invalid access_token (4).",
    9: "Flood control",
    14: "Captcha needed",
    10: "Internal server error",
    100: "One of the parameters specified was missing or invalid: message is too long",
    212: "Access to post comments denied",
}
DISCUSSION_ID = 1_600_000_002


class Killed(BaseException):
    """The process dies: nothing in our code may handle it."""


@dataclass
class WritableFakeVk(FakeVk):
    """FakeVk plus `wall.createComment`: comments it creates show in `wall.getComments`."""

    create_errors: list[int] = field(default_factory=list)  # codes for the next createComments
    die_after_create: bool = False
    lose_reply_after_create: bool = False  # the comment is made, its reply never arrives
    refuse_connection: bool = False  # the next createComment cannot connect at all
    _ids: Any = field(default_factory=lambda: count(501))

    def answer(self, method: str, body: str) -> tuple[int, dict[str, str], str]:
        if method == "wall.createComment" and self.refuse_connection:
            self.refuse_connection = False
            refused = NewConnectionError(None, "[Errno 111] Connection refused")  # type: ignore[arg-type]
            raise requests.ConnectionError(
                MaxRetryError(None, "/method/wall.createComment", refused)
            )  # type: ignore[arg-type]
        if method == "wall.createComment" and self.create_errors:
            values = {key: value[0] for key, value in parse_qs(body).items()}
            self.calls.append((method, values))
            return 200, {}, json.dumps({"error": _create_error(self.create_errors.pop(0))})
        return super().answer(method, body)

    def _wall_createComment(self, values: dict[str, str]) -> dict[str, Any]:
        owner, post = int(values["owner_id"]), int(values["post_id"])
        number = next(self._ids)
        author = -int(values["from_group"]) if "from_group" in values else 1
        comment = {"id": number, "from_id": author, "date": 1_717_000_000,
                   "text": values["message"], "post_id": post, "owner_id": owner}  # fmt: skip
        thread = self.comments.setdefault((owner, post), [])
        if "reply_to_comment" in values:  # a reply sits in its top-level comment's thread
            answered = int(values["reply_to_comment"])
            parent = next((c for c in thread if c["id"] == answered), {})
            comment["reply_to_comment"] = answered
            comment["parents_stack"] = (parent.get("parents_stack") or [answered])[:1]
        thread.append(comment)
        if self.die_after_create:
            self.die_after_create = False
            raise Killed("died after VK created the comment")
        if self.lose_reply_after_create:
            self.lose_reply_after_create = False
            raise requests.ReadTimeout("Read timed out. (read timeout=10)")
        return {"comment_id": number, "parents_stack": []}

    def created(self) -> list[dict[str, str]]:
        return self.method_calls("wall.createComment")

    def delete_comment(self, owner_id: int, post_id: int, comment_id: int) -> None:
        """A moderator of the community (or the post's author) deletes a comment."""
        thread = self.comments[(owner_id, post_id)]
        self.comments[(owner_id, post_id)] = [c for c in thread if c["id"] != comment_id]


def _create_error(code: int) -> dict[str, Any]:
    error: dict[str, Any] = {"error_code": code, "error_msg": CREATE_ERRORS[code],
                             "request_params": []}  # fmt: skip
    if code == 14:
        error.update(captcha_sid="123456", captcha_img="https://api.vk.ru/captcha.php?sid=1")
    return error


@dataclass
class FakeTelegramWriter:
    """A chat and a channel's discussion, as Telethon's client shows and writes them."""

    entity: str
    replies: dict[int, list[Message]] = field(default_factory=dict)  # post id -> discussion
    chat: list[Message] = field(default_factory=list)
    send_errors: list[Exception] = field(default_factory=list)
    die_after_send: bool = False
    authorised: bool = True
    sent: list[dict[str, Any]] = field(default_factory=list)
    searched: list[dict[str, Any]] = field(default_factory=list)
    connected: bool = False
    _ids: Any = field(default_factory=lambda: count(9001))

    async def connect(self) -> None:
        self.connected = True

    async def disconnect(self) -> None:
        self.connected = False

    async def is_user_authorized(self) -> bool:
        return self.authorised

    async def send_message(
        self,
        entity: str,
        message: str,
        *,
        reply_to: int | None = None,
        comment_to: int | None = None,
    ) -> Message:
        assert self.connected and entity == self.entity
        self.sent.append({"message": message, "reply_to": reply_to, "comment_to": comment_to})
        if self.send_errors:
            raise self.send_errors.pop(0)
        parent = comment_to if comment_to is not None else reply_to
        sent = Message(
            id=next(self._ids),
            peer_id=PeerChannel(DISCUSSION_ID),
            date=datetime(2024, 6, 1, 12, tzinfo=UTC),
            message=message,
            reply_to=MessageReplyHeader(reply_to_msg_id=parent),
            out=True,  # sent by this account
        )
        if comment_to is not None:
            self.replies.setdefault(comment_to, []).append(sent)
        else:
            self.chat.append(sent)
        if self.die_after_send:
            self.die_after_send = False
            raise Killed("died after Telegram took the message")
        return sent

    def delete(self, message_id: int) -> None:
        """An admin of the chat or the discussion deletes a message."""
        for thread in [self.chat, *self.replies.values()]:
            thread[:] = [m for m in thread if m.id != message_id]

    def iter_messages(
        self,
        entity: str,
        *,
        limit: int | None = None,
        reply_to: int | None = None,
        from_user: str | None = None,
    ) -> AsyncIterator[Message]:
        assert self.connected and entity == self.entity
        self.searched.append({"reply_to": reply_to, "from_user": from_user})
        if reply_to is not None:  # the discussion thread of a channel post
            chosen = list(self.replies.get(reply_to, []))
        else:
            chosen = [m for m in self.chat if from_user is None or m.out == (from_user == "me")]
        return self._serve(list(reversed(chosen))[:limit])

    async def _serve(self, chosen: list[Message]) -> AsyncIterator[Message]:
        for item in chosen:
            yield item
