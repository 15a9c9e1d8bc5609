"""The console in a real headless Chromium, as a moderator or operator works with it:
reload keeps the login, links open their record, the answer stays with its report,
final statuses ask first, and no page speaks English or Python."""

import json
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from models.incident import Incident
from models.report import Report, ReportStatus
from tests.dashboard.browser import Browser, chromium
from tests.dashboard.conftest import PASSWORD
from triage.calendar import WorkCalendar
from triage.reports import create_report

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

# What must never reach a Russian moderator's screen.
ENGLISH = re.compile(
    r"Choose options|Choose an option|Select all|No results|Clear all|per file|Browse files"
    r"|Drag and drop|\bUpload\b|Page not found|Traceback|Ask ChatGPT|Error|\bNone\b"
)
RAW_CODES = re.compile(
    r"\b(road_agency|municipal_administration|water_utility|telegram_export|vk_wall|vk_dump"
    r"|needs_review|not_signal|in_progress|agency_id|paused_at|status:)\b"
)


def _reports(engine: Engine) -> list[int]:
    ids = []
    with Session(engine, expire_on_commit=False) as session:
        for incident in session.exec(select(Incident).order_by(col(Incident.id))).all():
            report = create_report(
                session,
                incident_id=incident.id or 0,
                expected_version=incident.version,
                actor="moderator",
                user_id=None,
                calendar=WorkCalendar(),
            )
            session.flush()
            ids.append(report.id or 0)
        session.commit()
    return ids


def _stored(engine: Engine, report_id: int) -> Report:
    with Session(engine) as session:
        report = session.get(Report, report_id)
        assert report is not None
        return report


def _log_in(browser: Browser, username: str) -> None:
    browser.log_in(username, PASSWORD)
    browser.wait_for_text("Выйти")
    browser.settle()


def _shot(browser: Browser, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser.screenshot(ARTIFACTS / f"console-core-{name}.png")


def _foreign(browser: Browser) -> list[str]:
    """English widget text, raw codes, «None» or a traceback anywhere on the page (its text
    and its inputs' placeholders)."""
    text = (
        browser.text()
        + "\n"
        + "\n".join(
            browser.evaluate(
                "[...document.querySelectorAll('[placeholder]')].map(e => e.placeholder)"
            )
            or []
        )
    )
    return sorted(
        {m.group() for m in ENGLISH.finditer(text)} | {m.group() for m in RAW_CODES.finditer(text)}
    )


def test_reload_keeps_the_login_and_links_open_their_record(
    console: str, engine: Engine, tmp_path: Path
) -> None:
    first, _ = _reports(engine)
    with chromium(tmp_path / "profile") as browser:
        browser.call("Network.enable")
        # a link opened before login opens its report after login
        browser.open(f"{console}reports?report={first}")
        _log_in(browser, "operator")
        browser.wait_for_text(f"Обращение №{first}:")
        assert "Page not found" not in browser.text()
        cookies = {c["name"]: c["value"] for c in browser.cookies()}
        assert cookies.get("otklik_session") and PASSWORD not in json.dumps(cookies)

        browser.call("Page.reload")  # F5
        browser.wait_for_text(f"Обращение №{first}:", timeout=60)
        browser.settle()
        assert "Выйти" in browser.text() and "Пароль" not in browser.text()
        _shot(browser, "report-after-reload")

        post_id = _first_post(engine)
        browser.open(f"{console}post?id={post_id}")  # a post by its address
        browser.wait_for_text(f"Пост №{post_id}", timeout=60)
        browser.open(f"{console}queue")  # an operator has no queue: said in Russian
        browser.wait_for_text("Нет доступа", timeout=60)
        browser.settle()
        assert "Page not found" not in browser.text()

        browser.click_text("button", "Выйти")
        browser.wait_for("document.querySelector('input[type=password]') !== null")
        browser.call("Page.reload")
        browser.wait_for("document.querySelector('input[type=password]') !== null", timeout=60)
        assert "Выйти" not in browser.text()


def _first_post(engine: Engine) -> int:
    from models.post import Post

    with Session(engine) as session:
        post = session.exec(select(Post).order_by(col(Post.id))).first()
        assert post is not None and post.id is not None
        return post.id


def test_the_answer_stays_with_its_report_and_finals_ask_first(
    console: str, engine: Engine, tmp_path: Path
) -> None:
    first, second = _reports(engine)
    with chromium(tmp_path / "profile") as browser:
        browser.open(f"{console}reports?report={first}")
        _log_in(browser, "operator")
        browser.wait_for_text(f"Обращение №{first}:")
        browser.settle()
        browser.type_into("textarea[aria-label='Ответ заявителю']", "Трубу заменили")
        browser.mouse_click_text("button", "Сохранить ответ")
        browser.settle()
        assert _stored(engine, first).answer_text == "Трубу заменили"

        browser.choose("Обращение", f"№{second}")  # another report, in the same tab
        browser.wait_for_text(f"Обращение №{second}:")
        browser.settle()
        box = browser.evaluate(
            "document.querySelector(\"textarea[aria-label='Ответ заявителю']\").value"
        )
        assert box == ""
        browser.mouse_click_text("button", "Сохранить ответ")
        browser.wait_for_text("Ответ пуст")
        browser.settle()
        assert _stored(engine, second).answer_text is None

        browser.choose("Новый статус", "дубликат")
        browser.settle()
        browser.mouse_click_text("button", "Сменить статус")
        browser.wait_for_text("окончательный")
        _shot(browser, "final-status-confirmation")
        assert _stored(engine, second).status == ReportStatus.NEW
        browser.mouse_click_text("button", "Да, «дубликат»")
        browser.wait_for_text("Статус: дубликат")
        assert _stored(engine, second).status == ReportStatus.DUPLICATE


@pytest.mark.parametrize("role", ["moderator", "operator", "admin"])
def test_no_page_speaks_english_or_python(
    console: str, engine: Engine, tmp_path: Path, role: str
) -> None:
    first, _ = _reports(engine)
    post_id = _first_post(engine)
    with chromium(tmp_path / "profile") as browser:
        browser.open(console)
        _log_in(browser, role)
        titles = browser.evaluate(
            "[...document.querySelectorAll('[data-testid=stSidebarNav] a')]"
            ".map(a => a.innerText.trim().split('\\n').pop())"
        )
        assert titles
        found: dict[str, list[str]] = {}
        for title in titles:
            browser.click_text("[data-testid=stSidebarNav] a", title)
            browser.wait_for(
                "(() => { const h = document.querySelector('h1');"
                f" return h !== null && h.innerText.trim() === {json.dumps(title)}; }})()"
            )
            browser.settle()
            _open_every_expander(browser)
            lists = _open_every_multiselect(browser)
            if title == "Обращения":  # the status list opened, its bulk action in Russian
                assert any("Выбрать все" in text for text in lists), lists
            found[title] = _foreign(browser)
            _shot(browser, f"{role}-{title}")
        browser.open(console + "no-such-page")  # Streamlit's own «Page not found» dialog
        browser.wait_for_text("Такой страницы нет", timeout=60)
        found["no-such-page"] = _foreign(browser)
        for address, shown in (
            (f"reports?report={first}", f"Обращение №{first}"),
            (f"incidents?incident={_incident_of(engine, first)}", "постов:"),
            (f"post?id={post_id}", f"Пост №{post_id}"),
        ):
            browser.open(console + address)
            browser.wait_for_text(shown, timeout=60)
            browser.settle()
            found[address] = _foreign(browser)
            _shot(browser, f"{role}-{address.split('?')[0]}")
    assert {page: words for page, words in found.items() if words} == {}


def _incident_of(engine: Engine, report_id: int) -> int:
    return _stored(engine, report_id).incident_id


def _open_every_expander(browser: Browser) -> None:
    """Unfold every expander, so what it holds (an uploader, a form) is read too."""
    browser.evaluate(
        "document.querySelectorAll('[data-testid=stExpander] details').forEach(d => {"
        " if (!d.open) d.querySelector('summary').click(); })"
    )
    browser.settle()


def _open_every_multiselect(browser: Browser) -> list[str]:
    """Open each multiselect's list (where «Select all» / «No results» would show), check
    it, close it again; the page's text while each list was open."""
    seen = []
    count = browser.evaluate(
        "document.querySelectorAll('[data-testid=stMultiSelect] input').length"
    )
    for number in range(int(count or 0)):
        browser.evaluate(
            f"document.querySelectorAll('[data-testid=stMultiSelect] input')[{number}].click()"
        )
        browser.evaluate(
            f"document.querySelectorAll('[data-testid=stMultiSelect] input')[{number}].focus()"
        )
        time.sleep(0.4)
        text = browser.text()
        assert not ENGLISH.search(text), text[-300:]
        seen.append(text)
        browser.press("Escape", 27)
    return seen


def test_a_report_withdrawn_with_its_emptied_incident_says_so_in_russian(
    console: str, engine: Engine, tmp_path: Path
) -> None:
    from models.incident import IncidentPost
    from models.post import Post
    from triage.moderation import mark_not_signal

    first, _ = _reports(engine)
    with Session(engine, expire_on_commit=False) as session:
        incident_id = _stored(engine, first).incident_id
        members = session.exec(
            select(IncidentPost.post_id).where(IncidentPost.incident_id == incident_id)
        ).all()
        for post_id in members:
            post = session.get_one(Post, post_id)
            mark_not_signal(session, post_id=post_id, expected_version=post.version,
                            actor="moderator", user_id=None)  # fmt: skip
        session.commit()
    assert _stored(engine, first).status == ReportStatus.WITHDRAWN

    with chromium(tmp_path / "profile") as browser:
        browser.open(f"{console}reports?report={first}")
        _log_in(browser, "operator")
        browser.wait_for_text(f"Обращение №{first}:")
        browser.wait_for_text("Статус: отозвано")
        _open_every_expander(browser)
        browser.settle()
        browser.evaluate(
            "[...document.querySelectorAll('summary')].filter(e => e.innerText.includes('История'))"
            ".forEach(e => e.scrollIntoView())"
        )
        _shot(browser, "report-withdrawn")
        text = browser.text()
        assert "отозвано: посты инцидента оказались не сигналами" in text
        assert "«новое» → «отозвано»" in text
        assert _foreign(browser) == []


def test_the_reports_closed_with_their_answer_kept_are_listed_in_russian(
    console: str, engine: Engine, tmp_path: Path
) -> None:
    from models.incident import IncidentPost
    from triage.incidents import move_post
    from triage.lifecycle import change_status
    from triage.reports import set_answer

    first, second = _reports(engine)
    target = _incident_of(engine, first)
    with Session(engine, expire_on_commit=False) as session:
        set_answer(session, report_id=second, text="Линию починили, свет дали в 14:00.",
                   expected_version=_stored(engine, second).version, actor="operator",
                   user_id=None)  # fmt: skip
        for status in (ReportStatus.SENT, ReportStatus.ANSWERED):
            change_status(session, report_id=second, status=status, actor="operator",
                          user_id=None, expected_version=session.get_one(Report, second).version,
                          calendar=WorkCalendar())  # fmt: skip
        session.commit()
        # its only post is moved to the first report's incident: the second closes as its
        # duplicate, the agency's answer kept
        (post_id,) = session.exec(
            select(IncidentPost.post_id).where(
                IncidentPost.incident_id == _incident_of(engine, second)
            )
        ).all()
        move_post(session, post_id=post_id, incident_id=target, actor="moderator", user_id=None,
                  expected_version=session.get_one(Incident, target).version)  # fmt: skip
        session.commit()
    assert _stored(engine, second).status == ReportStatus.DUPLICATE

    with chromium(tmp_path / "profile") as browser:
        browser.open(f"{console}reports")
        _log_in(browser, "operator")
        browser.wait_for_text("Все обращения")
        browser.settle()
        browser.mouse_click_text("[data-testid=stRadio] label", "Закрыты автоматически")
        browser.wait_for_text("Сохранённый ответ исполнителя")
        browser.settle()
        _shot(browser, "reports-closed-answer-kept")
        text = browser.text()
        assert f"Обращение №{second}:" in text
        assert f"Обращение закрыто как дубликат обращения №{first}" in text
        assert "Ответ исполнителя сохранён в обращении." in text
        assert "Линию починили, свет дали в 14:00." in text
        assert "Закрыто автоматически" in text and "статус «дубликат»" in text
        assert f"Посты перенесены в инцидент №{target}" in text
        assert f"Обращение №{first}:" not in text  # open, its answer not kept: not listed
        assert _foreign(browser) == []

        browser.mouse_click_text("a", f"Посты перенесены в инцидент №{target}")
        browser.wait_for(f"location.search.includes('incident={target}')")
        browser.wait_for_text("постов:")
        browser.settle()
        assert _foreign(browser) == []


def test_a_double_click_on_save_answer_saves_it_once_without_a_conflict(
    console: str, engine: Engine, tmp_path: Path
) -> None:
    from models.audit import AuditEvent

    first, _ = _reports(engine)
    with chromium(tmp_path / "profile") as browser:
        browser.open(f"{console}reports?report={first}")
        _log_in(browser, "operator")
        browser.wait_for_text(f"Обращение №{first}:")
        browser.settle()
        browser.type_into("textarea[aria-label='Ответ заявителю']", "Яму засыпали")
        browser.evaluate("document.activeElement && document.activeElement.blur()")
        browser.settle()
        browser.double_click_text("button", "Сохранить ответ")
        browser.settle()
        browser.wait_for_text("Ответ сохранён")
        browser.settle()
        _shot(browser, "answer-double-click")
        assert "уже изменил другой пользователь" not in browser.text()
        assert _foreign(browser) == []
    assert _stored(engine, first).answer_text == "Яму засыпали"
    with Session(engine) as session:
        saves = session.exec(
            select(AuditEvent).where(
                AuditEvent.entity_type == "report",
                AuditEvent.entity_id == first,
                AuditEvent.action == "set_answer",
            )
        ).all()
    assert len(saves) == 1
