"""VK payloads (posts, comments) adapted into `PostCreate`; nothing VK-shaped goes further."""

from datetime import UTC, datetime
from typing import Any

from ingest.rejection import Rejected, Skipped
from ingest.vk.markup import readable
from models.post import AuthorKind, PostCreate, PostKind, ThreadPosition


def adapt_vk_post(item: dict[str, Any]) -> PostCreate:
    """A `wall.get` / `newsfeed.search` item. Deleted and text-less posts are skipped."""
    _require(item, "id", "owner_id", "date")
    if item.get("is_deleted") or item.get("deleted"):
        raise Skipped("deleted post")
    own = _text(item)
    reposts = _reposts(item)
    shown = own or (_text(reposts[0]) if reposts else "")
    if not shown.strip():
        raise Skipped(_textless("post", item))
    owner, number = item["owner_id"], item["id"]
    return PostCreate(
        external_id=f"{owner}_{number}",
        kind=PostKind.POST,
        url=f"https://vk.com/wall{owner}_{number}",
        author_id=_id(item.get("from_id")),
        author_kind=author_kind(item.get("from_id"), owner),
        signer_id=_id(item.get("signer_id")),
        published_at=_time(item["date"]),
        edited_at=_time(item["edited"]) if item.get("edited") else None,
        text=readable(shown),
        text_original=own,
        views=_count(item, "views"),
        likes=_count(item, "likes"),
        reposts=_count(item, "reposts"),
        comments=_count(item, "comments"),
        is_ad=bool(item.get("marked_as_ads")),
        repost_of=f"{reposts[0].get('owner_id')}_{reposts[0].get('id')}" if reposts else None,
        attachments=_attachments(item),
        geo=item.get("geo"),
        raw=item,
    )


def adapt_vk_comment(item: dict[str, Any]) -> PostCreate:
    """A `wall.getComments` item; `owner_id` and `post_id` are part of the item in 5.199."""
    _require(item, "id", "owner_id", "post_id", "date")
    if item.get("deleted"):
        raise Skipped("deleted comment")
    own = _text(item)
    if not own.strip():
        raise Skipped(_textless("comment", item))
    owner, post, number = item["owner_id"], item["post_id"], item["id"]
    answered = _answered_comment(item)
    return PostCreate(
        external_id=f"{owner}_{post}_{number}",
        kind=PostKind.COMMENT,
        url=f"https://vk.com/wall{owner}_{post}?reply={number}",
        author_id=_id(item.get("from_id")),
        author_kind=author_kind(item.get("from_id"), owner),
        thread_position=ThreadPosition.REPLY if answered else ThreadPosition.COMMENT,
        parent_external_id=f"{owner}_{post}_{answered}" if answered else f"{owner}_{post}",
        published_at=_time(item["date"]),
        text=readable(own),
        text_original=own,
        likes=_count(item, "likes"),
        attachments=_attachments(item),
        raw=item,
    )


def adapt_vk_thread(item: dict[str, Any]) -> list[PostCreate]:
    """A `wall.getComments` item and the replies VK nests under it (`thread.items`, when
    asked for with `thread_items_count`); each reply is adapted as a comment of the post.

    A comment skipped itself (a sticker, deleted) keeps its replies: they are stored with
    it as their parent; only when nothing in the thread has text is the whole item skipped.
    """
    _require(item, "id", "owner_id", "post_id", "date")
    thread = item.get("thread")
    replies = thread.get("items") if isinstance(thread, dict) else None
    base = {"owner_id": item["owner_id"], "post_id": item["post_id"]}
    nested = [
        {**base, "reply_to_comment": item["id"], **reply}
        for reply in (replies if isinstance(replies, list) else [])
        if isinstance(reply, dict)
    ]
    posts: list[PostCreate] = []
    first_skip: Skipped | None = None
    for one in [item, *nested]:
        try:
            posts.append(adapt_vk_comment(one))
        except Skipped as skipped:
            first_skip = first_skip or skipped
    if not posts and first_skip:
        raise first_skip
    return posts


def author_kind(from_id: Any, owner_id: Any) -> AuthorKind:
    """The wall's owner itself, another community (a negative id), a person, or unknown."""
    if not isinstance(from_id, int) or isinstance(from_id, bool) or from_id == 0:
        return AuthorKind.UNKNOWN
    if from_id == owner_id:
        return AuthorKind.SOURCE
    return AuthorKind.COMMUNITY if from_id < 0 else AuthorKind.PERSON


def _answered_comment(item: dict[str, Any]) -> int | None:
    """The comment this one replies to: `reply_to_comment`, else the nearest of `parents_stack`."""
    answered = item.get("reply_to_comment")
    stack = item.get("parents_stack")
    if not answered and isinstance(stack, list) and stack:
        answered = stack[-1]
    return answered if isinstance(answered, int) and not isinstance(answered, bool) else None


def _textless(kind: str, item: dict[str, Any]) -> str:
    """Why an item without text is skipped: a sticker, or nothing to read."""
    attachments = item.get("attachments")
    if isinstance(attachments, list) and any(
        isinstance(a, dict) and a.get("type") == "sticker" for a in attachments
    ):
        return "sticker without text"
    return f"{kind} without text"


def _require(item: Any, *keys: str) -> None:
    if not isinstance(item, dict):
        raise Rejected(f"expected a VK object, got {type(item).__name__}")
    missing = [key for key in keys if key not in item]
    if missing:
        raise Rejected(f"VK item without {', '.join(missing)}")
    if not isinstance(item["date"], int) or isinstance(item["date"], bool):
        raise Rejected(f"VK item date is not a unix time: {item['date']!r}")


def _text(item: dict[str, Any]) -> str:
    text = item.get("text", "")
    if not isinstance(text, str):
        raise Rejected(f"VK text is not a string: {type(text).__name__}")
    return text


def _time(value: Any) -> datetime:
    if not isinstance(value, int) or isinstance(value, bool):
        raise Rejected(f"VK time is not a unix time: {value!r}"[:300])
    try:
        return datetime.fromtimestamp(value, UTC)
    except (ValueError, OverflowError, OSError) as error:
        raise Rejected(f"VK time out of range: {value}"[:300]) from error


def _reposts(item: dict[str, Any]) -> list[dict[str, Any]]:
    reposts = item.get("copy_history") or []
    if not isinstance(reposts, list) or not all(isinstance(r, dict) for r in reposts):
        raise Rejected("VK copy_history is not a list of posts")
    return reposts


def _id(value: Any) -> str | None:
    return str(value) if value not in (None, 0) else None


def _count(item: dict[str, Any], key: str) -> int | None:
    value = item.get(key)
    count = value.get("count") if isinstance(value, dict) else None
    return count if isinstance(count, int) else None


def _attachments(item: dict[str, Any]) -> list[dict[str, Any]]:
    """Keep each attachment's type and its object (photo, video, link, poll, ...)."""
    attachments = item.get("attachments") or []
    if not isinstance(attachments, list):
        raise Rejected("VK attachments is not a list")
    return [attachment for attachment in attachments if isinstance(attachment, dict)]
