"""Console logins kept by the server: open sessions (hashed tokens) and failed attempts."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.fields import created_at_field, utc_field


class ConsoleSession(SQLModel, table=True):
    """One signed-in browser: only the SHA-256 of its cookie token is stored."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = created_at_field()
    expires_at: datetime = utc_field(nullable=False)
    revoked_at: datetime | None = utc_field()


class LoginFailure(SQLModel, table=True):
    """A wrong password or unknown login: the input to the growing delays."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_field(nullable=False, index=True, default_now=True)
    username: str = Field(max_length=100, index=True)
    address: str = Field(max_length=64, index=True)
