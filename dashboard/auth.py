"""Console logins: who is signed in, the session cookie, and the guards pages and actions call.

A browser keeps only a random session token in a cookie (never the password); the server
keeps its hash with an expiry (triage.console_sessions). Every run and every action looks
the token up again, so logout, expiry and deactivation take effect at the next click.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

import streamlit as st
from sqlmodel import Session

from dashboard import resources
from models.clock import now
from models.user import Role
from triage.accounts import Right, has_right
from triage.console_sessions import open_session, revoke_session, session_user
from triage.login_throttle import attempt_login
from triage.scope import EVERYWHERE, Scope, require_regional, user_scope

LOGIN_KEY = "otklik_login"
EXPIRED_KEY = "otklik_login_expired"
COOKIE_KEY = "otklik_cookie"  # the cookie to write on the next run: a token, or "" to erase
SIGNED_OUT_KEY = "otklik_signed_out"  # this tab signed out: ignore the cookie it came with
NOTICE_KEY = "otklik_notice"  # why an action was refused, said on the next run
COOKIE = "otklik_session"
REGION_WIDE = (
    "Это настройки всего региона: менять их может только сотрудник без ограничения "
    "территорией, а доступ вашей учётной записи ограничен муниципалитетами."
)
USERS_REGION_ONLY = (
    "Управлять пользователями может только администратор всего региона: "
    "у вашей учётной записи доступ ограничен территорией."
)
NO_RIGHTS = "Нет доступа: у вашей роли нет прав на эту страницу."
Result = TypeVar("Result")

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
    token: str
    expires_at: datetime
    scope: Scope = EVERYWHERE  # the user's territory, read again on every page run


def client_address() -> str:
    """The browser's address as the server sees it ("local" for this machine)."""
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "local"


def _cookie_token() -> str:
    """The session token the browser sent with this tab's connection ("" for none)."""
    token = st.context.cookies.get(COOKIE)
    return token if isinstance(token, str) else ""  # AppTest has no real browser context


def sign_in(*, username: str, password: str) -> Login | str:
    """Check the credentials and start a session; a Russian refusal when they fail."""
    with resources.session() as db:
        outcome = attempt_login(db, username=username, password=password, address=client_address())
        user = outcome.user
        if outcome.retry_after_seconds:
            return (
                "Слишком много неудачных попыток входа. "
                f"Повторите через {outcome.retry_after_seconds} с."
            )
        if user is None or user.id is None:
            return "Неверный логин или пароль."
        ttl = timedelta(minutes=resources.settings().session_ttl_minutes)
        token = open_session(db, user_id=user.id, ttl=ttl)
        found = session_user(db, token=token)
    assert found is not None
    _, console_session = found
    # nothing typed or chosen by the previous user of this tab survives
    st.session_state.clear()
    login = Login(user.id, user.username, user.role, token, console_session.expires_at)
    st.session_state[LOGIN_KEY] = login
    st.session_state[COOKIE_KEY] = token
    return login


def sign_out() -> None:
    """End the session on the server, forget everything this tab held, erase the cookie."""
    login = st.session_state.get(LOGIN_KEY)
    if isinstance(login, Login):
        with resources.session() as db:
            revoke_session(db, token=login.token)
    _forget()


def _forget(*, expired: bool = False) -> None:
    st.session_state.clear()
    st.session_state[COOKIE_KEY] = ""
    st.session_state[SIGNED_OUT_KEY] = True
    if expired:
        st.session_state[EXPIRED_KEY] = True


def current_login() -> Login | None:
    """The tab's login if its session is live and its user still active in that role.

    Its `scope` is the user's territory as stored now: a scope change applies at the next click.
    """
    login = st.session_state.get(LOGIN_KEY)
    if isinstance(login, Login):
        token = login.token
    elif not st.session_state.get(SIGNED_OUT_KEY):
        token = _cookie_token()
    else:
        token = ""
    if not token:
        return None
    with resources.session() as db:
        found = session_user(db, token=token)
        scope = user_scope(db, user_id=found[0].id or 0) if found is not None else EVERYWHERE
    if found is None or (isinstance(login, Login) and found[0].role != login.role):
        if isinstance(login, Login):
            _forget(expired=True)
        return None
    user, console_session = found
    if not isinstance(login, Login):
        login = Login(user.id or 0, user.username, user.role, token, console_session.expires_at)
        st.session_state[LOGIN_KEY] = login
    return replace(login, scope=scope)


def write_cookie() -> None:
    """Set or erase the session cookie in the browser (once, after a sign-in or sign-out)."""
    token = st.session_state.pop(COOKIE_KEY, None)
    if token is None:
        return
    login = st.session_state.get(LOGIN_KEY)
    max_age = int((login.expires_at - now()).total_seconds()) if login and token else 0
    cookie = json.dumps(f"{COOKIE}={token}; Path=/; Max-Age={max(max_age, 0)}; SameSite=Strict")
    st.html(
        "<script>document.cookie = "
        f"{cookie} + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
    )


def require(right: Right) -> Login:
    """Stop the page unless a signed-in user whose role grants `right` is looking at it."""
    login = current_login()
    if login is None:
        st.error("Требуется вход в систему.")
        st.stop()
    if not has_right(login.role, right):
        st.error(NO_RIGHTS)
        st.stop()
    return login  # type: ignore[return-value]


def allowed(right: Right | None) -> Login | None:
    """For action callbacks, before they act: the live login if it may do this, else None
    (and the reason is kept for the page to say)."""
    login = current_login()
    if login is None:
        st.session_state[NOTICE_KEY] = "Сессия завершена: войдите снова, действие не выполнено."
        return None
    if right is not None and not has_right(login.role, right):
        st.session_state[NOTICE_KEY] = "Нет прав на это действие: оно не выполнено."
        return None
    return login


def show_notice() -> None:
    if notice := st.session_state.pop(NOTICE_KEY, None):
        st.error(notice)


def regional(action: Callable[[Session], Result], *, setting: str) -> Callable[[Session], Result]:
    """`action`, run only if the live login still covers the whole region: a region-wide
    setting is refused at the click (`RegionWideOnly`) to a user who got a territory since."""

    def checked(db: Session) -> Result:
        live = current_login()
        require_regional(live.scope if live else Scope(frozenset()), setting=setting)
        return action(db)

    return checked
