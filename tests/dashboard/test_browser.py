"""The running console in a real headless Chromium: log in, open the main pages, screenshot."""

import time
from pathlib import Path

import pytest

from tests.dashboard.browser import chromium
from tests.dashboard.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
# Each page's title and a text that shows only once its content has been drawn.
PAGES = {
    "Очередь": "Подтвердить выбранные",
    "Инциденты": "Найдено:",
    "Обращения": "Обращений пока нет",
    "Новый сигнал": "Сохранить сигнал",
    "Аналитика": "Рейтинг муниципалитетов",
    "Источники": "Новый источник",
    "Модель": "Разметка для обучения",
    "Рубрикатор": "Экспорт и импорт",
    "Пользователи": "Новый пользователь",
}


@pytest.mark.browser
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_log_in_and_screenshot_the_main_pages(console: str, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium(tmp_path / "profile") as browser:
        browser.open(console)
        browser.wait_for("document.querySelector('input[type=password]') !== null", timeout=60)
        browser.screenshot(ARTIFACTS / "console-0-login.png")
        browser.log_in("admin", PASSWORD)
        browser.wait_for_text("admin · администратор")
        for number, (title, content) in enumerate(PAGES.items(), start=1):
            browser.click_text("[data-testid=stSidebarNav] a", title)
            browser.wait_for(
                "(() => { const h = document.querySelector('h1');"
                f" return h !== null && h.innerText.trim() === {title!r}; }})()"
            )
            browser.wait_for_text(content)
            browser.wait_for("document.querySelector('[data-testid=stStatusWidget]') === null")
            browser.wait_for(
                "document.querySelectorAll('[data-testid=stSkeleton]').length === 0", timeout=15
            )
            time.sleep(1)  # lazily loaded widgets (inputs, checkboxes) paint a moment later
            shot = ARTIFACTS / f"console-{number}-{title}.png"
            browser.screenshot(shot)
            assert shot.stat().st_size > 10_000
            assert "Нет доступа" not in browser.evaluate("document.body.innerText")
