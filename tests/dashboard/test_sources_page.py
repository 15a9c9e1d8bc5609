"""Источники: health table, add a source, run one now (enqueued on the real Redis)."""

from collections.abc import Callable, Iterator

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from dashboard.text import escape_markdown
from models.audit import AuditEvent
from models.source import Source
from otklik.settings import get_settings
from tests.conftest import REDIS_URL
from tests.dashboard.conftest import open_page


@pytest.fixture
def with_redis(redis_conn: Redis, monkeypatch: pytest.MonkeyPatch) -> Iterator[Redis]:
    monkeypatch.setenv("OTKLIK_REDIS_URL", REDIS_URL)
    get_settings.cache_clear()
    yield redis_conn
    get_settings.cache_clear()


def test_add_a_source_then_run_it_now(
    signed_in: Callable[[str], AppTest], engine: Engine, with_redis: Redis
) -> None:
    app = open_page(signed_in("operator"), "sources")
    assert not app.exception
    app.selectbox(key="src_kind").select("vk_wall")
    app.text_input(key="src_target").input("-123456")
    app.text_input(key="src_name").input("Администрация Перми")
    app.button(key="src_add_submit").click().run()
    assert not app.exception
    with Session(engine) as session:
        source = session.exec(select(Source)).one()
        assert (source.kind, source.target, source.name) == (
            "vk_wall",
            "-123456",
            "Администрация Перми",
        )
    assert "Администрация Перми" in set(app.dataframe[0].value["Название"])

    app.button(key="src_run").click().run()
    assert not app.exception
    assert app.success[0].value == "Сбор поставлен в очередь."
    jobs = Queue("crawl", connection=with_redis).jobs
    assert [(job.func_name, job.args) for job in jobs] == [("otklik.jobs.crawl_job", (source.id,))]
    with Session(engine) as session:
        actions = [
            e.action
            for e in session.exec(select(AuditEvent).where(AuditEvent.entity_type == "source"))
        ]
    assert actions == ["create", "run_now"]


def test_moderator_has_no_sources_page(
    signed_in: Callable[[str], AppTest], console_users: dict[str, str]
) -> None:
    app = signed_in("moderator")
    with pytest.raises(ValueError, match="navigation page"):
        app.switch_page("screens/sources.py")


def test_disable_then_enable_a_source_audited(
    signed_in: Callable[[str], AppTest], console_users: dict[str, str], engine: Engine
) -> None:
    with Session(engine) as session:
        source = Source(kind="vk_wall", name="Администрация Перми", target="-123456")
        session.add(source)
        session.commit()
        source_id = source.id

    app = open_page(signed_in("operator"), "sources")
    assert not app.exception
    assert app.button(key="src_switch").label == "Выключить"
    app.button(key="src_switch").click().run()
    assert not app.exception
    with Session(engine) as session:
        stored = session.get(Source, source_id)
        assert stored is not None
        assert (stored.enabled, stored.status) == (False, "disabled")
    assert list(app.dataframe[0].value["Состояние"]) == ["отключён"]
    assert app.button(key="src_switch").label == "Включить"

    app.button(key="src_switch").click().run()
    assert not app.exception
    with Session(engine) as session:
        stored = session.get(Source, source_id)
        assert stored is not None
        assert (stored.enabled, stored.status) == (True, "ok")
        events = session.exec(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "source")
            .order_by(col(AuditEvent.id))
        ).all()
    assert [(e.actor, e.entity_id, e.action) for e in events] == [
        ("operator", source_id, "disable"),
        ("operator", source_id, "enable"),
    ]
    assert events[0].before == {"enabled": True, "status": "ok"}
    assert events[0].after == {"enabled": False, "status": "disabled"}
    assert events[1].after == {"enabled": True, "status": "ok"}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_run_now_says_in_russian_why_nothing_was_collected(
    signed_in: Callable[[str], AppTest], console_users: dict[str, str], engine: Engine
) -> None:
    """In-process crawls (no Redis): a file source and a VK source without a token."""
    assert get_settings().redis_url is None and get_settings().vk_token is None
    with Session(engine) as session:
        session.add_all(
            [
                Source(kind="telegram_export", name="Выгрузка чата", target="/srv/result.json"),
                Source(kind="vk_wall", name="Стена без токена", target="-1"),
            ]
        )
        session.commit()
        ids = {s.kind: s.id for s in session.exec(select(Source))}
    app = open_page(signed_in("operator"), "sources")
    table = app.dataframe[0].value
    assert set(table["Тип"]) == {"выгрузка Telegram", "стена ВКонтакте"}  # no raw codes
    assert "**Собрать сейчас**" in [m.value for m in app.markdown]  # which source: headed

    app.selectbox(key="src_pick").select(ids["telegram_export"]).run()
    app.button(key="src_run").click().run()
    assert not app.exception and not app.success
    assert "загружается из файла" in app.error[0].value

    app.selectbox(key="src_pick").select(ids["vk_wall"]).run()
    app.button(key="src_run").click().run()
    assert not app.exception and not app.success
    assert app.error[0].value.startswith("Сбор не удался: нет доступа")


def test_a_guessed_role_is_shown_and_set_by_the_operator(
    signed_in: Callable[[str], AppTest], console_users: dict[str, str], engine: Engine
) -> None:
    with Session(engine) as session:
        source = Source(kind="vk_wall", name="Администрация Перми", target="-123456",
                        role="media", role_guessed=True)  # fmt: skip
        session.add(source)
        session.commit()
        source_id = source.id

    app = open_page(signed_in("operator"), "sources")
    assert not app.exception
    assert list(app.dataframe[0].value["Роль"]) == ["СМИ (угадана)"]
    app.selectbox(key=f"src_role_{source_id}").select("authority")
    app.button(key="src_role_save").click().run()
    assert not app.exception
    with Session(engine) as session:
        stored = session.get(Source, source_id)
        assert stored is not None and (stored.role, stored.role_guessed) == ("authority", False)
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "set_role")).one()
    assert event.before == {"role": "media", "role_guessed": True}
    assert list(app.dataframe[0].value["Роль"]) == ["администрация"]


def test_what_a_source_collects_and_its_last_error_are_read_whole(
    signed_in: Callable[[str], AppTest], engine: Engine
) -> None:
    """The list keeps to what fits a laptop (a switched-off source says so in «Состояние»);
    the target and the last error, too long for a column, are under it, whole."""
    from datetime import timedelta

    from models.clock import now

    with Session(engine) as session:
        session.add(
            Source(
                kind="telegram_export",
                name="Выгрузка чата",
                target="/srv/result.json",
                enabled=False,
                status="disabled",
                last_error_at=now() - timedelta(hours=2),
                last_error="файл не найден: /srv/r.json",
            )
        )
        session.commit()
    app = open_page(signed_in("operator"), "sources")
    table = app.dataframe[0].value
    assert list(table.columns) == [
        "Название", "Тип", "Состояние", "Роль", "Последний успех", "За сутки", "Постов всего",
    ]  # fmt: skip
    assert list(table["Состояние"]) == ["отключён"]
    details = "\n".join(e.value for e in app.expander[0].markdown)
    assert escape_markdown("/srv/result.json") in details
    assert escape_markdown("файл не найден: /srv/r.json") in details
    assert "**Собрать сейчас**" not in [m.value for m in app.markdown]  # only enabled sources
