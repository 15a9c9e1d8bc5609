"""Console logins: who is signed in, for how long, and the guard every page calls first."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import streamlit as st

from dashboard import resources
from models.clock import now
from models.user import Role
from triage.accounts import Right, active_user, authenticate, has_right
from triage.scope import EVERYWHERE, Scope, user_scope

LOGIN_KEY = "otklik_login"
EXPIRED_KEY = "otklik_login_expired"

ROLE_NAMES = {
    Role.OPERATOR: "оператор ЦУР",
    Role.MODERATOR: "модератор",
    Role.ADMIN: "администратор",
}


@dataclass(frozen=True)
class Login:
    user_id: int
    username: str
    role: str
    started_at: datetime
    scope: Scope = EVERYWHERE  # the user's territory, read again on every page run


def sign_in(*, username: str, password: str) -> Login | None:
    """Check the credentials and start a console session; None when they are wrong."""
    with resources.session() as db:
        user = authenticate(db, username=username, password=password)
    if user is None or user.id is None:
        return None
    login = Login(user_id=user.id, username=user.username, role=user.role, started_at=now())
    st.session_state[LOGIN_KEY] = login
    st.session_state.pop(EXPIRED_KEY, None)
    return login


def sign_out() -> None:
    st.session_state.pop(LOGIN_KEY, None)


def current_login() -> Login | None:
    """The session's login if it has not expired and its user is still active in that role.

    Its `scope` is the user's territory as stored now: a scope change applies at the next click.
    """
    login = st.session_state.get(LOGIN_KEY)
    if not isinstance(login, Login):
        return None
    ttl = timedelta(minutes=resources.settings().session_ttl_minutes)
    if now() - login.started_at > ttl:
        sign_out()
        st.session_state[EXPIRED_KEY] = True
        return None
    with resources.session() as db:
        user = active_user(db, user_id=login.user_id)
        scope = user_scope(db, user_id=login.user_id) if user is not None else EVERYWHERE
    if user is None or user.role != login.role:
        sign_out()
        return None
    return replace(login, scope=scope)


def require(right: Right) -> Login:
    """Stop the page unless a signed-in user whose role grants `right` is looking at it."""
    login = current_login()
    if login is None:
        st.error("Требуется вход в систему.")
        st.stop()
    if not has_right(login.role, right):
        st.error("Нет доступа: у вашей роли нет прав на эту страницу.")
        st.stop()
    return login  # type: ignore[return-value]
