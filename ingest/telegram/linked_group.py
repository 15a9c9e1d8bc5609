"""A channel's linked discussion group, read as one stream of every post's comments.

Telegram copies each channel post open for comments into the linked group (a message sent
as the channel, whose `fwd_from.channel_post` is the post's id); a comment answers that
copy (`reply_to.reply_to_msg_id`) and a reply inside the thread names it as its top
(`reply_to.reply_to_top_id`). Reading the group's history forward from a cursor therefore
finds the comments of old posts and new ones alike, without asking post by post.
"""

from dataclasses import dataclass
from typing import Any

from telethon.tl.functions.channels import GetFullChannelRequest

from ingest.telegram.client import TelegramClientLike


@dataclass(frozen=True)
class LinkedGroup:
    """The channel's and its group's ids, and the group as Telethon resolved it."""

    channel_id: int
    group_id: int
    entity: Any


async def find_linked_group(client: TelegramClientLike, channel: str) -> LinkedGroup | None:
    """The channel's linked discussion group (one `GetFullChannelRequest`), if it has one."""
    full = await client(GetFullChannelRequest(channel))
    linked = getattr(full.full_chat, "linked_chat_id", None)
    if not isinstance(linked, int):
        return None
    group = next((chat for chat in full.chats if getattr(chat, "id", None) == linked), None)
    return None if group is None else LinkedGroup(int(full.full_chat.id), linked, group)


def post_copied(message: Any, channel_id: int) -> int | None:
    """The channel post whose automatic copy in the group this message is, if it is one."""
    header = getattr(message, "fwd_from", None)
    post = getattr(header, "channel_post", None)
    origin = getattr(header, "saved_from_peer", None) or getattr(header, "from_id", None)
    sender = getattr(message, "from_id", None)
    if not isinstance(post, int) or getattr(origin, "channel_id", None) != channel_id:
        return None
    return post if getattr(sender, "channel_id", None) == channel_id else None


def thread_top(message: Any) -> int | None:
    """The group message a message's thread hangs on: the post's copy for a comment."""
    header = getattr(message, "reply_to", None)
    top = getattr(header, "reply_to_top_id", None)
    if isinstance(top, int):
        return top
    answered = getattr(header, "reply_to_msg_id", None)
    return answered if isinstance(answered, int) else None
