"""«Опубликовать ответ» on the report page: shown with a current answer, asks first, posts
through the real `vk_api` to a fake VK, and shows where each answer went."""

from collections.abc import Callable, Iterator

import pytest
import responses
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from models.audit import AuditEvent
from models.incident import Incident, IncidentPost
from models.post import Post
from models.publication import Publication
from models.report import Report
from otklik.settings import get_settings
from tests.dashboard.conftest import open_page
from tests.ingest.publish_fakes import WritableFakeVk
from triage.accounts import deactivate_user
from triage.calendar import WorkCalendar
from triage.lifecycle import change_status
from triage.reports import create_report, set_answer

TOKEN = "vk1.a.console-community-token"


@pytest.fixture
def fake_vk(monkeypatch: pytest.MonkeyPatch) -> Iterator[WritableFakeVk]:
    monkeypatch.setenv("OTKLIK_VK_PUBLISH_TOKENS", f'{{"-1": "{TOKEN}"}}')
    monkeypatch.setenv("OTKLIK_VK_RPS_DELAY", "0")
    get_settings.cache_clear()
    fake = WritableFakeVk()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru("http://")  # Streamlit's own traffic, if any
        fake.install(mock)
        yield fake
    get_settings.cache_clear()


def _report_on_vk_posts(engine: Engine) -> tuple[int, list[int]]:
    with Session(engine, expire_on_commit=False) as session:
        incident = session.exec(select(Incident).order_by(col(Incident.id))).first()
        assert incident is not None and incident.id is not None
        links = session.exec(select(IncidentPost).where(IncidentPost.incident_id == incident.id))
        post_ids = [link.post_id for link in links]
        for post_id in post_ids:
            post = session.get_one(Post, post_id)
            post.external_id = f"-1_{post.external_id}"  # as the wall crawler names them
            session.add(post)
        report = create_report(session, incident_id=incident.id, expected_version=incident.version,
                               actor="operator", user_id=None, calendar=WorkCalendar())  # fmt: skip
        session.commit()
        return report.id or 0, post_ids


def _pick(app: AppTest, report_id: int) -> None:
    """Open a report from the list (its picker's key carries the report shown)."""
    [picker] = [box for box in app.selectbox if str(box.key).startswith("rep_pick_")]
    picker.select(report_id).run()


def _keys(app: AppTest) -> set[str]:
    return {button.key for button in app.button if button.key}


def test_publish_asks_first_then_posts_under_each_post(
    signed_in: Callable[[str], AppTest],
    seeded: dict[str, list[int]],
    engine: Engine,
    fake_vk: WritableFakeVk,
) -> None:
    report_id, post_ids = _report_on_vk_posts(engine)
    app = open_page(signed_in("operator"), "reports")
    _pick(app, report_id)
    assert f"pub_ask_{report_id}" not in _keys(app)  # no answer yet: nothing to publish

    app.text_area(key=f"rep_answer_{report_id}").input("Трубу заменили, вода есть.").run()
    app.button(key=f"rep_save_answer_{report_id}").click().run()
    app.button(key=f"pub_ask_{report_id}").click().run()
    assert "Опубликовать?" in app.warning[0].value and fake_vk.created() == []
    app.button(key=f"pub_no_{report_id}").click().run()
    assert f"pub_yes_{report_id}" not in _keys(app) and fake_vk.created() == []

    app.button(key=f"pub_ask_{report_id}").click().run()
    app.button(key=f"pub_yes_{report_id}").click().run()
    assert not app.exception
    assert len(fake_vk.created()) == len(post_ids)
    assert all(c["message"].startswith("Трубу заменили, вода есть.") for c in fake_vk.created())
    table = app.dataframe[-1].value
    assert set(table["Статус"]) == {"опубликован"} and set(table["Сеть"]) == {"ВКонтакте"}
    assert all(link.startswith("https://vk.com/wall-1_") for link in table["Ссылка"])
    with Session(engine) as session:
        rows = session.exec(select(Publication)).all()
        assert {row.requested_by for row in rows} == {"operator"}

    app.button(key=f"pub_ask_{report_id}").click().run()
    app.button(key=f"pub_yes_{report_id}").click().run()  # again: nothing posted twice
    assert len(fake_vk.created()) == len(post_ids)
    assert TOKEN not in "\n".join(str(e.value) for e in app.markdown)


def test_a_reopened_report_offers_no_publishing_of_its_old_answer(
    signed_in: Callable[[str], AppTest],
    seeded: dict[str, list[int]],
    engine: Engine,
    fake_vk: WritableFakeVk,
) -> None:
    report_id, _ = _report_on_vk_posts(engine)
    with Session(engine) as session:
        set_answer(session, report_id=report_id, text="Старый ответ.", expected_version=1,
                   actor="operator", user_id=None)  # fmt: skip
        for status in ("sent", "answered", "reopened"):
            version = session.get_one(Report, report_id).version
            change_status(session, report_id=report_id, status=status, actor="operator",
                          user_id=None, expected_version=version,
                          calendar=WorkCalendar())  # fmt: skip
        session.commit()
    app = open_page(signed_in("operator"), "reports")
    _pick(app, report_id)
    assert not app.exception
    assert f"pub_ask_{report_id}" not in _keys(app)
    assert "прежний ответ не публикуется" in "\n".join(c.value for c in app.caption)
    assert fake_vk.created() == []


def test_an_answer_that_may_have_gone_out_waits_for_a_person_s_decision(
    signed_in: Callable[[str], AppTest],
    seeded: dict[str, list[int]],
    engine: Engine,
    fake_vk: WritableFakeVk,
) -> None:
    report_id, post_ids = _report_on_vk_posts(engine)
    with Session(engine) as session:
        set_answer(session, report_id=report_id, text="Трубу заменили.", expected_version=1,
                   actor="operator", user_id=None)  # fmt: skip
        session.commit()
    app = open_page(signed_in("operator"), "reports")
    _pick(app, report_id)
    fake_vk.lose_reply_after_create = True  # VK makes the first comment; its answer is lost
    app.button(key=f"pub_ask_{report_id}").click().run()
    app.button(key=f"pub_yes_{report_id}").click().run()
    assert "повтор: сбой сети" in set(app.dataframe[-1].value["Статус"])
    [lost] = [c for thread in fake_vk.comments.values() for c in thread if c["id"] == 501]
    fake_vk.delete_comment(-1, lost["post_id"], 501)  # and the community's moderator deletes it

    app.button(key=f"pub_ask_{report_id}").click().run()
    app.button(key=f"pub_yes_{report_id}").click().run()
    assert not app.exception
    assert "нужно решение" in set(app.dataframe[-1].value["Статус"])
    assert any("либо его уже удалили" in w.value for w in app.warning)
    assert len(fake_vk.created()) == len(post_ids)  # nothing posted again on its own
    with Session(engine) as session:
        waiting = session.exec(
            select(Publication).where(Publication.status == "needs_decision")
        ).one()
    app.button(key=f"pub_anyway_ask_{waiting.id}").click().run()
    assert len(fake_vk.created()) == len(post_ids)  # it asks first
    app.button(key=f"pub_anyway_yes_{waiting.id}").click().run()
    assert not app.exception
    assert len(fake_vk.created()) == len(post_ids) + 1
    assert set(app.dataframe[-1].value["Статус"]) == {"опубликован"}
    with Session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "publish:anyway")).one()
    assert event.actor == "operator" and event.after["publication_id"] == waiting.id


def test_publishing_re_checks_the_login_at_the_click(
    signed_in: Callable[[str], AppTest],
    seeded: dict[str, list[int]],
    engine: Engine,
    fake_vk: WritableFakeVk,
) -> None:
    report_id, _ = _report_on_vk_posts(engine)
    with Session(engine) as session:
        set_answer(session, report_id=report_id, text="Трубу заменили.", expected_version=1,
                   actor="operator", user_id=None)  # fmt: skip
        session.commit()
    app = open_page(signed_in("operator"), "reports")
    _pick(app, report_id)
    app.button(key=f"pub_ask_{report_id}").click().run()
    with Session(engine) as session:
        deactivate_user(session, username="operator", actor="admin")
    app.button(key=f"pub_yes_{report_id}").click().run()
    assert fake_vk.created() == []
    with Session(engine) as session:
        assert session.exec(select(Publication)).all() == []
