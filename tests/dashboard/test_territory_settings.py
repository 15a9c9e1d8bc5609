"""A user with a territory files signals only into it and changes no region-wide setting
(Источники, Модель, Рубрикатор); both are checked again at the click."""

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from dashboard.auth import REGION_WIDE
from models.audit import AuditEvent
from models.post import Post
from models.source import Source, SourceKind
from models.taxonomy import Category
from tests.dashboard.conftest import PASSWORD, log_in, open_page, run_page_file
from tests.scope_world import World, build_world
from triage.accounts import create_user, set_user_scope

# Page logic and one refusal: the queries behind them are tested on both databases elsewhere.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PERM = "Пермский городской округ"
KUNGUR = "Кунгурский муниципальный округ"


@pytest.fixture
def world(configured: str, engine: Engine) -> World:
    with Session(engine) as session:
        world = build_world(session)
        create_user(
            session, username="perm", password=PASSWORD, role="admin", municipality_ids=[world.perm]
        )
        create_user(session, username="region", password=PASSWORD, role="admin")
        session.add(Source(kind=SourceKind.VK_WALL, name="Администрация Перми", target="-123"))
        session.commit()
    return world


def _errors(app: object) -> str:
    return "\n".join(str(e.value) for e in app.error)  # type: ignore[attr-defined]


def _manual_posts(engine: Engine) -> list[Post]:
    with Session(engine) as session:
        statement = select(Post).join(Source).where(Source.kind == SourceKind.MANUAL)
        return list(session.exec(statement))


def test_a_municipal_user_is_offered_only_their_municipalities(world: World) -> None:
    app = open_page(log_in("perm"), "new_signal")
    assert not app.exception
    place = app.selectbox(key="ns_place_0")
    assert place.options == [PERM]
    assert place.value is None  # chosen by the user, never by default
    regional = open_page(log_in("region"), "new_signal").selectbox(key="ns_place_0")
    assert sorted(regional.options) == sorted([PERM, KUNGUR])
    assert regional.value is None  # the model may find the place


def test_a_signal_into_a_territory_lost_since_the_form_was_drawn_is_refused(
    world: World, engine: Engine
) -> None:
    app = open_page(log_in("region"), "new_signal")
    app.text_area(key="ns_text_0").input("Не горит фонарь у школы")
    app.selectbox(key="ns_place_0").set_value(world.kungur)
    with Session(engine) as session:
        set_user_scope(session, username="region", municipality_ids=[world.perm], actor="admin")
    app = app.button(key="ns_submit_0").click().run()
    assert not app.exception
    # the choice outside the new territory is dropped by the form, and nothing is filed
    assert app.selectbox(key="ns_place_0").options == [PERM]
    assert "только по своей территории" in _errors(app)
    assert _manual_posts(engine) == []
    assert app.text_area(key="ns_text_0").value == "Не горит фонарь у школы"  # nothing lost


def test_a_municipal_user_sees_the_sources_but_changes_nothing(world: World) -> None:
    app = open_page(log_in("perm"), "sources")
    assert not app.exception
    assert REGION_WIDE in [i.value for i in app.info]
    assert "Администрация Перми" in app.dataframe[0].value.to_string()
    keys = {b.key for b in app.button}
    assert not keys & {"src_switch", "src_role_save", "src_run", "src_add_submit"}


def test_a_source_switched_by_a_user_who_lost_the_region_is_refused_at_the_click(
    world: World, engine: Engine
) -> None:
    app = open_page(log_in("region"), "sources")
    assert app.button(key="src_switch").label == "Выключить"
    with Session(engine) as session:
        set_user_scope(session, username="region", municipality_ids=[world.perm], actor="admin")
    app = app.button(key="src_switch").click().run()
    assert not app.exception
    assert "это настройка всего региона" in _errors(app)
    with Session(engine) as session:
        source = session.exec(select(Source).where(Source.target == "-123")).one()
        assert source.enabled
        events = select(AuditEvent).where(AuditEvent.entity_type == "source")
        assert session.exec(events).all() == []


def test_the_model_page_is_refused_to_a_municipal_admin(world: World) -> None:
    with pytest.raises(ValueError, match="navigation page"):  # not offered at all
        open_page(log_in("perm"), "model")
    app = run_page_file(log_in("perm"), "model")  # and the page itself refuses
    assert not app.exception
    assert REGION_WIDE in _errors(app)
    assert not {b.key for b in app.button} & {"model_retrain", "model_promote", "model_rollback"}
    assert open_page(log_in("region"), "model").button(key="model_retrain")


def test_the_rubricator_refuses_a_municipal_admin_on_the_page_and_at_the_click(
    world: World, engine: Engine
) -> None:
    with pytest.raises(ValueError, match="navigation page"):  # not offered at all
        open_page(log_in("perm"), "taxonomy")
    app = run_page_file(log_in("perm"), "taxonomy")  # and the page itself refuses
    assert not app.exception
    assert REGION_WIDE in _errors(app)
    assert app.button == []  # nothing to press
    app = open_page(log_in("region"), "taxonomy")
    app.text_input(key="tax_newcat_code").input("new_cat")
    app.text_input(key="tax_newcat_name").input("Новая категория")
    with Session(engine) as session:
        set_user_scope(session, username="region", municipality_ids=[world.perm], actor="admin")
    app = app.button(key="tax_newcat_submit").click().run()
    assert not app.exception
    assert REGION_WIDE in _errors(app)
    with Session(engine) as session:
        assert session.get(Category, "new_cat") is None
