"""What the model (or a person) decided about a post."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, select
from sqlmodel import Field, Session, SQLModel

from models.fields import created_at_field, json_field


class SetBy(StrEnum):
    MODEL = "model"
    PERSON = "person"


class PostContext(SQLModel):
    """What is known of a text besides its words: who wrote it, where it sits, on whose page.

    `author_is_source`: the page or channel itself wrote it (None: not known, read as a
    resident's). `parent_text`: the post or comment it answers, when fetched;
    `parent_missing`: it answers one that was never fetched (an orphan reply). `is_ad`: the
    network itself marked it as an advert.
    """

    position: str = "post"  # post, comment or reply (models.post.ThreadPosition)
    author_is_source: bool | None = None
    author_is_community: bool = False  # another community or official account
    source_role: str | None = None  # authority, residents, media (models.source.SourceRole)
    parent_text: str | None = None
    parent_missing: bool = False
    is_ad: bool = False  # the network marked it as an advert (VK `marked_as_ads`)


class PostAnnotation(SQLModel):
    """NLP output for one text, before it is stored: the record `nlp/` returns."""

    is_signal: bool
    signal_confidence: float
    category_code: str | None = None
    category_confidence: float = 0.0
    topic_code: str | None = None
    topic_confidence: float = 0.0
    municipality_id: int | None = None
    municipality_confidence: float = 0.0
    municipality_span: str | None = None
    address_key: str | None = None  # «коммунистический 44»; several joined by "; "
    reasons: dict[str, Any] = Field(default_factory=dict)  # matched cues, for highlighting


class Annotation(SQLModel, table=True):
    """One labelling of a post. The newest row with `is_current` is the one in force."""

    __table_args__ = (Index("ix_annotation_post_current", "post_id", "is_current"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id")
    is_signal: bool = True
    signal_confidence: float = 1.0
    category_code: str | None = Field(default=None, max_length=64, index=True)
    category_confidence: float = 0.0
    topic_code: str | None = Field(default=None, max_length=64, index=True)
    topic_confidence: float = 0.0
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", index=True)
    municipality_confidence: float = 0.0
    municipality_span: str | None = Field(default=None, max_length=300)
    # The normalised addresses in the text (`nlp.address`): street lemmas and house, "; "-joined.
    # With `municipality_id` it is the place key grouping compares.
    address_key: str | None = Field(default=None, max_length=300)
    reasons: dict[str, Any] = json_field()
    model_version_id: int | None = Field(default=None, foreign_key="modelversion.id")
    set_by: str = Field(default=SetBy.MODEL, max_length=16)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    is_current: bool = True
    created_at: datetime = created_at_field()


def current_annotation(session: Session, *, post_id: int) -> Annotation | None:
    """The post's current annotation (the newest, should two be marked current)."""
    return session.execute(
        select(Annotation)
        .where(Annotation.post_id == post_id, Annotation.is_current.is_(True))  # type: ignore[attr-defined]
        .order_by(Annotation.id.desc())  # type: ignore[union-attr]
        .limit(1)
    ).scalar_one_or_none()
