"""Console sessions: a random token in the browser's cookie, only its hash on the server.

The token is 256 random bits: unguessable, so it needs no signature; the server decides
whether it is valid (not expired, not revoked, its user active), so logout and
deactivation end it at once.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlmodel import Session, col, select

from models.clock import now
from models.login import ConsoleSession
from models.user import User


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, *, user_id: int, ttl: timedelta) -> str:
    """Start a session for `user_id` valid for `ttl`; the token for the cookie. Commits."""
    token = secrets.token_urlsafe(32)
    started = now()
    session.add(
        ConsoleSession(
            token_hash=token_hash(token),
            user_id=user_id,
            created_at=started,
            expires_at=started + ttl,
        )
    )
    session.commit()
    return token


def session_user(session: Session, *, token: str) -> tuple[User, ConsoleSession] | None:
    """The active user of a live (not expired, not revoked) session, with the session."""
    if not token:
        return None
    row = session.exec(
        select(User, ConsoleSession)
        .join(ConsoleSession, col(ConsoleSession.user_id) == col(User.id))
        .where(ConsoleSession.token_hash == token_hash(token))
    ).first()
    if row is None:
        return None
    user, console_session = row
    if console_session.revoked_at is not None or console_session.expires_at <= now():
        return None
    return (user, console_session) if user.active else None


def revoke_session(session: Session, *, token: str) -> None:
    """End a session (logout); an unknown token is ignored. Commits."""
    console_session = session.exec(
        select(ConsoleSession).where(ConsoleSession.token_hash == token_hash(token))
    ).first()
    if console_session is None or console_session.revoked_at is not None:
        return
    console_session.revoked_at = now()
    session.add(console_session)
    session.commit()
