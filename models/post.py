"""Posts (signals): what the crawlers collected, with the raw payload they came from."""

import math
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import field_validator
from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.fields import json_field, utc_field

# A post's text after its author's personal data were erased (152-ФЗ, `otklik.privacy`).
ERASED_TEXT = "[удалено по запросу субъекта персональных данных]"


class PostKind(StrEnum):
    POST = "post"
    COMMENT = "comment"
    MESSAGE = "message"  # a Telegram channel or chat message
    APPEAL = "appeal"  # a row of an imported appeals table


class AuthorKind(StrEnum):
    """Who wrote an item, relative to the page or channel it was published on."""

    SOURCE = "source"  # the page or channel itself (its own post, its official reply)
    COMMUNITY = "community"  # another community, channel or official account
    PERSON = "person"
    UNKNOWN = "unknown"  # treated as a person (a resident)


class ThreadPosition(StrEnum):
    POST = "post"  # a wall post or a channel message
    COMMENT = "comment"  # under a post
    REPLY = "reply"  # under a comment (or a reply to another message in a chat)


class PipelineStage(StrEnum):
    """How far a post has travelled: each stage job moves it one step, exactly once."""

    INGESTED = "ingested"
    ANNOTATED = "annotated"
    TRIAGED = "triaged"


class ReviewStatus(StrEnum):
    PENDING = "pending"  # not triaged yet
    AUTO_ACCEPTED = "auto_accepted"
    NEEDS_REVIEW = "needs_review"
    CONFIRMED = "confirmed"
    CORRECTED = "corrected"
    NOT_SIGNAL = "not_signal"  # kept and searchable, never deleted


MAX_TEXT_CHARS = 100_000
# What a stored post may carry: both databases take it, whatever the vendor sent.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
MAX_COUNT = 2**31 - 1  # counts are INTEGER columns
MAX_JSON_DEPTH = 64


class PostBase(SQLModel):
    external_id: str = Field(max_length=200)
    kind: str = Field(default=PostKind.POST, max_length=16)
    url: str | None = Field(default=None, max_length=2000)
    author_id: str | None = Field(default=None, max_length=64)
    signer_id: str | None = Field(default=None, max_length=64)
    # comment -> its post; reply -> the comment (or message) it answers
    parent_external_id: str | None = Field(default=None, max_length=200)
    author_kind: str = Field(default=AuthorKind.UNKNOWN, max_length=16)
    thread_position: str = Field(default=ThreadPosition.POST, max_length=16)
    published_at: datetime = utc_field(nullable=False, index=True)
    edited_at: datetime | None = utc_field()
    # Display text: markup made readable ("[club1|Администрация]" -> "Администрация").
    text: str = Field(sa_column=Column(Text, nullable=False))
    # The text exactly as the source gave it.
    text_original: str = Field(sa_column=Column(Text, nullable=False))
    views: int | None = None
    likes: int | None = None
    reposts: int | None = None
    comments: int | None = None
    reactions: int | None = None
    is_ad: bool = False
    forwarded_from: str | None = Field(default=None, max_length=300)
    repost_of: str | None = Field(default=None, max_length=200)
    attachments: list[dict[str, Any]] = json_field(default_factory=list)
    geo: dict[str, Any] | None = json_field(default_factory=lambda: None, nullable=True)
    raw: dict[str, Any] = json_field()  # the vendor payload, purged after the retention period


class PostCreate(PostBase):
    """What a source adapter hands to the store: already in Otklik's own terms."""

    @field_validator("text", "text_original")
    @classmethod
    def _text_fits(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("text contains NUL bytes")
        if len(value) > MAX_TEXT_CHARS:
            raise ValueError(f"text has {len(value)} characters, more than {MAX_TEXT_CHARS}")
        value.encode("utf-8")  # refuses lone surrogates
        return value

    @field_validator("published_at", "edited_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        if not EARLIEST <= value < LATEST:
            raise ValueError(f"{value.isoformat()} is outside {EARLIEST.year}–{LATEST.year}")
        return value

    @field_validator(
        "external_id", "kind", "url", "author_id", "signer_id", "parent_external_id",
        "forwarded_from", "repost_of",
    )  # fmt: skip
    @classmethod
    def _storable_string(cls, value: str | None) -> str | None:
        if value is not None:
            check_storable_string(value)
        return value

    @field_validator("views", "likes", "reposts", "comments", "reactions")
    @classmethod
    def _count_fits(cls, value: int | None) -> int | None:
        if value is not None and not 0 <= value <= MAX_COUNT:
            raise ValueError(f"count {value} is outside 0–{MAX_COUNT}")
        return value

    @field_validator("attachments", "geo", "raw")
    @classmethod
    def _storable_json(cls, value: Any) -> Any:
        check_storable_json(value)
        return value


def check_storable_string(value: str) -> None:
    """Refuse what a database column cannot hold: NUL characters, lone surrogates."""
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(f"not valid Unicode: {error.reason}") from error


def check_storable_json(value: Any, depth: int = 0) -> None:
    """Refuse JSON that JSONB or SQLite's JSON would refuse, or that nests absurdly deep."""
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(value, str):
        check_storable_string(value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"JSON number {value} is not finite")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_storable_string(str(key))
            check_storable_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_storable_json(item, depth + 1)


class Post(PostBase, table=True):
    __table_args__ = (
        UniqueConstraint("source_id", "external_id", name="uq_post_source_external"),
        Index("uq_post_network_key", "network_key", unique=True),
        Index("ix_post_review_queue", "review_status", "priority"),
        Index("ix_post_stage", "stage"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    fetched_at: datetime = utc_field(nullable=False, default_now=True)
    stage: str = Field(default=PipelineStage.INGESTED, max_length=16)
    review_status: str = Field(default=ReviewStatus.PENDING, max_length=16)
    priority: float = 0.0
    # Lemmatised text: what SQLite's FTS5 index searches (PostgreSQL stems `text` itself).
    search_lemmas: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # The item's identity on its network ("vk:-1_25", "tg:channel:7"): one stored post however
    # many sources reach it (`models.post_store`); None where a source has no such identity.
    network_key: str | None = Field(default=None, max_length=300)
    # An authority's official reply: the resident's post it publicly answers.
    answer_to_post_id: int | None = Field(default=None, foreign_key="post.id", index=True)
    version: int = 1  # optimistic lock: every write checks and bumps it


class PostPublic(PostBase):
    id: int
    source_id: int
    fetched_at: datetime
    stage: str
    review_status: str
    priority: float
    answer_to_post_id: int | None = None
    version: int


class PostSighting(SQLModel, table=True):
    """A source that saw a post: the one that stored it and every other that reached it."""

    post_id: int = Field(foreign_key="post.id", primary_key=True)
    source_id: int = Field(foreign_key="source.id", primary_key=True, index=True)
    external_id: str = Field(max_length=200)  # the id under that source
    seen_at: datetime = utc_field(nullable=False, default_now=True)
