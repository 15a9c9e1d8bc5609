"""Growing delays after failed logins, per login name and per network address; audited.

A few mistakes cost nothing; after that each further failure doubles the wait before the
next attempt is even checked, up to `MAX_DELAY`. Failures older than `WINDOW` are forgotten.
An address gets more free failures than a name: many operators may share one office NAT.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from models.clock import now
from models.login import LoginFailure
from models.user import User
from triage.accounts import authenticate, get_user
from triage.audit import record_event

WINDOW = timedelta(minutes=15)
FREE_FAILURES_PER_USER = 3
FREE_FAILURES_PER_ADDRESS = 10
MAX_DELAY = timedelta(minutes=5)


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    retry_after_seconds: int = 0  # > 0: refused unchecked, too many recent failures


def delay_after(failures: int, *, free: int) -> timedelta:
    """The wait after `failures` recent failures: none while free, then 1 s, 2 s, 4 s…"""
    if failures < free:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failures - free)), MAX_DELAY)


def retry_after(session: Session, *, username: str, address: str, at: datetime) -> int:
    """Seconds until `username` from `address` may try again (0: now)."""
    since = at - WINDOW
    waits = []
    for column, value, free in (
        (LoginFailure.username, username, FREE_FAILURES_PER_USER),
        (LoginFailure.address, address, FREE_FAILURES_PER_ADDRESS),
    ):
        count, last = session.exec(
            select(func.count(), func.max(LoginFailure.at)).where(
                column == value, LoginFailure.at > since
            )
        ).one()
        if last is not None:
            waits.append((last + delay_after(int(count), free=free) - at).total_seconds())
    return max(0, int(max(waits, default=0) + 0.999))


def attempt_login(session: Session, *, username: str, password: str, address: str) -> LoginOutcome:
    """Check the credentials unless the name or the address must wait; failures recorded."""
    username = username.strip()[:100]
    address = address[:64]
    wait = retry_after(session, username=username, address=address, at=now())
    if wait > 0:
        return LoginOutcome(None, retry_after_seconds=wait)
    user = authenticate(session, username=username, password=password)
    if user is None:
        _record_failure(session, username=username, address=address)
    return LoginOutcome(user)


def _record_failure(session: Session, *, username: str, address: str) -> None:
    known = get_user(session, username=username)
    session.add(LoginFailure(username=username, address=address, at=now()))
    record_event(
        session,
        actor="anonymous",
        user_id=None,
        entity_type="user",
        entity_id=(known.id or 0) if known else 0,
        action="login_failed",
        before=None,
        after={"username": username, "address": address},
    )
    session.commit()
