"""Optimistic locking: a write succeeds only if the row still has the version the user saw."""

from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlmodel import Session, SQLModel

from triage.errors import ConflictError, NotFound

Versioned = TypeVar("Versioned", bound=SQLModel)


def load(session: Session, model: type[Versioned], entity_id: int) -> Versioned:
    record = session.get(model, entity_id)
    if record is None:
        raise NotFound(model.__tablename__, entity_id)  # type: ignore[arg-type]
    return record


def claim(session: Session, record: Any, *, expected_version: int) -> None:
    """Bump `record.version` in the database only if it is still `expected_version`.

    Runs before the record's other changes are flushed, so on PostgreSQL it takes the row
    lock first; a second writer waits, then finds the version moved and gets a conflict.
    """
    model = type(record)
    name = model.__tablename__
    if record.version != expected_version:
        raise ConflictError(name, record.id, expected_version, record.version)
    result = session.execute(
        update(model)
        .where(model.id == record.id, model.version == expected_version)
        .values(version=expected_version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        actual = session.execute(select(model.version).where(model.id == record.id)).scalar()
        raise ConflictError(name, record.id, expected_version, actual if actual else -1)
    record.version = expected_version + 1
