"""Training labels from moderators and the versions of the models trained on them."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from models.fields import created_at_field, json_field, utc_field


class TrainingLabel(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    post_id: int | None = Field(default=None, foreign_key="post.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    is_signal: bool = True
    category_code: str | None = Field(default=None, max_length=64)
    topic_code: str | None = Field(default=None, max_length=64)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id")
    origin: str = Field(default="moderator", max_length=32)  # moderator, seed, import
    user_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created_at_field()


class ModelStatus(StrEnum):
    CANDIDATE = "candidate"
    CURRENT = "current"
    RETIRED = "retired"
    REJECTED = "rejected"


class ModelVersion(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    path: str = Field(max_length=1000)  # the artifact directory
    status: str = Field(default=ModelStatus.CANDIDATE, max_length=16, index=True)
    metrics: dict[str, Any] = json_field()
    label_count: int = 0
    parent_id: int | None = Field(default=None, foreign_key="modelversion.id")
    created_at: datetime = created_at_field()
    promoted_at: datetime | None = utc_field()
