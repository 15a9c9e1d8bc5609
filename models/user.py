"""Console users and their roles."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.fields import created_at_field, utc_field


class Role(StrEnum):
    OPERATOR = "operator"
    MODERATOR = "moderator"
    ADMIN = "admin"


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, unique=True)
    password_hash: str = Field(max_length=300)  # argon2id, never the password
    role: str = Field(default=Role.OPERATOR, max_length=16)
    active: bool = True
    created_at: datetime = created_at_field()
    last_login_at: datetime | None = utc_field()
    email: str | None = Field(default=None, max_length=300)  # where notifications go


class UserMunicipality(SQLModel, table=True):
    """A municipality a user is scoped to; a user with none is regional and sees everything."""

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", primary_key=True)
