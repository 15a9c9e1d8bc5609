"""«Пользователи» in the running console, in a real headless Chromium: an admin adds a
municipal user and switches another off; screenshots in test-artifacts/."""

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from models.geo import Municipality
from models.user import User
from tests.dashboard.browser import Browser, chromium
from tests.dashboard.conftest import PASSWORD
from triage.scope import user_municipality_ids

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
TOO_SHORT = "Пароль должен быть не короче 8 символов."


def _pick_in_multiselect(browser: Browser, label: str, option: str) -> None:
    """Type `option` into the multiselect labelled `label` and take it with Enter."""
    found = browser.evaluate(
        "(() => { const box = [...document.querySelectorAll('[data-testid=stMultiSelect]')]"
        ".find(b => (b.querySelector('[data-testid=stWidgetLabel]') || {}).innerText"
        f" === {json.dumps(label)});"
        " if (!box) return false; const input = box.querySelector('input');"
        " input.scrollIntoView({block: 'center'}); input.click(); input.focus();"
        " return true; })()"
    )
    assert found, label
    time.sleep(0.3)
    browser.call("Input.insertText", text=option)
    time.sleep(0.5)
    browser.press("Enter", 13)
    browser.press("Escape", 27)


def _top(selector: str, text: str) -> str:
    """JavaScript: the page-relative top of the first `selector` element showing `text`."""
    return (
        f"[...document.querySelectorAll({json.dumps(selector)})]"
        f".find(e => e.innerText.includes({json.dumps(text)}))"
        ".getBoundingClientRect().top + window.scrollY"
    )


def _user(engine: Engine, username: str) -> User | None:
    with Session(engine) as session:
        return session.exec(select(User).where(User.username == username)).first()


@pytest.mark.browser
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_admin_adds_a_municipal_user_and_switches_one_off(
    console: str, engine: Engine, tmp_path: Path
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium(tmp_path / "profile") as browser:
        browser.open(console)
        browser.log_in("admin", PASSWORD)
        browser.wait_for_text("admin · администратор")
        browser.click_text("[data-testid=stSidebarNav] a", "Пользователи")
        browser.wait_for_text("Новый пользователь", timeout=60)
        browser.settle()

        browser.type_into("input[aria-label='Логин']", "chusovoy")
        browser.type_into("input[type=password]", "123")
        _pick_in_multiselect(browser, "Территория (муниципалитеты)", "Чусовской")
        browser.settle()
        browser.mouse_click_text("button", "Добавить пользователя")
        browser.wait_for_text(TOO_SHORT, timeout=30)
        browser.settle()
        # said under the form the admin filled in, where they look, not at the page's top
        assert browser.evaluate(f"({_top('[data-testid=stAlert]', TOO_SHORT)})") > browser.evaluate(
            f"({_top('button', 'Добавить пользователя')})"
        )
        browser.screenshot(ARTIFACTS / "console-users-short-password.png")
        assert _user(engine, "chusovoy") is None
        browser.evaluate("document.querySelector('input[type=password]').select()")
        browser.type_into("input[type=password]", "пароль-чусового")  # the rest is kept
        browser.settle()
        browser.mouse_click_text("button", "Добавить пользователя")
        deadline = time.monotonic() + 30
        while _user(engine, "chusovoy") is None and time.monotonic() < deadline:
            time.sleep(0.3)
        browser.settle()
        browser.evaluate(
            "document.querySelectorAll('[data-testid=stMain], section')"
            ".forEach(e => e.scrollTo(0, 0))"
        )
        time.sleep(1)
        browser.screenshot(ARTIFACTS / "console-users-list.png")

        browser.choose("Пользователь", "operator")
        browser.settle()
        browser.mouse_click_text("button", "Отключить")
        browser.wait_for_text("Отключить operator?")
        browser.settle()
        browser.screenshot(ARTIFACTS / "console-users-confirm.png")
        browser.mouse_click_text("button", "Да, отключить")
        browser.wait_for_text("Включить снова", timeout=30)
        browser.settle()
        time.sleep(1)
        shot = ARTIFACTS / "console-users.png"
        browser.screenshot(shot)
        assert shot.stat().st_size > 10_000
        assert "Traceback" not in browser.text()

    added = _user(engine, "chusovoy")
    assert added is not None and added.role == "operator" and added.active
    with Session(engine) as session:
        chusovoy = session.exec(
            select(Municipality.id).where(Municipality.name == "Чусовской городской округ")
        ).one()
        assert user_municipality_ids(session, user_id=added.id or 0) == [chusovoy]
    switched_off = _user(engine, "operator")
    assert switched_off is not None and not switched_off.active
