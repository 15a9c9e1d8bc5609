"""Рубрикатор: edit topics in the table, add one, import and export files — on both databases."""

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from dashboard.taxonomy_files import export_bytes, read_document
from models.audit import AuditEvent
from models.taxonomy import Category, Topic
from otklik.paths import DATA_DIR
from tests.dashboard.conftest import DASHBOARD, TIMEOUT, open_page, texts
from triage.taxonomy import FORMAT, import_taxonomy


def _page(signed_in: Callable[[str], AppTest]) -> AppTest:
    app = open_page(signed_in("admin"), "taxonomy")
    assert not app.exception
    assert app.title[0].value == "Рубрикатор"
    return app


def _edit(app: AppTest, cells: dict[str, dict[str, Any]]) -> AppTest:
    """Type into the topics table (code -> column -> value), as the browser would."""
    table = app.data_editor[0]
    codes = list(table.value["code"])
    edited = {codes.index(code): values for code, values in cells.items()}
    app.session_state[table.key] = {"edited_rows": edited, "added_rows": [], "deleted_rows": []}
    return app


def _topic(engine: Engine, code: str) -> Topic:
    with Session(engine) as session:
        topic = session.get(Topic, code)
        assert topic is not None
        return topic


def _topic_events(engine: Engine) -> list[AuditEvent]:
    with Session(engine) as session:
        query = select(AuditEvent).where(AuditEvent.entity_type == "topic")
        return list(session.exec(query.order_by(AuditEvent.id)))


def _read(markdown: str) -> str:
    """A message as the user reads it (the page escapes every punctuation mark)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _errors(app: AppTest) -> str:
    return "\n".join(_read(e.value) for e in app.error)


def _successes(app: AppTest) -> list[str]:
    return [_read(s.value) for s in app.success]


def test_operator_and_moderator_cannot_open_the_page(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]]
) -> None:
    for role in ("operator", "moderator"):
        app = signed_in(role)
        with pytest.raises(ValueError, match="navigation page"):
            app.switch_page("screens/taxonomy.py")
        direct = AppTest.from_file(str(DASHBOARD / "screens/taxonomy.py"), default_timeout=TIMEOUT)
        for key, value in app.session_state.to_dict().items():
            direct.session_state[key] = value
        direct.run()
        assert not direct.exception
        assert any("Нет доступа" in e.value for e in direct.error)
        assert not direct.data_editor


def test_edited_name_and_sla_are_saved_audited_and_seen_by_other_pages(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    queue = open_page(signed_in("moderator"), "queue")
    assert "Тема: Водоснабжение" in texts(queue)  # the topic names are now cached

    app = _page(signed_in)
    assert app.selectbox(key="tax_category").value == "zhkh"
    table = app.data_editor[0].value
    assert list(table["code"]) == ["zhkh.power", "zhkh.water"]
    assert list(table["sla_hours"]) == [40, 40]

    _edit(app, {"zhkh.water": {"name": "Холодное водоснабжение", "sla_hours": 8}})
    app.button(key="tax_save").click().run()
    assert not app.exception
    assert _successes(app) == ["Сохранено тем: 1."]
    water = _topic(engine, "zhkh.water")
    assert (water.name, water.sla_hours) == ("Холодное водоснабжение", 8)
    assert _topic(engine, "zhkh.power").sla_hours == 40
    [event] = _topic_events(engine)
    assert (event.action, event.actor, event.entity_id) == ("update", "admin", 0)
    assert event.before is not None and event.after is not None
    assert (event.before["code"], event.before["name"], event.before["sla_hours"]) == (
        "zhkh.water",
        "Водоснабжение",
        40,
    )
    assert (event.after["name"], event.after["sla_hours"]) == ("Холодное водоснабжение", 8)
    # the table is drawn again from the database, without the edits
    table = app.data_editor[0].value
    assert list(table["name"]) == ["Электроснабжение", "Холодное водоснабжение"]
    assert list(table["sla_hours"]) == [40, 8]

    queue = open_page(signed_in("moderator"), "queue")  # names cached for 5 minutes
    assert "Тема: Холодное водоснабжение" in texts(queue)


def test_an_invalid_table_is_refused_whole(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    app = _page(signed_in)
    _edit(
        app,
        {
            "zhkh.power": {"sla_hours": 0, "urgent": True},  # urgent alone would be valid
            "zhkh.water": {"name": "   ", "agency_type": "road_agency"},
        },
    )
    app.button(key="tax_save").click().run()
    assert not app.exception
    message = _errors(app)
    assert message.startswith("Изменения не сохранены:")
    assert "topic zhkh.power: sla_hours must be between 1 and 2000, not 0" in message
    assert "topic zhkh.water: the name is empty" in message
    assert "изменились после того" not in message  # not a stale edit
    power, water = _topic(engine, "zhkh.power"), _topic(engine, "zhkh.water")
    assert (power.sla_hours, power.urgent) == (40, False)
    assert (water.name, water.agency_type) == ("Водоснабжение", "municipal_administration")
    assert _topic_events(engine) == []

    # the edits stay on screen to be corrected; the corrected table saves
    _edit(app, {"zhkh.power": {"sla_hours": 4, "urgent": True}})
    app.button(key="tax_save").click().run()
    assert not app.exception
    assert _successes(app) == ["Сохранено тем: 1."]
    power = _topic(engine, "zhkh.power")
    assert (power.sla_hours, power.urgent) == (4, True)


def test_a_stale_edit_is_refused(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    app = _page(signed_in)
    with Session(engine) as session:  # another admin, after the page was drawn
        water = session.get(Topic, "zhkh.water")
        assert water is not None
        water.sla_hours = 24
        session.add(water)
        session.commit()

    _edit(app, {"zhkh.water": {"name": "Вода"}}).run()  # the browser reruns on each edit
    assert list(app.data_editor[0].value["sla_hours"]) == [40, 40]  # the edits' base, kept
    app.button(key="tax_save").click().run()
    assert not app.exception
    message = _errors(app)
    assert message.startswith("Изменения не сохранены:")
    assert "changed by someone else" in message
    assert "нажмите «Обновить таблицу»" in message
    water = _topic(engine, "zhkh.water")
    assert (water.name, water.sla_hours) == ("Водоснабжение", 24)
    assert _topic_events(engine) == []

    app.button(key="tax_reload").click().run()
    assert not app.exception
    assert list(app.data_editor[0].value["sla_hours"]) == [40, 24]
    assert not app.error


def test_add_a_topic_to_the_chosen_category(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    app = _page(signed_in)
    app.selectbox(key="tax_category").select("roads").run()
    assert list(app.data_editor[0].value["code"]) == ["roads.pits"]

    app.text_input(key="tax_new_code").input("roads.snow")
    app.text_input(key="tax_new_name").input("Нечищеный снег")
    app.number_input(key="tax_new_sla").set_value(12)
    app.checkbox(key="tax_new_urgent").check()
    app.button(key="tax_add_submit").click().run()
    assert not app.exception
    assert _successes(app) == ["Тема roads.snow добавлена."]
    snow = _topic(engine, "roads.snow")
    assert (snow.category_code, snow.name, snow.sla_hours, snow.urgent, snow.active) == (
        "roads",
        "Нечищеный снег",
        12,
        True,
        True,
    )
    assert snow.agency_type == "municipal_administration"
    assert list(app.data_editor[0].value["code"]) == ["roads.pits", "roads.snow"]
    assert app.text_input(key="tax_new_code").value == ""  # the form is emptied
    [event] = _topic_events(engine)
    assert (event.action, event.before) == ("create", None)

    app.text_input(key="tax_new_code").input("Дороги!")
    app.text_input(key="tax_new_name").input("Что-то")
    app.button(key="tax_add_submit").click().run()
    assert not app.exception
    assert _errors(app).startswith("Тема не добавлена:")
    assert "must be 1-64 lowercase letters" in _errors(app)
    assert len(_topic_events(engine)) == 1


def _upload(app: AppTest, content: bytes, *, replace: bool) -> AppTest:
    app.file_uploader(key="tax_import_file").set_value(
        ("taxonomy.json", content, "application/json")
    )
    app.run()
    if replace:
        app.checkbox(key="tax_import_replace").check()
    app.button(key="tax_import").click().run()
    assert not app.exception
    return app


def test_import_with_replace_deactivates_what_the_file_leaves_out(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    document = {
        "format": FORMAT,
        "categories": [
            {
                "code": "zhkh",
                "name": "ЖКХ",
                "topics": [
                    {"code": "zhkh.water", "name": "Водоснабжение", "sla_hours": 16},
                    {"code": "zhkh.heat", "name": "Отопление", "urgent": True},
                ],
            }
        ],
    }
    app = _page(signed_in)
    _upload(app, json.dumps(document, ensure_ascii=False).encode(), replace=True)
    assert _successes(app) == [
        "Импорт выполнен: добавлено 1, изменено 1, отключено 3, без изменений 1."
    ]
    with Session(engine) as session:
        topics = {t.code: t for t in session.exec(select(Topic))}
        roads = session.get(Category, "roads")
        assert roads is not None and roads.active is False
    assert {code: t.active for code, t in topics.items()} == {
        "zhkh.water": True,
        "zhkh.heat": True,
        "zhkh.power": False,  # kept: posts refer to it
        "roads.pits": False,
    }
    assert topics["zhkh.water"].sla_hours == 16
    assert topics["zhkh.heat"].urgent is True
    actions = sorted(e.action for e in _topic_events(engine))
    assert actions == ["create", "deactivate", "deactivate", "update"]
    # the page shows the new state: the new topic in the table, the category marked
    assert list(app.data_editor[0].value["code"]) == ["zhkh.power", "zhkh.water", "zhkh.heat"]
    assert list(app.data_editor[0].value["active"]) == [False, True, True]
    assert "Дороги (roads) (неактивна)" in app.selectbox(key="tax_category").options


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"format": "otklik-taxonomy/1", "categories": [', "это не JSON (строка 1"),
        ("Рубрикатор".encode("cp1251"), "файл не в кодировке UTF-8"),
        (b'{"format": "something-else"}', "not a rubricator file"),
        (
            b'{"format": "otklik-taxonomy/1", "categories": [{"code": "zhkh", "name": "X",'
            b' "topics": [{"code": "zhkh.water", "name": "", "sla_hours": 5000}]}]}',
            "sla_hours must be between 1 and 2000, not 5000",
        ),
        (
            b'{"format": "otklik-taxonomy/1", "categories": [{"code": "zhkh", "name": "X",'
            b' "active": "yes", "topics": [{"code": "zhkh.water", "name": "W"}]}]}',
            "active must be true or false",
        ),
        (
            b'{"format": "otklik-taxonomy/1", "categories": [{"code": "zhkh", "name": "X",'
            b' "topics": 5}]}',
            "topics must be a list",
        ),
    ],
)
def test_a_bad_file_is_refused_with_a_reason(
    signed_in: Callable[[str], AppTest],
    seeded: dict[str, list[int]],
    engine: Engine,
    content: bytes,
    reason: str,
) -> None:
    app = _page(signed_in)
    _upload(app, content, replace=True)
    assert _errors(app).startswith("Файл не импортирован")
    assert reason in _errors(app)
    assert not app.success
    with Session(engine) as session:
        assert all(t.active for t in session.exec(select(Topic)))
        assert all(c.active for c in session.exec(select(Category)))
        assert session.get(Category, "zhkh").name == "ЖКХ"  # type: ignore[union-attr]
    assert _topic_events(engine) == []


def test_the_export_imports_back_unchanged(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    app = _page(signed_in)
    assert app.download_button(key="tax_export").label == "Скачать рубрикатор (taxonomy.json)"
    with Session(engine) as session:
        power = session.get(Topic, "zhkh.power")
        assert power is not None
        power.active = False
        session.add(power)
        session.commit()
        exported = export_bytes(session)
    document = read_document(exported)
    assert [c["code"] for c in document["categories"]] == ["zhkh", "roads"]
    assert exported.decode("utf-8").count("\n") > 10  # pretty, for people to read
    assert "Водоснабжение" in exported.decode("utf-8")  # not \u-escaped

    with Session(engine) as session:
        result = import_taxonomy(session, document, replace=True, actor="admin", user_id=None)
        assert (result.added, result.updated, result.deactivated) == ([], [], [])
        assert result.unchanged == 5

    # the same file through the page's uploader
    _upload(app, exported, replace=True)
    assert _successes(app) == [
        "Импорт выполнен: добавлено 0, изменено 0, отключено 0, без изменений 5."
    ]


def test_an_empty_rubricator_is_filled_from_the_default_file(
    signed_in: Callable[[str], AppTest], console_users: dict[str, str], engine: Engine
) -> None:
    app = _page(signed_in)
    assert "Рубрикатор пуст" in texts(app)
    assert not app.data_editor
    _upload(app, (DATA_DIR / "taxonomy.json").read_bytes(), replace=False)
    assert _successes(app) == [
        "Импорт выполнен: добавлено 226, изменено 0, отключено 0, без изменений 0."
    ]
    assert app.selectbox(key="tax_category").value == "roads"
    assert "roads_potholes" in list(app.data_editor[0].value["code"])


def _labelled(widgets: Any, label: str) -> Any:
    [widget] = [w for w in widgets if w.label == label]
    return widget


def _category(engine: Engine, code: str) -> Category:
    with Session(engine) as session:
        category = session.get(Category, code)
        assert category is not None
        return category


def test_rename_and_deactivate_a_category_add_one_and_move_a_topic(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    app = _page(signed_in)
    app.selectbox(key="tax_category").select("roads").run()
    assert _labelled(app.text_input, "Название категории").value == "Дороги"
    _labelled(app.text_input, "Название категории").input("Дороги и мосты")
    _labelled(app.checkbox, "Активна").uncheck()
    app.button(key="tax_cat_save").click().run()
    assert not app.exception
    assert _successes(app) == ["Категория сохранена."]
    roads = _category(engine, "roads")
    assert (roads.name, roads.active) == ("Дороги и мосты", False)
    assert "Дороги и мосты (roads) (неактивна)" in app.selectbox(key="tax_category").options

    _labelled(app.text_input, "Название категории").input("   ")  # refused, nothing saved
    app.button(key="tax_cat_save").click().run()
    assert "the name is empty" in _errors(app)
    assert _category(engine, "roads").name == "Дороги и мосты"

    app.text_input(key="tax_newcat_code").input("noise")
    app.text_input(key="tax_newcat_name").input("Шум")
    app.button(key="tax_newcat_submit").click().run()
    assert not app.exception
    assert _successes(app) == ["Категория noise добавлена."]
    assert _category(engine, "noise").name == "Шум"
    assert app.selectbox(key="tax_category").value == "noise"  # shown at once, still empty
    assert not app.data_editor

    app.selectbox(key="tax_category").select("roads").run()
    _edit(app, {"roads.pits": {"category_code": "noise"}})
    app.button(key="tax_save").click().run()
    assert not app.exception
    assert _topic(engine, "roads.pits").category_code == "noise"
    with Session(engine) as session:
        actions = [e.action for e in session.exec(
            select(AuditEvent).where(AuditEvent.entity_type == "category")
        )]  # fmt: skip
    assert sorted(actions) == ["create", "update"]


HERITAGE = "Памятники и объекты культурного наследия"


def test_a_long_category_name_is_cut_after_a_word_and_named_whole_in_the_note(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """The table's «Категория» showed «Памятники и об» at 1,366 px (the grid cuts a choice
    mid-word, with no «…»): a start cut after a word, the whole name in the column's note."""
    with Session(engine) as session:
        session.add(Category(code="heritage", name=HERITAGE, position=0))
        session.add(Topic(code="heritage.signs", category_code="heritage", name="Табличка"))
        session.commit()
    app = _page(signed_in)
    app.selectbox(key="tax_category").select("heritage").run()
    columns = json.loads(app.data_editor[0].proto.columns)
    category = columns["category_code"]
    labels = {o["value"]: o["label"] for o in category["type_config"]["options"]}
    assert labels["heritage"] == "Памятники и…" and labels["zhkh"] == "ЖКХ", labels
    assert f"«{HERITAGE}»" in category["help"]
