"""Named leases in the database: "only one at a time" without Redis (the embedded default)."""

from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel

from models.clock import now
from models.fields import utc_field


class Lease(SQLModel, table=True):
    """Held by `holder` until `expires_at`; an expired lease may be taken over."""

    name: str = Field(primary_key=True, max_length=200)
    holder: str = Field(max_length=200)
    expires_at: datetime = utc_field(nullable=False)


def acquire_lease(session: Session, *, name: str, holder: str, ttl_seconds: int) -> bool:
    """Take the lease if it is free or expired; commits. False: someone else holds it."""
    moment = now()
    expires_at = moment + timedelta(seconds=ttl_seconds)
    insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    created = session.execute(
        insert(Lease)
        .values(name=name, holder=holder, expires_at=expires_at)
        .on_conflict_do_nothing(index_elements=["name"])
        .returning(Lease.name)  # type: ignore[arg-type]
    )
    taken = created.first() is not None
    if not taken:
        taken_over = session.execute(
            update(Lease)
            .where(Lease.name == name, Lease.expires_at < moment)  # type: ignore[arg-type]
            .values(holder=holder, expires_at=expires_at)
            .returning(Lease.name)  # type: ignore[arg-type]
        )
        taken = taken_over.first() is not None
    session.commit()
    return taken


def release_lease(session: Session, *, name: str, holder: str) -> None:
    """Give the lease back if `holder` still holds it; commits."""
    session.execute(
        delete(Lease).where(Lease.name == name, Lease.holder == holder)  # type: ignore[arg-type]
    )
    session.commit()


def _dialect(session: Session) -> str:
    bind = session.get_bind()
    return bind.dialect.name if isinstance(bind, Engine) else bind.engine.dialect.name
