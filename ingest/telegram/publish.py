"""Answers under Telegram messages, through the crawler's own authorised Telethon session.

A message of a chat is answered with a reply in that chat (`reply_to`); a channel post in
the channel's discussion group (`comment_to`). A channel post without a discussion cannot
be answered, and a message whose details were purged (retention) cannot be told apart.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from telethon import errors

from models.publication import PublicationStatus, PublishedReply, PublishRefused, ReplyTarget
from models.source import SourceKind

FIND_DEPTH = 100  # newest replies searched for our marker
CLOSED_ERRORS = (
    errors.ChatWriteForbiddenError,
    errors.ChatAdminRequiredError,
    errors.ChannelPrivateError,
    errors.UserBannedInChannelError,
    errors.MsgIdInvalidError,
    errors.ChatGuestSendForbiddenError,
)
SESSION_ERRORS = (
    errors.AuthKeyUnregisteredError,
    errors.AuthKeyDuplicatedError,
    errors.SessionRevokedError,
    errors.UserDeactivatedBanError,
)
Result = TypeVar("Result")


class TelegramWriterClient(Protocol):
    """`telethon.TelegramClient` as the answer writer sees it."""

    async def connect(self) -> Any: ...

    async def disconnect(self) -> Any: ...

    async def is_user_authorized(self) -> bool: ...

    def iter_messages(self, entity: str, **kwargs: Any) -> Any: ...

    async def send_message(self, entity: str, message: str, **kwargs: Any) -> Any: ...


def reply_mode(target: ReplyTarget) -> str:
    """`comment_to` (a channel post with a discussion) or `reply_to` (a chat message)."""
    if target.source_kind != SourceKind.TELEGRAM:
        raise PublishRefused(PublicationStatus.NOT_SUPPORTED, "not a Telegram message")
    raw = target.raw
    if raw.get("_") != "Message":
        raise PublishRefused(
            PublicationStatus.NOT_SUPPORTED, "the message's details were purged; cannot tell"
        )
    if not raw.get("post"):
        return "reply_to"
    replies = raw.get("replies") or {}
    if isinstance(replies, dict) and replies.get("comments"):
        return "comment_to"
    raise PublishRefused(PublicationStatus.NOT_SUPPORTED, "the channel has no discussion group")


class TelegramAnswerWriter:
    def __init__(self, *, make_client: Callable[[], TelegramWriterClient]) -> None:
        self._make_client = make_client

    def find(self, target: ReplyTarget, *, marker: str) -> PublishedReply | None:
        mode, post_id = reply_mode(target), int(target.external_id)

        async def look(client: TelegramWriterClient) -> PublishedReply | None:
            if mode == "comment_to":
                found = client.iter_messages(target.source_target, reply_to=post_id,
                                             limit=FIND_DEPTH)  # fmt: skip
            else:  # our own recent messages: no reliance on Telegram's word search
                found = client.iter_messages(target.source_target, from_user="me",
                                             limit=FIND_DEPTH)  # fmt: skip
            async for message in found:
                answers = mode == "comment_to" or _replied_to(message) == post_id
                if answers and marker in (message.message or ""):
                    return _reply(target, mode, message.id)
            return None

        return self._run(target, look)

    def publish(self, target: ReplyTarget, *, message: str) -> PublishedReply:
        mode, post_id = reply_mode(target), int(target.external_id)

        async def send(client: TelegramWriterClient) -> PublishedReply:
            kwargs = {mode: post_id}
            sent = await client.send_message(target.source_target, message, **kwargs)
            return _reply(target, mode, sent.id)

        return self._run(target, send, sends=True)

    def _run(
        self,
        target: ReplyTarget,
        work: Callable[[TelegramWriterClient], Awaitable[Result]],
        *,
        sends: bool = False,
    ) -> Result:
        return asyncio.run(_session(self._make_client(), target, work, sends=sends))


async def _session(
    client: TelegramWriterClient,
    target: ReplyTarget,
    work: Callable[[TelegramWriterClient], Awaitable[Result]],
    *,
    sends: bool,
) -> Result:
    working = False  # connected and authorised: a lost connection from here may have sent
    try:
        await client.connect()
        if not await client.is_user_authorized():
            raise PublishRefused(
                PublicationStatus.NO_CREDENTIALS,
                "the Telegram session is not authorised (otklik ingest telegram-login)",
            )
        working = True
        return await work(client)
    except errors.FloodWaitError as error:
        raise _refused(
            PublicationStatus.FLOOD_CONTROL, target, f"FloodWait {error.seconds} s"
        ) from error
    except CLOSED_ERRORS as error:
        raise _refused(PublicationStatus.COMMENTS_CLOSED, target, str(error)) from error
    except SESSION_ERRORS as error:
        raise _refused(PublicationStatus.NO_CREDENTIALS, target, str(error)) from error
    except (OSError, EOFError) as error:
        reason = str(error) or type(error).__name__
        refused = _refused(PublicationStatus.RETRYING, target, reason)
        refused.maybe_sent = sends and working
        raise refused from error
    except errors.RPCError as error:
        raise _refused(PublicationStatus.FAILED, target, str(error)) from error
    finally:
        await client.disconnect()


def _refused(status: PublicationStatus, target: ReplyTarget, reason: str) -> PublishRefused:
    return PublishRefused(status, f"{target.source_target}/{target.external_id}: {reason}")


def _replied_to(message: Any) -> int | None:
    header = getattr(message, "reply_to", None)
    return getattr(header, "reply_to_msg_id", None)


def _reply(target: ReplyTarget, mode: str, message_id: int) -> PublishedReply:
    channel = target.source_target.lstrip("@")
    if mode == "comment_to":
        url = f"https://t.me/{channel}/{target.external_id}?comment={message_id}"
    else:
        url = f"https://t.me/{channel}/{message_id}"
    return PublishedReply(f"{target.external_id}/{message_id}", url)
