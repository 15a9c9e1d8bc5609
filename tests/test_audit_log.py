import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session

from models.audit import AuditEvent


def test_the_audit_log_refuses_updates_and_deletes(session: Session) -> None:
    session.add(AuditEvent(actor="system", entity_type="report", entity_id=1, action="create"))
    session.commit()

    with pytest.raises(DatabaseError, match="append-only"):
        session.execute(update(AuditEvent).values(actor="someone else"))
    session.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        session.execute(delete(AuditEvent))
    session.rollback()
    assert session.get(AuditEvent, 1) is not None
