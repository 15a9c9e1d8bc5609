"""Telethon messages adapted into `PostCreate`."""

import json
from datetime import datetime
from typing import Any

from telethon.tl.types import Message, MessageService, PeerChannel, PeerChat, PeerUser

from ingest.rejection import Rejected, Skipped
from models.post import AuthorKind, PostCreate, PostKind, ThreadPosition
from nlp.structure import carries_ad_token


def adapt_telegram_message(message: Any, *, channel: str) -> PostCreate:
    if isinstance(message, MessageService):
        raise Skipped("service message")
    if not isinstance(message, Message):
        raise Rejected(f"expected a Telegram message, got {type(message).__name__}")
    text = message.message or ""
    if not text.strip():
        raise Skipped("sticker without text" if message.sticker else "message without text")
    answered = _answered(message)
    return PostCreate(
        external_id=str(message.id),
        kind=PostKind.MESSAGE,
        url=f"https://t.me/{channel.lstrip('@')}/{message.id}",
        author_id=_peer(message.from_id),
        author_kind=telegram_author_kind(message),
        thread_position=ThreadPosition.REPLY if answered else ThreadPosition.POST,
        parent_external_id=answered,
        signer_id=(message.post_author or None) and message.post_author[:64],
        published_at=_aware(message.date),
        edited_at=_aware(message.edit_date) if message.edit_date else None,
        text=text,
        text_original=text,
        views=message.views,
        reposts=message.forwards,
        comments=message.replies.replies if message.replies else None,
        reactions=_reactions(message),
        forwarded_from=_forwarded_from(message),
        attachments=[{"type": type(message.media).__name__}] if message.media else [],
        is_ad=carries_ad_token(*_link_urls(message)),
        raw=json.loads(json.dumps(message.to_dict(), default=str)),
    )


def _link_urls(message: Message) -> list[str]:
    """The addresses behind the message's text links (an advert's token is often only there)."""
    return [e.url for e in message.entities or [] if isinstance(getattr(e, "url", None), str)]


def adapt_telegram_comment(
    message: Any, *, channel: str, post_id: int, own_ids: frozenset[int]
) -> PostCreate:
    """A message of a channel post's discussion thread (in the channel's linked group).

    Its id is the group's (`<group id>_<message id>`); a comment's parent is the channel
    post, a reply's the comment it answers. `own_ids` are the channel's and its group's
    ids: what they send is the source's own, another channel's is a community's.
    """
    post = adapt_telegram_message(message, channel=channel)
    chat = _channel_id(message.peer_id)
    header = message.reply_to
    answered = getattr(header, "reply_to_msg_id", None)
    nested = isinstance(getattr(header, "reply_to_top_id", None), int)
    position = ThreadPosition.REPLY if nested else ThreadPosition.COMMENT
    parent = f"{chat}_{answered}" if nested else str(post_id)
    return post.model_copy(
        update={
            "external_id": f"{chat}_{message.id}",
            "kind": PostKind.COMMENT,
            "url": f"https://t.me/{channel.lstrip('@')}/{post_id}?comment={message.id}",
            "author_kind": _discussion_author_kind(message.from_id, own_ids),
            "thread_position": position,
            "parent_external_id": parent,
        }
    )


def _discussion_author_kind(sender: Any, own_ids: frozenset[int]) -> AuthorKind:
    if isinstance(sender, PeerUser):
        return AuthorKind.PERSON
    if isinstance(sender, PeerChannel | PeerChat):
        return AuthorKind.SOURCE if _channel_id(sender) in own_ids else AuthorKind.COMMUNITY
    return AuthorKind.UNKNOWN


def _channel_id(peer: Any) -> int | None:
    if isinstance(peer, PeerChannel):
        return peer.channel_id
    return peer.chat_id if isinstance(peer, PeerChat) else None


def telegram_author_kind(message: Message) -> AuthorKind:
    """A channel's own post (`post`, or sent as the chat itself), another channel, a person."""
    sender = message.from_id
    if isinstance(sender, PeerUser):
        return AuthorKind.PERSON
    if sender is None:
        return AuthorKind.SOURCE if message.post else AuthorKind.UNKNOWN
    own = _peer(message.peer_id)
    return AuthorKind.SOURCE if _peer(sender) == own else AuthorKind.COMMUNITY


def _answered(message: Message) -> str | None:
    header = message.reply_to
    answered = getattr(header, "reply_to_msg_id", None) if header is not None else None
    return str(answered) if isinstance(answered, int) else None


def _aware(value: datetime | None) -> datetime:
    if value is None:
        raise Rejected("Telegram message without a date")
    return value


def _peer(peer: Any) -> str | None:
    if isinstance(peer, PeerUser):
        return f"user:{peer.user_id}"
    if isinstance(peer, PeerChannel):
        return f"channel:{peer.channel_id}"
    if isinstance(peer, PeerChat):
        return f"chat:{peer.chat_id}"
    return None


def _reactions(message: Message) -> int | None:
    if not message.reactions:
        return None
    return sum(result.count for result in message.reactions.results)


def _forwarded_from(message: Message) -> str | None:
    header = message.fwd_from
    if header is None:
        return None
    origin = header.from_name or _peer(header.from_id) or "unknown"
    return f"{origin}/{header.channel_post}" if header.channel_post else origin
