"""The sidebar in the running console, in a real headless Chromium: every role, regional and
with a territory, is offered exactly the pages it may open; a link to any other page says
why in Russian. Screenshots in test-artifacts/."""

import time
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from dashboard.auth import ROLE_NAMES
from dashboard.navigation import PAGES, pages_for, refusal
from models.geo import Municipality
from models.user import Role
from tests.dashboard.browser import Browser, chromium
from tests.dashboard.conftest import PASSWORD
from triage.accounts import create_user
from triage.scope import EVERYWHERE, Scope

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
PLACE = "Краснокамский городской округ"
SIDEBAR_LINKS = (
    "[...document.querySelectorAll('[data-testid=stSidebarNav] a')]"
    ".map(a => a.innerText.trim().split('\\n').pop().trim())"  # the title after the icon's name
)
# The sidebar's link marked as the current page (aria-current, drawn bold on a grey band).
CURRENT_LINK = (
    "[...document.querySelectorAll('[data-testid=stSidebarNav] a[aria-current=page]')]"
    ".map(a => a.innerText.trim().split('\\n').pop().trim())"
)


def _log_in(browser: Browser, username: str) -> None:
    browser.log_in(username, PASSWORD)
    browser.wait_for_text("Выйти", timeout=60)
    browser.settle()


@pytest.mark.browser
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_each_role_and_territory_sees_only_pages_that_open(
    console: str, engine: Engine, tmp_path: Path
) -> None:
    with Session(engine) as session:
        place = session.exec(select(Municipality.id).where(Municipality.name == PLACE)).one()
        for role in Role:  # the regional users are the console fixture's, named by role
            create_user(session, username=f"{role}_krasnokamsk", password=PASSWORD, role=role,
                        municipality_ids=[place])  # fmt: skip
    municipal = Scope(municipality_ids=frozenset({place}))
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium(tmp_path / "profile") as browser:
        for role in Role:
            for username, scope in ((str(role), EVERYWHERE), (f"{role}_krasnokamsk", municipal)):
                browser.open(console)
                _log_in(browser, username)
                browser.wait_for_text(f"{username} · {ROLE_NAMES[role]}")
                expected = [p.title for p in pages_for(role, scope) if p.visible]
                assert browser.evaluate(SIDEBAR_LINKS) == expected, username
                if role == Role.MODERATOR and scope is EVERYWHERE:
                    browser.screenshot(ARTIFACTS / "console-sidebar-moderator.png")
                # every page the sidebar leaves out answers its address with the reason
                for page in PAGES:
                    reason = refusal(page, role=role, scope=scope)
                    if reason is None:
                        continue
                    browser.open(f"{console}{page.url_path}")
                    browser.wait_for_text(reason, timeout=60)
                    browser.settle()
                    text = browser.text()
                    assert "Page not found" not in text and "Traceback" not in text
                    assert browser.evaluate(SIDEBAR_LINKS) == expected, (username, page.title)
                    if username == "admin_krasnokamsk" and page.title == "Пользователи":
                        time.sleep(0.5)
                        browser.screenshot(ARTIFACTS / "console-refused-municipal-admin.png")
                browser.click_text("button", "Выйти")
                browser.wait_for("document.querySelector('input[type=password]') !== null")


@pytest.mark.browser
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("role", [Role.MODERATOR, Role.OPERATOR])
def test_every_listed_page_opens_at_its_own_address(
    console: str, tmp_path: Path, role: Role
) -> None:
    """The first page too (/queue for a moderator, /incidents for an operator, as README
    lists them): Streamlit served it only at "/", and its address said «Страница не
    найдена». The sidebar marks the page opened, at its own address as at "/" (at /queue
    no link was marked)."""
    pages = [p for p in pages_for(role, EVERYWHERE) if p.visible]
    with chromium(tmp_path / "profile") as browser:
        browser.open(console)
        _log_in(browser, str(role))
        assert browser.evaluate(CURRENT_LINK) == [pages[0].title]
        for page in pages:
            browser.open(f"{console}{page.url_path}")
            browser.wait_for(
                "(() => { const h = document.querySelector('h1');"
                f" return h !== null && h.innerText.trim() === {page.title!r}; }})()",
                timeout=60,
            )
            browser.settle()
            assert "Страница не найдена" not in browser.text(), page.url_path
            assert browser.evaluate("location.pathname") == f"/{page.url_path}"
            assert browser.evaluate(SIDEBAR_LINKS) == [p.title for p in pages], page.url_path
            assert browser.evaluate(CURRENT_LINK) == [page.title], page.url_path
            if page == pages[0]:
                browser.screenshot(ARTIFACTS / f"console-own-address-{role}.png")
        # from another page back to the first by its sidebar link, and to another again
        browser.click_text("[data-testid=stSidebarNav] a", pages[0].title)
        browser.wait_for(f"{CURRENT_LINK}[0] === {pages[0].title!r}", timeout=60)
        browser.click_text("[data-testid=stSidebarNav] a", pages[1].title)
        browser.wait_for(f"{CURRENT_LINK}[0] === {pages[1].title!r}", timeout=60)
