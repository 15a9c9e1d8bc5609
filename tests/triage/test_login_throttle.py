"""Failed logins: growing delays per login name and per address, each failure audited."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models.audit import AuditEvent
from models.clock import frozen_at, now
from models.user import Role
from triage.accounts import create_user
from triage.login_throttle import (
    FREE_FAILURES_PER_ADDRESS,
    FREE_FAILURES_PER_USER,
    MAX_DELAY,
    WINDOW,
    attempt_login,
    delay_after,
)

PASSWORD = "пароль-для-тестов"


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (2, 0), (3, 1), (4, 2), (5, 4), (8, 32), (30, MAX_DELAY.total_seconds())],
)
def test_the_delay_doubles_after_the_free_failures(failures: int, seconds: float) -> None:
    assert delay_after(failures, free=3).total_seconds() == seconds


def test_a_name_waits_longer_after_each_failure_even_with_the_right_password(
    session: Session,
) -> None:
    create_user(session, username="admin", password=PASSWORD, role=Role.ADMIN)
    start = now()
    with frozen_at(start):
        for _ in range(FREE_FAILURES_PER_USER):
            assert (
                attempt_login(session, username="admin", password="x", address="10.0.0.1").user
                is None
            )
        refused = attempt_login(session, username="admin", password=PASSWORD, address="10.0.0.2")
    assert refused.user is None and refused.retry_after_seconds == 1
    with frozen_at(start + timedelta(seconds=2)):
        assert (
            attempt_login(session, username="admin", password="x", address="10.0.0.3").user is None
        )
        again = attempt_login(session, username="admin", password=PASSWORD, address="10.0.0.3")
    assert again.retry_after_seconds == 2  # one more failure: twice the wait
    with frozen_at(start + timedelta(seconds=5)):
        accepted = attempt_login(session, username="admin", password=PASSWORD, address="10.0.0.3")
    assert accepted.user is not None and accepted.user.username == "admin"

    events = session.exec(select(AuditEvent).where(AuditEvent.action == "login_failed")).all()
    assert len(events) == FREE_FAILURES_PER_USER + 1
    assert {e.after["address"] for e in events if e.after} == {"10.0.0.1", "10.0.0.3"}
    assert all(e.after and e.after["username"] == "admin" for e in events)


def test_an_address_trying_many_names_is_slowed_down(session: Session) -> None:
    create_user(session, username="admin", password=PASSWORD, role=Role.ADMIN)
    start = now()
    with frozen_at(start):
        for number in range(FREE_FAILURES_PER_ADDRESS):
            attempt_login(session, username=f"guess{number}", password="x", address="10.9.9.9")
        blocked = attempt_login(session, username="admin", password=PASSWORD, address="10.9.9.9")
        elsewhere = attempt_login(session, username="admin", password=PASSWORD, address="10.1.1.1")
    assert blocked.user is None and blocked.retry_after_seconds > 0
    assert elsewhere.user is not None  # the name itself did nothing wrong
    with frozen_at(start + WINDOW + timedelta(seconds=1)):  # old failures are forgotten
        later = attempt_login(session, username="admin", password=PASSWORD, address="10.9.9.9")
    assert later.user is not None
