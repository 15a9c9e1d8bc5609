"""A municipal admin in the running console, in a real headless Chromium: «Новый сигнал»
offers only their municipality; the region-wide settings say why they cannot be changed
(Модель and Рубрикатор are not in the sidebar, and their addresses say why).
Screenshots in test-artifacts/."""

import time
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from dashboard.auth import REGION_WIDE
from models.geo import Municipality
from tests.dashboard.browser import chromium
from tests.dashboard.conftest import PASSWORD
from triage.accounts import create_user

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
PLACE = "Краснокамский городской округ"
OPTIONS = "[...document.querySelectorAll('[role=option]')].map(o => o.innerText.trim())"


@pytest.mark.browser
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_municipal_admin_files_into_their_territory_and_changes_no_regional_setting(
    console: str, engine: Engine, tmp_path: Path
) -> None:
    with Session(engine) as session:
        place = session.exec(select(Municipality.id).where(Municipality.name == PLACE)).one()
        assert session.exec(select(Municipality.id).where(Municipality.id != place)).first()
        create_user(session, username="krasnokamsk", password=PASSWORD, role="admin",
                    municipality_ids=[place])  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium(tmp_path / "profile") as browser:
        browser.open(console)
        browser.log_in("krasnokamsk", PASSWORD)
        browser.wait_for_text("krasnokamsk · администратор")

        browser.click_text("[data-testid=stSidebarNav] a", "Новый сигнал")
        browser.wait_for_text("Сохранить сигнал", timeout=60)
        browser.settle()
        opened = browser.evaluate(
            "(() => { const box = [...document.querySelectorAll('[data-testid=stSelectbox]')]"
            ".find(b => b.innerText.includes('Муниципалитет'));"
            " if (!box) return false; const input = box.querySelector('input');"
            " input.scrollIntoView({block: 'center'}); input.click(); input.focus();"
            " return true; })()"
        )
        assert opened
        browser.press("ArrowDown", 40)  # opens the list of choices
        browser.wait_for(f"{OPTIONS}.length > 0")
        time.sleep(0.5)
        browser.screenshot(ARTIFACTS / "console-territory-new-signal.png")
        assert browser.evaluate(OPTIONS) == [PLACE]
        browser.press("Escape", 27)

        browser.click_text("[data-testid=stSidebarNav] a", "Источники")
        browser.wait_for_text(REGION_WIDE, timeout=60)
        browser.settle()
        browser.screenshot(ARTIFACTS / "console-territory-Источники.png")
        assert "Новый источник" not in browser.text()
        # Модель and Рубрикатор are not in the sidebar; their addresses say why
        links = browser.evaluate(
            "[...document.querySelectorAll('[data-testid=stSidebarNav] a')]"
            ".map(a => a.innerText.trim().split('\\n').pop().trim())"  # the title after the icon
        )
        assert "Источники" in links
        assert not {"Модель", "Рубрикатор", "Пользователи"} & set(links)
        for address, hidden in (("model", "Переобучить"), ("taxonomy", "Экспорт и импорт")):
            browser.open(f"{console}{address}")
            browser.wait_for_text(REGION_WIDE, timeout=60)
            browser.settle()
            browser.screenshot(ARTIFACTS / f"console-territory-{address}.png")
            assert hidden not in browser.text()


@pytest.mark.browser
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_municipal_moderator_s_analytics_show_their_territory_only(
    console: str, engine: Engine, tmp_path: Path
) -> None:
    with Session(engine) as session:
        places = list(session.exec(select(Municipality)))
        for place in places:  # a point each, so the map draws them
            place.latitude, place.longitude = (
                (58.08, 55.75) if place.name == PLACE else (58.3, 57.8)
            )
            session.add(place)
        session.commit()
        place_id = next(p.id for p in places if p.name == PLACE)
        create_user(session, username="krasnokamsk", password=PASSWORD, role="moderator",
                    municipality_ids=[place_id or 0])  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium(tmp_path / "profile") as browser:
        browser.open(f"{console}analytics")
        browser.log_in("krasnokamsk", PASSWORD)
        browser.wait_for_text(f"Данные только по вашей территории: {PLACE}.", timeout=60)
        browser.settle()
        time.sleep(1)  # the charts draw after the run
        browser.screenshot(ARTIFACTS / "console-territory-analytics.png")
        browser.evaluate(
            "document.querySelectorAll('[data-testid=stMain], section')"
            ".forEach(e => e.scrollTo(0, e.scrollHeight))"
        )
        time.sleep(1)
        browser.screenshot(ARTIFACTS / "console-territory-analytics-map.png")
        text = browser.text()
        assert "Traceback" not in text and "Чусов" not in text
