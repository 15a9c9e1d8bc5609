"""HTTP API tokens: one agency each, stored as a SHA-256 digest, never in clear."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.fields import created_at_field, utc_field


class ApiToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    # SHA-256 of the token: tokens are 256 random bits, so a fast digest is safe to store.
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)  # the first characters, to tell tokens apart
    label: str | None = Field(default=None, max_length=200)
    created_by: str = Field(default="system", max_length=100)
    created_at: datetime = created_at_field()
    revoked_at: datetime | None = utc_field()
