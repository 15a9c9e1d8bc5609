"""Console sessions: a token opens a session until it expires, is revoked or its user goes."""

from datetime import timedelta

from sqlmodel import Session, select

from models.clock import frozen_at, now
from models.login import ConsoleSession
from models.user import Role
from triage.accounts import create_user, deactivate_user
from triage.console_sessions import open_session, revoke_session, session_user, token_hash

TTL = timedelta(hours=8)


def _user(session: Session, name: str = "operator") -> int:
    user = create_user(session, username=name, password="пароль-для-тестов", role=Role.OPERATOR)
    assert user.id is not None
    return user.id


def test_a_token_finds_its_user_and_only_its_hash_is_stored(session: Session) -> None:
    user_id = _user(session)
    token = open_session(session, user_id=user_id, ttl=TTL)
    found = session_user(session, token=token)
    assert found is not None and found[0].username == "operator"
    stored = session.exec(select(ConsoleSession)).one()
    assert stored.token_hash == token_hash(token) != token
    assert session_user(session, token=token + "x") is None
    assert session_user(session, token="") is None


def test_sessions_end_on_expiry_revocation_and_deactivation(session: Session) -> None:
    expiring = open_session(session, user_id=_user(session, "a"), ttl=TTL)
    with frozen_at(now() + TTL + timedelta(seconds=1)):
        assert session_user(session, token=expiring) is None
    assert session_user(session, token=expiring) is not None

    revoked = open_session(session, user_id=_user(session, "b"), ttl=TTL)
    other = open_session(session, user_id=_user(session, "c"), ttl=TTL)
    revoke_session(session, token=revoked)
    assert session_user(session, token=revoked) is None
    assert session_user(session, token=other) is not None  # one logout ends one session

    deactivate_user(session, username="c")
    assert session_user(session, token=other) is None
