"""«Опубликовать ответ» in the running console, in a real headless Chromium, against a fake
VK served over HTTP (the console process reaches it through `OTKLIK_VK_API_URL`)."""

import os
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from ingest.publish import AnswerWriters
from ingest.vk.client import make_vk_api
from ingest.vk.publish import VkAnswerWriter
from models.publication import Publication
from tests.dashboard.browser import chromium, serving
from tests.dashboard.conftest import PASSWORD, dashboard
from tests.dashboard.test_publish_answer import TOKEN, _report_on_vk_posts
from tests.ingest.publish_fakes import WritableFakeVk
from tests.ingest.vk_fake import serve_vk
from triage.publishing import deliver, request_publication
from triage.reports import set_answer

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def fake_vk_url() -> Iterator[tuple[WritableFakeVk, str]]:
    fake = WritableFakeVk()
    with serve_vk(fake) as url:
        yield fake, url


@pytest.mark.browser
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_publish_from_the_report_page(
    configured: str,
    seeded: dict[str, list[int]],
    engine: Engine,
    fake_vk_url: tuple[WritableFakeVk, str],
    tmp_path: Path,
) -> None:
    fake, url = fake_vk_url
    report_id, post_ids = _report_on_vk_posts(engine)
    with Session(engine) as session:
        set_answer(session, report_id=report_id, text="Трубу заменили, вода есть.",
                   expected_version=1, actor="operator", user_id=None)  # fmt: skip
        session.commit()
    with _console(configured, url) as console, chromium(tmp_path / "profile") as browser:
        browser.open(console)
        browser.log_in("operator", PASSWORD)
        browser.wait_for_text("operator")
        browser.open(f"{console}reports?report={report_id}")  # a deep link
        browser.wait_for_text("Опубликовать ответ", timeout=60)
        browser.click_text("button", "Опубликовать ответ")
        browser.wait_for_text("Опубликовать?")
        assert fake.created() == []  # nothing before the confirmation
        browser.wait_for_text("Да, опубликовать")  # the buttons paint after the warning
        browser.wait_for("document.querySelector('[data-testid=stStatusWidget]') === null")
        browser.click_text("button", "Да, опубликовать")
        browser.wait_for_text(f"Опубликовано: {len(post_ids)} из {len(post_ids)}", timeout=60)
        assert TOKEN not in browser.evaluate("document.body.innerText")
    assert len(fake.created()) == len(post_ids)
    with Session(engine) as session:
        assert {p.status for p in session.exec(select(Publication)).all()} == {"published"}


@pytest.mark.browser
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_answer_that_may_have_gone_out_is_published_again_only_by_a_person(
    configured: str,
    seeded: dict[str, list[int]],
    engine: Engine,
    fake_vk_url: tuple[WritableFakeVk, str],
    tmp_path: Path,
) -> None:
    fake, url = fake_vk_url
    report_id, post_ids = _report_on_vk_posts(engine)
    writers = AnswerWriters(
        vk=VkAnswerWriter(tokens={"-1": TOKEN},
                          make_vk=lambda token: make_vk_api(token=token, rps_delay=0,
                                                            api_url=url)),
        telegram=None,
    )  # fmt: skip
    with Session(engine) as session:
        set_answer(session, report_id=report_id, text="Трубу заменили, вода есть.",
                   expected_version=1, actor="operator", user_id=None)  # fmt: skip
        requested = request_publication(session, report_id=report_id, publisher=writers,
                                        actor="operator", user_id=None)  # fmt: skip
        session.commit()
        first = requested[0].id or 0
        fake.lose_reply_after_create = True  # VK made the comment; the connection broke
        assert deliver(session, publication_id=first, publisher=writers).maybe_sent
    [lost] = [c for thread in fake.comments.values() for c in thread]
    fake.delete_comment(-1, lost["post_id"], lost["id"])  # then a moderator deleted it

    with _console(configured, url) as console, chromium(tmp_path / "profile") as browser:
        browser.open(console)
        browser.log_in("operator", PASSWORD)
        browser.wait_for_text("operator")
        browser.open(f"{console}reports?report={report_id}")
        browser.wait_for_text("Опубликовать ответ", timeout=60)
        browser.settle()
        browser.mouse_click_text("button", "Опубликовать ответ")
        browser.wait_for_text("Да, опубликовать")
        browser.settle()
        browser.mouse_click_text("button", "Да, опубликовать")
        browser.wait_for_text("либо его уже удалили", timeout=60)
        browser.settle()
        assert len(fake.created()) == len(post_ids)  # the lost one was not sent again
        browser.evaluate(
            "[...document.querySelectorAll('[data-testid=stAlert]')]"
            ".pop().scrollIntoView({block: 'start'})"
        )
        time.sleep(1)
        ARTIFACTS.mkdir(exist_ok=True)
        browser.screenshot(ARTIFACTS / "console-publish-needs-decision.png")
        browser.mouse_click_text("button", "Опубликовать всё равно")
        browser.wait_for_text("Да, опубликовать повторно")
        browser.settle()
        browser.mouse_click_text("button", "Да, опубликовать повторно")
        browser.wait_for_text(f"Ответ под постом №{post_ids[0]}: опубликован.", timeout=60)
    assert len(fake.created()) == len(post_ids) + 1
    with Session(engine) as session:
        assert {p.status for p in session.exec(select(Publication)).all()} == {"published"}


def _console(configured: str, vk_url: str) -> AbstractContextManager[str]:
    """`otklik dashboard` publishing to the fake VK at `vk_url`, with no Redis: a publication
    is delivered in the console's own process."""
    tokens = f'{{"-1": "{TOKEN}"}}'
    env = {**os.environ, "OTKLIK_DATABASE_URL": configured, "OTKLIK_VK_API_URL": vk_url,
           "OTKLIK_VK_RPS_DELAY": "0", "OTKLIK_VK_PUBLISH_TOKENS": tokens}  # fmt: skip
    env.pop("OTKLIK_REDIS_URL", None)
    return serving(dashboard, env=env, cwd=ROOT)
