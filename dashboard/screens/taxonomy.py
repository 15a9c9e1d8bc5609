"""Рубрикатор: categories and topics — names, SLA, urgency, agency type, activity (admins).

The editing itself is `triage.taxonomy`'s: codes never change, nothing is deleted, every
change is audited. The table's edits are applied on top of the rows as they were drawn
(kept in the session), so a topic someone else changed meanwhile is refused, not overwritten.
Every action runs in a button callback: the page is then drawn again from the database.
The rubricator is region-wide: an admin scoped to municipalities is refused the page, and
each callback checks the territory again at the click.
"""

import textwrap
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from sqlmodel import Session, col, select

from dashboard import auth, columns, names, resources, taxonomy_files
from dashboard.text import escape_markdown
from models.agency import Agency
from models.taxonomy import Category, Topic
from triage.accounts import Right
from triage.taxonomy import (
    MAX_SLA_HOURS,
    TaxonomyError,
    TaxonomyImport,
    add_category,
    add_topic,
    import_taxonomy,
    update_category,
    update_topic,
)

# the table's editable columns (category_code: a topic moved to another category)
EDITED = ("name", "sla_hours", "urgent", "agency_type", "active", "category_code")
DEFAULT_AGENCY_TYPE = "municipal_administration"
# The topics' table fits the 1,366-px laptop (`dashboard.columns`): each column a width, the
# name the rest. A long name or code wraps in taller rows (`_row_height`); an agency type
# shows whole («администрация муниципалитета», «мин. здравоохранения»), the category (the
# one chosen above, whole in the selector and in the column's note) its start cut after a
# word: «Памятники и…», not the grid's own «Памятники и об».
TOPIC_WIDTHS = {
    "code": 112,
    "sla_hours": 72,
    "urgent": 88,
    "agency_type": 218,
    "active": 86,
    "category_code": 128,
}
TOPIC_SIZED = columns.widths(("code", *EDITED), TOPIC_WIDTHS, rest="name")
LINE_PX, ROW_PADDING_PX = 18, 16
FEWEST_LINES, MOST_LINES = 3, 5  # the grid wraps text only in rows over 64 px: three lines
WRAP_SLACK = 2  # characters a line loses to wrapping at words
SHOWN = "tax_shown"  # (category code, rows) the table was drawn from
GENERATION = "tax_generation"  # bumped after every change: a fresh table, no leftover edits
MESSAGES = "tax_messages"  # section -> (kind, markdown), shown once next to the section
STALE = (
    "Темы этой категории изменились после того, как таблица была показана: нажмите "
    "«Обновить таблицу» (несохранённые правки будут сброшены) и внесите правки снова."
)

login = auth.require(Right.MANAGE_TAXONOMY)
st.title("Рубрикатор")
if not login.scope.is_regional:
    st.error(auth.REGION_WIDE)
    st.stop()
st.caption(
    "Коды категорий и тем не меняются, и ничего не удаляется: ненужную тему отключают "
    "(снимают «Активна»), потому что на неё ссылаются посты, обращения и правила "
    "маршрутизации. Новые и переименованные темы классификатор выучит при следующем "
    "переобучении (страница «Модель»)."
)


def _say(section: str, kind: str, text: str) -> None:
    st.session_state.setdefault(MESSAGES, {})[section] = (kind, text)


def _show_message(section: str) -> None:
    kind, text = st.session_state.get(MESSAGES, {}).pop(section, (None, ""))
    if kind is not None:
        {"success": st.success, "error": st.error, "info": st.info}[kind](text)


def _listed(lead: str, problems: list[str]) -> str:
    """A Russian lead sentence and the core's reasons (English, escaped) as a list."""
    return lead + "\n\n" + "\n".join(f"- {escape_markdown(p)}" for p in problems)


def _refresh() -> None:
    """Forget the rows on screen and the edits on them; every page re-reads the rubricator."""
    st.session_state.pop(SHOWN, None)
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1
    resources.clear_reference_data()


def _commit(action: Callable[[Session], Any], *, section: str, refused: str) -> bool:
    """Run `action` in one transaction and commit; a TaxonomyError is said, nothing kept.
    Nothing runs unless the login is still live, may edit the rubricator and is regional."""
    live = auth.allowed(Right.MANAGE_TAXONOMY)
    if live is None:
        return False
    if not live.scope.is_regional:
        _say(section, "error", auth.REGION_WIDE)
        return False
    with resources.session() as db:
        try:
            action(db)
            db.commit()
        except TaxonomyError as error:
            db.rollback()
            _say(section, "error", _listed(refused, error.problems))
            return False
    _refresh()
    return True


def _rows(db: Session, category: str) -> list[dict[str, Any]]:
    topics = db.exec(
        select(Topic).where(Topic.category_code == category).order_by(Topic.position, Topic.code)
    )
    return [{"code": t.code, **{name: getattr(t, name) for name in EDITED}} for t in topics]


def _row_height(rows: list[dict[str, Any]]) -> int | None:
    """Rows tall enough for the longest name and code to wrap whole (in at most
    `MOST_LINES`; the cell's editor shows a longer one whole); None, the grid's own height,
    when each fits on one line."""
    lines = max(
        len(textwrap.wrap(str(row[name]), columns.chars(TOPIC_SIZED[name]) - WRAP_SLACK))
        for row in rows
        for name in ("code", "name")
    )
    if lines <= 1:
        return None
    return min(max(lines, FEWEST_LINES), MOST_LINES) * LINE_PX + ROW_PADDING_PX


def _cell(name: str, value: Any) -> Any:
    """An edited cell as the core expects it: whole hours as int (the editor may send 8.0)."""
    if name == "sla_hours" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _changes(
    shown: list[dict[str, Any]], edits: dict[Any, dict[str, Any]]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(row as shown, changed fields) of each edited row whose values really differ."""
    changed = []
    for position, cells in sorted((int(row), cells) for row, cells in edits.items()):
        if not 0 <= position < len(shown):
            continue
        row = shown[position]
        values = {name: _cell(name, cells[name]) for name in EDITED if name in cells}
        differing = {name: value for name, value in values.items() if value != row[name]}
        if differing:
            changed.append((row, differing))
    return changed


def _save(editor_key: str) -> None:
    """«Сохранить изменения»: every changed row, or none of them, with the values shown."""
    category, shown = st.session_state[SHOWN]
    state = st.session_state.get(editor_key) or {}
    changed = _changes(shown, state.get("edited_rows") or {})
    if not changed:
        _say("table", "info", "Изменений нет.")
        return

    def apply(db: Session) -> None:
        problems = []  # of every row: update_topic checks a row before changing it
        for row, changes in changed:
            try:
                update_topic(
                    db,
                    code=row["code"],
                    changes=changes,
                    expected={name: row[name] for name in EDITED},
                    actor=login.username,
                    user_id=login.user_id,
                )
            except TaxonomyError as error:
                problems += error.problems
        if problems:
            raise TaxonomyError(problems)

    if _commit(apply, section="table", refused="Изменения не сохранены:"):
        _say("table", "success", f"Сохранено тем: {len(changed)}.")
        return
    with resources.session() as db:
        stale = _rows(db, category) != shown
    if stale and "table" in st.session_state.get(MESSAGES, {}):
        kind, text = st.session_state[MESSAGES]["table"]
        _say("table", kind, text + "\n\n" + STALE)


def _add(category: str) -> None:
    """«Добавить тему»: the form's values into the chosen category; the form is emptied."""
    chosen = st.session_state
    values = {
        "code": str(chosen.get("tax_new_code") or "").strip(),
        "category_code": category,
        "name": chosen.get("tax_new_name") or "",
        "sla_hours": int(chosen.get("tax_new_sla") or 0),
        "urgent": bool(chosen.get("tax_new_urgent")),
        "agency_type": chosen.get("tax_new_agency") or DEFAULT_AGENCY_TYPE,
    }
    if _commit(
        lambda db: add_topic(db, values=values, actor=login.username, user_id=login.user_id),
        section="add",
        refused="Тема не добавлена:",
    ):
        _say("add", "success", f"Тема {escape_markdown(values['code'])} добавлена.")
        for key in ("tax_new_code", "tax_new_name"):
            chosen[key] = ""


def _save_category(category: Category, suffix: str) -> None:
    """«Сохранить категорию»: its name and activity, checked against the values shown."""
    chosen = st.session_state
    changes = {"name": chosen.get(f"tax_cat_name_{suffix}") or "",
               "active": bool(chosen.get(f"tax_cat_on_{suffix}"))}  # fmt: skip

    def apply(db: Session) -> None:
        update_category(db, code=category.code, changes=changes,
                        expected={"name": category.name, "active": category.active},
                        actor=login.username, user_id=login.user_id)  # fmt: skip

    if _commit(apply, section="category", refused="Категория не сохранена:"):
        _say("category", "success", "Категория сохранена.")


def _add_category() -> None:
    """«Добавить категорию»: a new, empty category; then it is the one shown."""
    chosen = st.session_state
    values = {"code": str(chosen.get("tax_newcat_code") or "").strip(),
              "name": chosen.get("tax_newcat_name") or ""}  # fmt: skip
    if _commit(
        lambda db: add_category(db, values=values, actor=login.username, user_id=login.user_id),
        section="new_category",
        refused="Категория не добавлена:",
    ):
        _say("new_category", "success", f"Категория {escape_markdown(values['code'])} добавлена.")
        chosen["tax_category"] = values["code"]
        for key in ("tax_newcat_code", "tax_newcat_name"):
            chosen[key] = ""


def _import() -> None:
    """«Импортировать»: the uploaded file, validated as a whole by the core, or nothing."""
    uploaded = st.session_state.get("tax_import_file")
    if uploaded is None:
        _say("import", "error", "Выберите файл рубрикатора (JSON).")
        return
    try:
        document = taxonomy_files.read_document(uploaded.getvalue())
    except ValueError as error:
        _say("import", "error", f"Файл не импортирован: {escape_markdown(str(error))}.")
        return
    replace = bool(st.session_state.get("tax_import_replace"))
    result = TaxonomyImport()

    def apply(db: Session) -> None:
        nonlocal result
        result = import_taxonomy(
            db, document, replace=replace, actor=login.username, user_id=login.user_id
        )

    refused = "Файл не импортирован, ничего не изменено:"
    if _commit(apply, section="import", refused=refused):
        _say(
            "import",
            "success",
            f"Импорт выполнен: добавлено {len(result.added)}, изменено {len(result.updated)}, "
            f"отключено {len(result.deactivated)}, без изменений {result.unchanged}.",
        )


with resources.session() as db:
    categories = {c.code: c for c in db.exec(select(Category).order_by(Category.position))}
    agency_types = set(db.exec(select(Topic.agency_type)))
    agency_types |= set(db.exec(select(Agency.agency_type).where(col(Agency.active))))

category = None
if not categories:
    st.info("Рубрикатор пуст: загрузите файл в разделе «Экспорт и импорт».")
else:
    category = st.selectbox(
        "Категория",
        list(categories),
        format_func=lambda code: (
            f"{categories[code].name} ({code})"
            + ("" if categories[code].active else " (неактивна)")
        ),
        key="tax_category",
    )

if category is not None:
    chosen_category = categories[category]
    # keyed by category and generation: another category, or a saved one, shows its own values
    suffix = f"{category}_{st.session_state.get(GENERATION, 0)}"
    with st.form(f"tax_cat_{suffix}"):
        name_column, active_column = st.columns([3, 1])
        name_column.text_input(
            "Название категории", chosen_category.name, key=f"tax_cat_name_{suffix}"
        )
        active_column.checkbox("Активна", chosen_category.active, key=f"tax_cat_on_{suffix}")
        st.form_submit_button("Сохранить категорию", key="tax_cat_save",
                              on_click=_save_category, args=(chosen_category, suffix))  # fmt: skip
    _show_message("category")
    editor_key = f"tax_topics_{category}_{st.session_state.get(GENERATION, 0)}"
    pending = (st.session_state.get(editor_key) or {}).get("edited_rows")
    shown = st.session_state.get(SHOWN)
    if not pending or shown is None or shown[0] != category:
        # Nothing edited yet: show the database as it is now (and keep it, for the edits).
        with resources.session() as db:
            shown = (category, _rows(db, category))
        st.session_state[SHOWN] = shown
    rows = shown[1]
    options = sorted(agency_types | {row["agency_type"] for row in rows} | {DEFAULT_AGENCY_TYPE})
    if rows:
        st.data_editor(
            pd.DataFrame(rows, columns=["code", *EDITED]),
            key=editor_key,
            hide_index=True,
            num_rows="fixed",
            disabled=["code"],
            width="stretch",
            row_height=_row_height(rows),
            column_config={
                "code": st.column_config.TextColumn("Код", width=TOPIC_SIZED["code"]),
                "name": st.column_config.TextColumn(
                    "Название", width=TOPIC_SIZED["name"], required=True, max_chars=500
                ),
                "sla_hours": st.column_config.NumberColumn(
                    "SLA, ч",
                    width=TOPIC_SIZED["sla_hours"],
                    min_value=1,
                    max_value=MAX_SLA_HOURS,
                    step=1,
                    format="%d",
                    required=True,
                ),
                "urgent": st.column_config.CheckboxColumn("Срочная", width=TOPIC_SIZED["urgent"]),
                "agency_type": st.column_config.SelectboxColumn(
                    "Тип исполнителя",
                    width=TOPIC_SIZED["agency_type"],
                    options=options,
                    required=True,
                    format_func=names.short_agency_type,
                ),
                "active": st.column_config.CheckboxColumn("Активна", width=TOPIC_SIZED["active"]),
                "category_code": st.column_config.SelectboxColumn(
                    "Категория",
                    width=TOPIC_SIZED["category_code"],
                    options=list(categories),
                    required=True,
                    format_func=lambda code: columns.shorten(
                        categories[code].name, columns.chars(TOPIC_SIZED["category_code"])
                    ),
                    help=f"Сейчас — «{chosen_category.name}». Перенести тему в другую "
                    "категорию: выберите её в ячейке (названия категорий в списке сокращены, "
                    "полностью — в поле «Категория» выше)",
                ),
            },
        )
        st.caption(
            "SLA — в рабочих часах; у срочной темы — в календарных. Изменения сохраняются "
            "одной транзакцией: либо все, либо ни одного."
        )
        save, reload = st.columns(2)
        save.button(
            "Сохранить изменения",
            key="tax_save",
            type="primary",
            on_click=_save,
            args=(editor_key,),
        )
        reload.button(
            "Обновить таблицу",
            key="tax_reload",
            on_click=_refresh,
            help="Перечитать темы из базы; несохранённые правки будут сброшены.",
        )
    else:
        st.info("В этой категории пока нет тем.")
    _show_message("table")

    with st.form("tax_add"):
        st.markdown(f"**Новая тема** в категории «{escape_markdown(categories[category].name)}»")
        left, right = st.columns(2)
        left.text_input(
            "Код",
            key="tax_new_code",
            help="Латиница, цифры, «_», «.», «-»; "
            "не меняется после создания. Например: roads_noise",
        )
        right.text_input("Название", key="tax_new_name")
        left.number_input(
            "SLA, ч", min_value=1, max_value=MAX_SLA_HOURS, value=40, step=1, key="tax_new_sla"
        )
        right.selectbox(
            "Тип исполнителя",
            options,
            index=options.index(DEFAULT_AGENCY_TYPE),
            accept_new_options=True,
            format_func=names.agency_type,
            key="tax_new_agency",
        )
        left.checkbox("Срочная (SLA в календарных часах)", key="tax_new_urgent")
        st.form_submit_button(
            "Добавить тему", key="tax_add_submit", on_click=_add, args=(category,)
        )
    _show_message("add")

with st.expander("Новая категория"):
    with st.form("tax_newcat"):
        code_column, name_column = st.columns(2)
        code_column.text_input(
            "Код",
            key="tax_newcat_code",
            help="Латиница, цифры, «_», «.», «-»; не меняется после создания",
        )
        name_column.text_input("Название", key="tax_newcat_name")
        st.form_submit_button("Добавить категорию", key="tax_newcat_submit",
                              on_click=_add_category)  # fmt: skip
    _show_message("new_category")

with st.expander("Экспорт и импорт"):
    with resources.session() as db:
        exported = taxonomy_files.export_bytes(db)
    st.download_button(
        f"Скачать рубрикатор ({taxonomy_files.FILE_NAME})",
        exported,
        file_name=taxonomy_files.FILE_NAME,
        mime=taxonomy_files.MIME_TYPE,
        key="tax_export",
    )
    st.file_uploader("Файл рубрикатора (JSON)", type=["json"], key="tax_import_file")
    st.checkbox(
        "Заменить: отключить темы и категории, которых нет в файле", key="tax_import_replace"
    )
    st.caption(
        "Файл проверяется целиком: при любой ошибке ничего не меняется. Формат — как у "
        "скачанного файла и data/taxonomy.json."
    )
    st.button("Импортировать", key="tax_import", on_click=_import)
    _show_message("import")
