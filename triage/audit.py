"""The one way to write the append-only audit log."""

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlmodel import Session, SQLModel

from models.audit import AuditEvent


def record_event(
    session: Session,
    *,
    actor: str,
    user_id: int | None,
    entity_type: str,
    entity_id: int,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEvent:
    """Add one audit event to the session (the caller commits with the change itself)."""
    event = AuditEvent(
        actor=actor,
        user_id=user_id,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        before=_jsonable(before),
        after=_jsonable(after),
    )
    session.add(event)
    return event


def snapshot(record: SQLModel, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named fields of a record, as JSON-ready values for `before`/`after`."""
    return {name: _value(getattr(record, name)) for name in fields}


def _jsonable(values: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if values is None else {key: _value(value) for key, value in values.items()}


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    return value
