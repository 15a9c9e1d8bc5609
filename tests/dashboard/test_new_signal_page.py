"""Новый сигнал: an operator's entry is stored, goes through NLP and triage, and keeps a
contact only with consent (152-ФЗ)."""

from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from models.audit import AuditEvent
from models.geo import Municipality
from models.post import Post, ReviewStatus
from models.source import Source, SourceKind
from otklik import resources
from otklik.privacy import export_author
from tests.dashboard.conftest import open_page

# The full pipeline runs in-process: SQLite keeps this quick; tests/pipeline runs both.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

TEXT = "Во дворе прорвало трубу, вода заливает подвал"


@pytest.fixture(autouse=True)
def fresh_models() -> None:
    """The process keeps one annotator (its gazetteer holds one database's municipalities);
    an earlier test may have built it on another database. Build it on this one."""
    resources.annotator.cache_clear()
    resources.triage_tools.cache_clear()


def _fill(
    app: AppTest,
    *,
    place: int | None = None,
    contact: str = "",
    name: str = "",
    consent: bool = False,
    text: str = TEXT,
) -> AppTest:
    form = 0  # the first form of the session
    app.text_area(key=f"ns_text_{form}").input(text)
    app.selectbox(key=f"ns_channel_{form}").select("edds")
    app.selectbox(key=f"ns_place_{form}").set_value(place)
    app.text_input(key=f"ns_address_{form}").input("ул. Ленина, 10")
    app.text_input(key=f"ns_name_{form}").input(name)
    app.text_input(key=f"ns_contact_{form}").input(contact)
    if consent:
        app.checkbox(key=f"ns_consent_{form}").check()
    # the first entry of a process builds the NLP annotator: far longer than a page run
    return app.button(key=f"ns_submit_{form}").click().run(timeout=300)


def _manual_posts(engine: Engine) -> list[Post]:
    with Session(engine, expire_on_commit=False) as session:
        return list(session.exec(select(Post).join(Source).where(Source.kind == SourceKind.MANUAL)))


def _krasnokamsk(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(
            select(Municipality.id).where(Municipality.name == "Краснокамский городской округ")
        ).one()


def test_a_contact_without_consent_is_refused_and_nothing_is_stored(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    app = _fill(open_page(signed_in("operator"), "new_signal"), contact="+7 912 345-67-89")
    assert not app.exception
    assert "только с согласия" in app.error[0].value
    assert _manual_posts(engine) == []
    assert app.text_area(key="ns_text_0").value == TEXT  # the operator's typing is kept


def test_an_entry_with_consent_goes_through_nlp_and_triage(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    app = open_page(signed_in("operator"), "new_signal")
    place = _krasnokamsk(engine)
    app = _fill(app, place=place, contact="8 (912) 345-67-89", name="Анна", consent=True)
    assert not app.exception
    [post] = _manual_posts(engine)
    assert post.review_status not in (ReviewStatus.PENDING,)  # annotated and triaged
    assert post.text == f"{TEXT}\nАдрес: Краснокамский городской округ, ул. Ленина, 10"
    assert post.author_id == "+79123456789"
    assert post.raw["channel"] == "edds" and post.raw["contact_name"] == "Анна"
    assert f"Сигнал сохранён: пост №{post.id}" in app.success[0].value
    assert app.text_area(key="ns_text_1").value == ""  # a fresh form for the next call
    with Session(engine) as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "manual_signal:create")
        ).one()
        assert (event.actor, event.entity_id) == ("operator", post.id)
        exported = export_author(session, author_id="+79123456789")
        assert [p["id"] for p in exported["posts"]] == [post.id]


def test_moderators_may_enter_signals_too(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]]
) -> None:
    app = open_page(signed_in("moderator"), "new_signal")
    assert not app.exception
    assert app.title[0].value == "Новый сигнал"
    assert app.selectbox(key="ns_channel_0").options == [
        "Телефонный звонок", "Сообщение ЕДДС", "Пункт приёма в библиотеке",
    ]  # fmt: skip


def test_the_chosen_municipality_is_where_the_signal_lands(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """The text names another district; the operator's choice decides the place."""
    app = open_page(signed_in("operator"), "new_signal")
    place = _krasnokamsk(engine)
    app = _fill(app, place=place, text="Нет отопления в доме на Мира, 12, Чусовской район")
    assert not app.exception
    assert "Муниципалитет: Краснокамский городской округ." in app.success[0].value
