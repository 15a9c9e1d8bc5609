"""Administering console users: roles, switching off and on, audited; the region always keeps
an active admin, even when two admins demote each other at the same moment."""

import threading

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from models.audit import AuditEvent
from models.user import User
from triage.accounts import (
    AccountError,
    LastAdmin,
    change_role,
    create_user,
    deactivate_user,
    set_active,
)

PASSWORD = "пароль-для-тестов"


def _users(session: Session, *names_and_roles: tuple[str, str]) -> dict[str, int]:
    made = {}
    for name, role in names_and_roles:
        made[name] = create_user(session, username=name, password=PASSWORD, role=role).id or 0
    return made


def _audit(session: Session, user_id: int) -> list[tuple[str, str, object, object]]:
    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "user", AuditEvent.entity_id == user_id)
        .order_by(col(AuditEvent.id))
    )
    return [(e.actor, e.action, e.before, (e.after or {}).get("role")) for e in events]


def test_role_and_state_changes_are_audited(session: Session) -> None:
    ids = _users(session, ("anna", "admin"), ("boris", "operator"))
    change_role(session, user_id=ids["boris"], role="moderator", actor="anna")
    set_active(session, user_id=ids["boris"], active=False, actor="anna")
    set_active(session, user_id=ids["boris"], active=False, actor="anna")  # no change: no event
    set_active(session, user_id=ids["boris"], active=True, actor="anna")
    session.commit()
    assert _audit(session, ids["boris"])[1:] == [
        ("anna", "change_role", {"role": "operator"}, "moderator"),
        ("anna", "deactivate", {"active": True}, "moderator"),
        ("anna", "reactivate", {"active": False}, "moderator"),
    ]
    with pytest.raises(AccountError, match="unknown role"):
        change_role(session, user_id=ids["boris"], role="superuser", actor="anna")


def test_the_last_active_admin_stays(session: Session) -> None:
    ids = _users(session, ("anna", "admin"), ("boris", "admin"), ("vera", "operator"))
    set_active(session, user_id=ids["boris"], active=False, actor="anna")
    session.commit()
    with pytest.raises(LastAdmin):
        change_role(session, user_id=ids["anna"], role="operator", actor="anna")
    session.rollback()
    with pytest.raises(LastAdmin):
        deactivate_user(session, username="anna", actor="anna")
    session.rollback()
    # a switched-off admin does not count, and may be demoted; a new admin lets anna go
    change_role(session, user_id=ids["boris"], role="operator", actor="anna")
    change_role(session, user_id=ids["vera"], role="admin", actor="anna")
    change_role(session, user_id=ids["anna"], role="moderator", actor="vera")
    session.commit()
    roles = {u.username: (u.role, u.active) for u in session.exec(select(User))}
    assert roles == {
        "anna": ("moderator", True),
        "boris": ("operator", False),
        "vera": ("admin", True),
    }


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_admins_demoting_each_other_at_once_leave_one(engine: Engine) -> None:
    with Session(engine) as session:
        ids = _users(session, ("anna", "admin"), ("boris", "admin"))
    first = Session(engine)
    change_role(first, user_id=ids["anna"], role="operator", actor="boris")  # holds the locks
    outcome: list[BaseException | None] = []

    def second() -> None:
        with Session(engine) as other:
            try:
                change_role(other, user_id=ids["boris"], role="operator", actor="anna")
                other.commit()
                outcome.append(None)
            except LastAdmin as error:
                outcome.append(error)

    waiting = threading.Thread(target=second)
    waiting.start()
    waiting.join(timeout=1.0)
    assert waiting.is_alive()  # blocked on the first one's locks, not racing past them
    first.commit()
    first.close()
    waiting.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], LastAdmin)
    with Session(engine) as session:
        admins = session.exec(select(User.username).where(User.role == "admin")).all()
    assert admins == ["boris"]
