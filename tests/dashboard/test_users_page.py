"""«Пользователи»: a regional admin adds users, changes roles and territories, switches them
off and on — each change audited and re-checked at the click; the last admin stays."""

from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from models.audit import AuditEvent
from models.geo import Municipality
from models.user import User
from tests.dashboard.conftest import PASSWORD, log_in, open_page, run_page_file, texts
from triage.accounts import authenticate, create_user, set_user_scope
from triage.scope import user_municipality_ids


@pytest.fixture
def places(console_users: dict[str, str], engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        names = ("Пермский городской округ", "Кунгурский муниципальный округ")
        rows = [Municipality(region_code="57", name=name) for name in names]
        session.add_all(rows)
        session.commit()
        return {row.name: row.id or 0 for row in rows}


def _user(engine: Engine, username: str) -> User:
    with Session(engine, expire_on_commit=False) as session:
        return session.exec(select(User).where(User.username == username)).one()


def _actions(engine: Engine, user_id: int) -> list[tuple[str, str]]:
    with Session(engine) as session:
        events = session.exec(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "user", AuditEvent.entity_id == user_id)
            .order_by(col(AuditEvent.id))
        )
        return [(event.actor, event.action) for event in events]


def _pick(app: AppTest, engine: Engine, username: str) -> int:
    user_id = _user(engine, username).id or 0
    app.selectbox(key="usr_pick").select(user_id).run()
    return user_id


def test_the_list_shows_roles_states_and_territories_in_russian(
    signed_in: Callable[[str], AppTest], places: dict[str, int], engine: Engine
) -> None:
    with Session(engine) as session:
        set_user_scope(session, username="operator", actor="admin",
                       municipality_ids=[places["Кунгурский муниципальный округ"]])  # fmt: skip
    app = open_page(signed_in("admin"), "users")
    assert not app.exception
    table = app.dataframe[0].value.set_index("Логин")
    assert table.loc["operator", "Роль"] == "оператор ЦУР"
    assert table.loc["operator", "Территория"] == "Кунгурский муниципальный округ"
    assert table.loc["admin", "Территория"] == "весь регион"
    assert set(table["Активен"]) == {"да"}
    assert table.loc["admin", "Последний вход"] != "—"  # signed in just now
    assert table.loc["operator", "Последний вход"] == "—"  # never
    shown = table.to_string() + texts(app)
    assert "$argon2" not in shown and _user(engine, "admin").password_hash not in shown


def test_an_admin_adds_a_user_with_a_territory(
    signed_in: Callable[[str], AppTest], places: dict[str, int], engine: Engine
) -> None:
    app = open_page(signed_in("admin"), "users")
    app.text_input(key="usr_name_0").input("kungur")
    app.text_input(key="usr_password_0").input("надёжный-пароль")
    app.selectbox(key="usr_role_0").select("moderator")
    app.multiselect(key="usr_places_0").select(places["Кунгурский муниципальный округ"])
    app.button(key="FormSubmitter:usr_new_0-Добавить пользователя").click().run()
    assert not app.exception
    added = _user(engine, "kungur")
    assert (added.role, added.active) == ("moderator", True)
    with Session(engine) as session:
        assert user_municipality_ids(session, user_id=added.id or 0) == [
            places["Кунгурский муниципальный округ"]
        ]
        assert authenticate(session, username="kungur", password="надёжный-пароль") is not None
    assert _actions(engine, added.id or 0)[:2] == [("admin", "create"), ("admin", "set_scope")]
    assert "usr_name_1" in [w.key for w in app.text_input]  # a fresh, empty form

    app.text_input(key="usr_name_1").input("kungur")
    app.text_input(key="usr_password_1").input("другой-пароль")
    app.button(key="FormSubmitter:usr_new_1-Добавить пользователя").click().run()
    assert "Пользователь с таким логином уже есть." in texts(app)
    app.text_input(key="usr_name_1").input("short")
    app.text_input(key="usr_password_1").input("123")
    app.button(key="FormSubmitter:usr_new_1-Добавить пользователя").click().run()
    assert "Пароль должен быть не короче 8 символов." in texts(app)
    assert _user(engine, "kungur").id == added.id
    with Session(engine) as session:
        assert session.exec(select(User).where(User.username == "short")).first() is None


def test_role_territory_and_switching_off_are_changed_and_audited(
    signed_in: Callable[[str], AppTest], places: dict[str, int], engine: Engine
) -> None:
    app = open_page(signed_in("admin"), "users")
    user_id = _pick(app, engine, "operator")
    app.selectbox(key=f"usr_role_{user_id}_operator").select("moderator").run()
    app.button(key=f"usr_role_save_{user_id}").click().run()
    assert _user(engine, "operator").role == "moderator"

    perm = places["Пермский городской округ"]
    app.multiselect(key=f"usr_places_{user_id}_").select(perm).run()
    app.button(key=f"usr_places_save_{user_id}").click().run()
    with Session(engine) as session:
        assert user_municipality_ids(session, user_id=user_id) == [perm]
    assert app.dataframe[0].value.set_index("Логин").loc["operator", "Территория"] == (
        "Пермский городской округ"
    )

    app.button(key=f"usr_off_{user_id}").click().run()
    assert _user(engine, "operator").active  # it asks first
    app.button(key=f"usr_off_yes_{user_id}").click().run()
    assert not _user(engine, "operator").active
    assert app.dataframe[0].value.set_index("Логин").loc["operator", "Активен"] == "нет"
    app.button(key=f"usr_on_{user_id}").click().run()
    assert _user(engine, "operator").active
    assert _actions(engine, user_id)[1:] == [
        ("admin", "change_role"),
        ("admin", "set_scope"),
        ("admin", "deactivate"),
        ("admin", "reactivate"),
    ]


def test_the_last_active_admin_can_be_neither_demoted_nor_switched_off(
    signed_in: Callable[[str], AppTest], places: dict[str, int], engine: Engine
) -> None:
    app = open_page(signed_in("admin"), "users")
    admin_id = _pick(app, engine, "admin")
    app.selectbox(key=f"usr_role_{admin_id}_admin").select("operator").run()
    app.button(key=f"usr_role_save_{admin_id}").click().run()
    assert "последний активный администратор" in texts(app)
    app.button(key=f"usr_off_{admin_id}").click().run()
    app.button(key=f"usr_off_yes_{admin_id}").click().run()
    assert "последний активный администратор" in texts(app)
    assert (_user(engine, "admin").role, _user(engine, "admin").active) == ("admin", True)

    with Session(engine) as session:  # with a second admin, the first may step down
        create_user(session, username="second", password=PASSWORD, role="admin")
    app.run()
    app.selectbox(key=f"usr_role_{admin_id}_admin").select("operator").run()
    app.button(key=f"usr_role_save_{admin_id}").click().run()
    assert _user(engine, "admin").role == "operator"
    assert "войдите снова" in texts(app)  # a role changed under a login ends it at once


def test_a_municipal_admin_manages_no_users_not_even_through_a_stale_page(
    signed_in: Callable[[str], AppTest], places: dict[str, int], engine: Engine
) -> None:
    perm = places["Пермский городской округ"]
    with Session(engine) as session:
        create_user(session, username="perm_admin", password=PASSWORD, role="admin",
                    municipality_ids=[perm])  # fmt: skip
    with pytest.raises(ValueError, match="navigation page"):  # not offered at all
        open_page(log_in("perm_admin"), "users")
    municipal = run_page_file(log_in("perm_admin"), "users")  # and the page itself refuses
    assert "только администратор всего региона" in texts(municipal)
    assert not municipal.dataframe

    app = open_page(signed_in("admin"), "users")
    user_id = _pick(app, engine, "operator")
    app.button(key=f"usr_off_{user_id}").click().run()
    with Session(engine) as session:  # meanwhile the admin's own territory is narrowed
        set_user_scope(session, username="admin", municipality_ids=[perm], actor="second")
    app.button(key=f"usr_off_yes_{user_id}").click().run()
    assert _user(engine, "operator").active
    assert "только администратор всего региона" in texts(app)
    assert [a for a in _actions(engine, user_id) if a[1] == "deactivate"] == []
