"""Telegram Desktop's `result.json`: a single-chat export or a full-account one (`chats.list`).

Each message becomes a post of one source (the file); its external id is `<chat id>_<message
id>`. `text` is a string or a list of strings and entity objects; dates are read from
`date_unixtime` (`date` has no zone). Service messages are counted as skipped, not posts.
"""

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from itertools import groupby
from pathlib import Path
from typing import Any

from sqlmodel import Session

from ingest.batch import ImportResult, RawRecord, import_records
from ingest.exports.json_arrays import Damaged, Element, iter_arrays
from ingest.json_input import parse_json
from ingest.rejection import Rejected, Skipped
from models.post import AuthorKind, PostCreate, PostKind, ThreadPosition
from nlp.structure import carries_ad_token

_CHAT_ID = re.compile(r'"id"\s*:\s*(-?\d+)')


def import_telegram_export(
    session: Session,
    *,
    source_id: int,
    path: Path,
    lemmatize: Callable[[str], str] | None = None,
    on_record: Callable[[], None] | None = None,
) -> ImportResult:
    result = ImportResult()
    for chat_id, records in groupby(read_export(path), key=lambda pair: pair[0]):
        adapt = partial(adapt_export_message, chat_id=chat_id)
        result.add(
            import_records(
                session,
                source_id=source_id,
                records=(record for _, record in records),
                adapt=adapt,
                lemmatize=lemmatize,
                on_record=on_record,
            )
        )
    return result


def read_export(path: Path) -> Iterator[tuple[str, RawRecord]]:
    """(chat id, message record) for every message of every chat in the file, streamed."""
    chat_id = "0"
    with path.open("rb") as stream:
        for piece in iter_arrays(stream, "messages"):
            origin = f"{path}@{piece.offset}"
            if isinstance(piece, Damaged):
                yield chat_id, RawRecord(raw=piece.raw, origin=origin, refused=piece.reason)
                continue
            chat_id = _chat_id(piece, chat_id)
            yield chat_id, RawRecord(raw=piece.raw, origin=origin)


def adapt_export_message(raw: bytes, *, chat_id: str) -> list[PostCreate]:
    message = _object(raw)
    if message.get("type") == "service":
        raise Skipped("service message")
    if message.get("type") != "message" or not isinstance(message.get("id"), int):
        raise Rejected("not a Telegram export message (type/id missing)")
    text = flatten_text(message.get("text", ""))
    if not text.strip():
        raise Skipped("message without text")
    answered = message.get("reply_to_message_id")
    answered = answered if isinstance(answered, int) and not isinstance(answered, bool) else None
    return [
        PostCreate(
            external_id=f"{chat_id}_{message['id']}",
            kind=PostKind.MESSAGE,
            author_id=_str_or_none(message.get("from_id")),
            author_kind=export_author_kind(message.get("from_id"), chat_id=chat_id),
            thread_position=ThreadPosition.REPLY if answered else ThreadPosition.POST,
            parent_external_id=f"{chat_id}_{answered}" if answered else None,
            published_at=_unix(message, "date_unixtime"),
            edited_at=_unix(message, "edited_unixtime") if "edited_unixtime" in message else None,
            text=text,
            text_original=text,
            reactions=_reactions(message.get("reactions")),
            forwarded_from=_str_or_none(message.get("forwarded_from")),
            attachments=_attachments(message),
            is_ad=carries_ad_token(*_link_urls(message.get("text"))),
            raw=message,
        )
    ]


def export_author_kind(from_id: Any, *, chat_id: str) -> AuthorKind:
    """`from_id` is "channel<id>", "chat<id>" or "user<id>"; the chat's own id: its own post.

    Telegram Desktop writes a supergroup's or channel's id with a "-100" prefix in the chat's
    `id` only for some versions; both spellings count as the chat itself.
    """
    if not isinstance(from_id, str) or not from_id:
        return AuthorKind.UNKNOWN
    if from_id.startswith("user"):
        return AuthorKind.PERSON
    number = from_id.removeprefix("channel").removeprefix("chat")
    own = chat_id.removeprefix("-100").removeprefix("-")
    return AuthorKind.SOURCE if number == own else AuthorKind.COMMUNITY


def flatten_text(value: Any) -> str:
    """`text` as one string: a list mixes plain strings and `{"type", "text"}` entities."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        raise Rejected(f"text is neither a string nor a list: {type(value).__name__}")
    parts = [part if isinstance(part, str) else _entity_text(part) for part in value]
    return "".join(parts)


def _link_urls(value: Any) -> list[str]:
    """The addresses behind the text's links (`text_link` entities' `href`)."""
    if not isinstance(value, list):
        return []
    return [e["href"] for e in value if isinstance(e, dict) and isinstance(e.get("href"), str)]


def _entity_text(entity: Any) -> str:
    if not isinstance(entity, dict) or not isinstance(entity.get("text"), str):
        raise Rejected(f"malformed text entity: {entity!r}"[:300])
    return str(entity["text"])


def _object(raw: bytes) -> dict[str, Any]:
    value = parse_json(raw)
    if not isinstance(value, dict):
        raise Rejected(f"expected a message object, got {type(value).__name__}")
    return value


def _unix(message: dict[str, Any], key: str) -> datetime:
    value = message.get(key)
    try:
        return datetime.fromtimestamp(int(value), UTC)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError, OSError) as error:
        raise Rejected(f"{key} is not a unix time: {value!r}"[:300]) from error


def _reactions(value: Any) -> int | None:
    if not isinstance(value, list):
        return None
    counts = [r.get("count", 0) for r in value if isinstance(r, dict)]
    if not all(isinstance(count, int) and not isinstance(count, bool) for count in counts):
        raise Rejected("reactions[].count is not a number")
    return sum(counts) or None  # type: ignore[arg-type]


def _attachments(message: dict[str, Any]) -> list[dict[str, Any]]:
    kinds = ("photo", "file", "media_type", "poll", "location_information")
    return [{"type": kind, kind: message[kind]} for kind in kinds if kind in message]


def _str_or_none(value: Any) -> str | None:
    return str(value)[:300] if value not in (None, "") else None


def _chat_id(element: Element, previous: str) -> str:
    ids = _CHAT_ID.findall(element.header)
    return ids[-1] if ids else previous
