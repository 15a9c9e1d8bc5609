"""Answers published back under residents' posts: one row per (post, report, answer revision).

The row is written (status `pending`) before anything is sent, so a crash between posting
and recording leaves a trace the next attempt checks the network against. `maybe_sent` is
set before each send and cleared only when the outcome is known: an attempt that finds it
set and no comment of ours on the network cannot tell "never sent" from "sent, then
deleted", so it stops in `needs_decision` for a person instead of posting again.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.fields import created_at_field, utc_field


class PublicationStatus(StrEnum):
    PENDING = "pending"  # recorded, not sent yet (or sent and not yet confirmed)
    PUBLISHED = "published"
    RETRYING = "retrying"  # a network or server error: retried with backoff
    CAPTCHA = "captcha"  # VK asks for a captcha: retried with backoff
    FLOOD_CONTROL = "flood_control"  # VK flood control / Telegram FloodWait: retried
    COMMENTS_CLOSED = "comments_closed"  # the post takes no comments: not retried
    NOT_SUPPORTED = "not_supported"  # the post's network cannot take answers (CSV, manual...)
    NO_CREDENTIALS = "no_credentials"  # no token/session to write with: not retried
    FAILED = "failed"  # refused for another reason: not retried
    SUPERSEDED = "superseded"  # the answer changed or the report was reopened before sending
    # An interrupted attempt may have posted it, and the network shows no comment of ours:
    # never sent, or sent and deleted. Not retried; a person publishes it anyway (or not).
    NEEDS_DECISION = "needs_decision"


RETRIED = frozenset(
    {PublicationStatus.RETRYING, PublicationStatus.CAPTCHA, PublicationStatus.FLOOD_CONTROL}
)
OPEN = frozenset({PublicationStatus.PENDING, *RETRIED})
CLAIM_SECONDS = 300  # longer than any one attempt (Telethon sleeps short flood waits itself)


class Publication(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint(
            "post_id", "report_id", "answer_revision", name="uq_publication_post_answer"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    post_id: int = Field(foreign_key="post.id")
    answer_revision: int
    message: str = Field(sa_column=Column(Text, nullable=False))  # exactly what is sent
    marker: str = Field(max_length=100)  # the part of `message` that identifies it
    network: str = Field(max_length=16)  # vk, telegram, or none
    status: str = Field(default=PublicationStatus.PENDING, max_length=24)
    detail: str | None = Field(default=None, max_length=1000)
    external_id: str | None = Field(default=None, max_length=200)  # the comment / message id
    url: str | None = Field(default=None, max_length=2000)
    attempts: int = 0
    # Set before a send, cleared when its outcome is known: still set, an earlier attempt
    # died or lost its connection while sending, and may have posted.
    maybe_sent: bool = False
    # Set while an attempt talks to the network (a lease): no other attempt starts before it
    # ends or, after a crash, before `CLAIM_SECONDS` have passed.
    claimed_at: datetime | None = utc_field()
    requested_by: str = Field(max_length=100)
    requested_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    published_at: datetime | None = utc_field()


@dataclass(frozen=True)
class ReplyTarget:
    """Where an answer goes: the post as its network knows it (what a publisher needs)."""

    source_kind: str
    source_target: str
    post_kind: str
    external_id: str
    parent_external_id: str | None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PublishedReply:
    external_id: str
    url: str | None = None


class PublishRefused(Exception):
    """A network refused (or cannot take) the answer; `status` says how, `message` why.

    `maybe_sent`: the connection failed after the answer went out (a timeout waiting for the
    reply, a dropped connection), so the network may have taken it after all."""

    def __init__(self, status: PublicationStatus, message: str, *, maybe_sent: bool = False):
        super().__init__(message)
        self.status = status
        self.message = message
        self.maybe_sent = maybe_sent

    @property
    def retried(self) -> bool:
        return self.status in RETRIED
