"""Every page refuses anonymous sessions and roles without rights; logins expire."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from dashboard.auth import NO_RIGHTS
from dashboard.navigation import PAGES, refusal
from models.audit import AuditEvent
from models.clock import frozen_at, now
from models.geo import Municipality
from tests.dashboard.conftest import DASHBOARD, PASSWORD, TIMEOUT, log_in, texts
from triage.accounts import create_user, deactivate_user, has_right
from triage.scope import EVERYWHERE, Scope

# Access control does not depend on the database: SQLite keeps these tests quick.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PAGE_FILES = [page.path for page in PAGES]
REFUSED = "Требуется вход в систему."


@pytest.mark.parametrize("page", PAGE_FILES)
def test_page_refuses_anonymous_session(configured: str, page: str) -> None:
    app = AppTest.from_file(str(DASHBOARD / page), default_timeout=TIMEOUT).run()
    assert not app.exception
    assert [e.value for e in app.error] == [REFUSED]
    assert len(app.main.children) <= 2  # the error, nothing of the page


@pytest.mark.parametrize(
    ("page", "role"),
    [
        (p.path, role)
        for p in PAGES
        for role in ("operator", "moderator")
        if not has_right(role, p.right)
    ],
)
def test_page_refuses_role_without_rights(
    signed_in: Callable[[str], AppTest], page: str, role: str
) -> None:
    app = signed_in(role)
    session = dict(app.session_state.to_dict())
    direct = AppTest.from_file(str(DASHBOARD / page), default_timeout=TIMEOUT)
    for key, value in session.items():
        direct.session_state[key] = value
    direct.run()
    assert not direct.exception
    assert any(NO_RIGHTS in e.value for e in direct.error)


@pytest.mark.parametrize("role", ["operator", "moderator", "admin"])
@pytest.mark.parametrize("territory", [False, True])
def test_navigation_offers_only_the_pages_of_the_role(
    signed_in: Callable[[str], AppTest], engine: Engine, role: str, territory: bool
) -> None:
    username, scope = role, EVERYWHERE
    if territory:
        with Session(engine) as session:
            place = Municipality(region_code="57", name="Пермский городской округ")
            session.add(place)
            session.commit()
            username, scope = f"{role}_perm", Scope(municipality_ids=frozenset({place.id or 0}))
            create_user(session, username=username, password=PASSWORD, role=role,
                        municipality_ids=[place.id or 0])  # fmt: skip
    app = signed_in(username)
    assert app.session_state["otklik_login"].role == role
    said = [c.value for c in app.sidebar.caption]
    assert ("Территория: Пермский городской округ" in said) == territory, said
    for page in PAGES:
        if refusal(page, role=role, scope=scope) is None:
            app.switch_page(page.path).run()
            assert not app.exception, page.path
            assert app.title[0].value == page.title
        else:
            # the page's file is not registered; its address says why in Russian (a refusal
            # without a file: see test_navigation_browser.py)
            with pytest.raises(ValueError, match="navigation page"):
                app.switch_page(page.path)


def test_wrong_password_is_refused(signed_in: Callable[[str], AppTest]) -> None:
    app = log_in("admin", "не-тот-пароль")
    assert "otklik_login" not in app.session_state
    assert "Неверный логин или пароль." in texts(app)


def test_session_expires(signed_in: Callable[[str], AppTest]) -> None:
    app = signed_in("admin")
    assert "otklik_login" in app.session_state
    with frozen_at(now() + timedelta(minutes=481)):
        app.run()
    assert "otklik_login" not in app.session_state
    assert "Сессия истекла" in texts(app)


def test_deactivated_user_is_signed_out(
    signed_in: Callable[[str], AppTest], engine: Engine
) -> None:
    app = signed_in("moderator")
    with Session(engine) as session:
        deactivate_user(session, username="moderator", actor="admin")
    app.run()
    assert "otklik_login" not in app.session_state
    assert app.text_input(key="login_username") is not None


def test_repeated_failures_make_the_next_attempt_wait(
    signed_in: Callable[[str], AppTest], engine: Engine
) -> None:
    with frozen_at(now()):  # all at one moment: the wait cannot have passed
        for _ in range(3):
            app = log_in("admin", "не-тот-пароль")
        app = log_in("admin")  # the right password, but too soon
    assert "otklik_login" not in app.session_state
    assert "Слишком много неудачных попыток входа" in texts(app)
    with Session(engine) as session:
        failures = session.exec(select(AuditEvent).where(AuditEvent.action == "login_failed")).all()
    assert len(failures) == 3
