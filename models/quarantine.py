"""Rejected input, kept byte for byte with the reason it was refused."""

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, Session, SQLModel

from models.fields import created_at_field
from models.types import BinaryType


class QuarantineRecord(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    stage: str = Field(max_length=16, index=True)  # ingest, nlp, triage
    source_id: int | None = Field(default=None, foreign_key="source.id", index=True)
    post_id: int | None = Field(default=None, foreign_key="post.id")
    origin: str | None = Field(default=None, max_length=1000)  # file:line, URL, job id
    reason: str = Field(max_length=1000)
    detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # traceback
    raw: bytes = Field(sa_column=Column(BinaryType, nullable=False))
    created_at: datetime = created_at_field()
    resolved: bool = False


def quarantine(
    session: Session,
    *,
    stage: str,
    reason: str,
    raw: bytes | str,
    source_id: int | None = None,
    post_id: int | None = None,
    origin: str | None = None,
    detail: str | None = None,
) -> QuarantineRecord:
    """Keep rejected input with the reason it was refused; the caller commits."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", errors="surrogatepass")
    record = QuarantineRecord(
        stage=stage,
        reason=reason[:1000],
        raw=raw,
        source_id=source_id,
        post_id=post_id,
        origin=origin[:1000] if origin else None,
        detail=detail,
    )
    session.add(record)
    return record
