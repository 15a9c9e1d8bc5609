"""Access by territory in the console: a municipal user's pages show only their territory."""

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from otklik.cli import app as cli
from tests.dashboard.conftest import PASSWORD, log_in, open_page
from tests.scope_world import World, build_world
from triage.accounts import create_user, set_user_scope


@pytest.fixture
def world(configured: str, engine: Engine) -> World:
    with Session(engine) as session:
        world = build_world(session)
        create_user(
            session, username="perm", password=PASSWORD, role="admin", municipality_ids=[world.perm]
        )
        create_user(session, username="region", password=PASSWORD, role="admin")
    return world


def test_a_municipal_user_sees_only_their_reports_and_incidents(world: World) -> None:
    app = open_page(log_in("perm"), "reports")
    assert not app.exception
    assert app.selectbox(key="rep_pick_None").options == [f"№{world.perm_report}: Яма на Ленина"]
    assert app.selectbox(key="rep_mun").options == [
        "все муниципалитеты",
        "Пермский городской округ",
    ]
    app = open_page(app, "incidents")
    app.selectbox(key="inc_status").select("reported").run()
    assert not app.exception
    assert len(app.selectbox(key="inc_pick_None").options) == 1
    assert "Яма на Ленина" in app.selectbox(key="inc_pick_None").options[0]


def test_a_regional_user_sees_every_territory(world: World) -> None:
    app = open_page(log_in("region"), "reports")
    assert len(app.selectbox(key="rep_pick_None").options) == 2


def test_a_scope_change_applies_at_the_next_click(world: World, engine: Engine) -> None:
    app = open_page(log_in("perm"), "reports")
    assert len(app.selectbox(key="rep_pick_None").options) == 1
    with Session(engine) as session:
        set_user_scope(session, username="perm", municipality_ids=[world.kungur], actor="admin")
    app.run()
    shown = app.selectbox(key="rep_pick_None").options
    assert shown == [f"№{world.kungur_report}: Не горит фонарь"]


def test_users_cli_scopes_a_user_by_municipality_name(world: World) -> None:
    runner = CliRunner()
    added = runner.invoke(
        cli,
        ["users", "add", "kungur", "--municipality", "Кунгурский муниципальный округ"],
        env={"OTKLIK_NEW_USER_PASSWORD": PASSWORD},
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli, ["users", "list"]).output
    assert f"kungur\toperator\tactive\tmunicipalities {world.kungur}" in listed
    assert "region\tadmin\tactive\tregional" in listed
    changed = runner.invoke(cli, ["users", "scope", "kungur", "--regional"])
    assert changed.exit_code == 0
    assert "kungur\toperator\tactive\tregional" in runner.invoke(cli, ["users", "list"]).output
    wrong = runner.invoke(cli, ["users", "scope", "kungur", "--municipality", "Атлантида"])
    assert wrong.exit_code == 1
    assert "no municipality 'Атлантида'" in wrong.output
    neither = runner.invoke(cli, ["users", "scope", "kungur"])
    assert neither.exit_code == 2


def test_a_deep_link_to_another_territory_shows_nothing(world: World) -> None:
    app = log_in("perm")
    app.query_params["report"] = str(world.kungur_report)
    app = open_page(app, "reports")
    assert not app.exception
    assert f"Обращение №{world.kungur_report} не найдено." in [w.value for w in app.warning]
    assert "Не горит фонарь" not in "\n".join(str(m.value) for m in app.markdown)
