"""Инциденты: posts grouped by problem and place; merge, split, turn into a report."""

import streamlit as st

from dashboard import actions, auth, resources, views, widgets
from dashboard.queries import IncidentFilters, incident_posts, incidents_page
from dashboard.text import escape_markdown
from models.incident import Incident
from triage.accounts import Right, has_right
from triage.answers import incident_public_answers
from triage.incidents import merge_incidents, split_incident
from triage.reports import create_report

PAGE_SIZE = 25

login = auth.require(Right.VIEW_INCIDENTS)
st.title("Инциденты")

left, middle, right = st.columns(3)
status = left.selectbox(
    "Статус", list(views.INCIDENT_STATUS_NAMES), format_func=views.incident_status, key="inc_status"
)
category = middle.selectbox(
    "Категория", [None, *resources.categories()], format_func=views.category_name, key="inc_cat"
)
municipality = right.selectbox(
    "Муниципалитет",
    [None, *resources.municipalities()],
    format_func=views.municipality_name,
    key="inc_mun",
)
filters = IncidentFilters(status=status, category_code=category, municipality_id=municipality)
page = widgets.page_number("inc_page")
with resources.session() as db:
    incidents, total = incidents_page(db, filters=filters, page=page, page_size=PAGE_SIZE)
st.caption(f"Найдено: {total}. Страница {page + 1} из {max(1, -(-total // PAGE_SIZE))}.")
if not incidents:
    st.info("Инцидентов с такими условиями нет.")
    st.stop()
st.dataframe(views.incidents_table(incidents), hide_index=True, width="stretch")

by_id = {incident.id: incident for incident in incidents}
chosen_id = st.selectbox(
    "Инцидент", list(by_id), format_func=lambda i: views.incident_label(by_id[i]), key="inc_pick"
)
incident: Incident = by_id[chosen_id]
st.subheader(escape_markdown(incident.title))
st.caption(
    f"{views.category_name(incident.category_code)} · "
    f"{views.municipality_name(incident.municipality_id)} · постов: {incident.post_count}"
)
with resources.session() as db:
    posts = incident_posts(db, incident_id=chosen_id)
    answers = incident_public_answers(db, incident_id=chosen_id)
for post in posts:
    widgets.post_card(post)
    for answer in answers.get(post.id, []):  # the page's own reply under this post
        st.info(f"Публичный ответ администрации: {escape_markdown(answer.text)}")

if not has_right(login.role, Right.EDIT_INCIDENTS):
    st.stop()


def _create_report(incident_id: int, version: int) -> None:
    """Callbacks carry the versions on screen: a change made meanwhile is a conflict."""
    actions.perform(
        lambda db: create_report(
            db,
            incident_id=incident_id,
            expected_version=version,
            actor=login.username,
            user_id=login.user_id,
            calendar=resources.calendar(),
        ),
        done="Обращение создано.",
    )


def _merge(target_id: int, versions: dict[int, int]) -> None:
    sources = st.session_state["inc_merge_ids"]
    actions.perform(
        lambda db: merge_incidents(
            db,
            target_id=target_id,
            source_ids=sources,
            actor=login.username,
            user_id=login.user_id,
            expected_versions=versions,
        ),
        done="Инциденты объединены.",
    )
    st.session_state["inc_merge_ids"] = []


def _split(incident_id: int, version: int) -> None:
    post_ids = st.session_state["inc_split_ids"]
    actions.perform(
        lambda db: split_incident(
            db,
            incident_id=incident_id,
            post_ids=post_ids,
            actor=login.username,
            user_id=login.user_id,
            expected_version=version,
        ),
        done="Создан новый инцидент.",
    )
    st.session_state["inc_split_ids"] = []


st.button(
    "Создать обращение",
    key="inc_create_report",
    type="primary",
    on_click=_create_report,
    args=(chosen_id, incident.version),
)
merge_ids = st.multiselect(
    "Присоединить к этому инциденту",
    [i for i in by_id if i != chosen_id],
    format_func=lambda i: views.incident_label(by_id[i]),
    key="inc_merge_ids",
)
st.button(
    "Объединить",
    key="inc_merge",
    disabled=not merge_ids,
    on_click=_merge,
    args=(chosen_id, {i: incident.version for i, incident in by_id.items()}),
)
split_ids = st.multiselect(
    "Выделить посты в новый инцидент",
    [p.id for p in posts],
    format_func=lambda i: f"пост №{i}",
    key="inc_split_ids",
)
st.button(
    "Разделить",
    key="inc_split",
    disabled=not split_ids,
    on_click=_split,
    args=(chosen_id, incident.version),
)
