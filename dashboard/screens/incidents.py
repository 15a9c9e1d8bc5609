"""Инциденты: posts grouped by problem and place; merge, split, turn into a report."""

import streamlit as st

from dashboard import (
    actions,
    auth,
    jump,
    paging,
    resources,
    row_pick,
    same_place,
    views,
    widgets,
)
from dashboard.queries import (
    IncidentFilters,
    address_words,
    incident_cursor,
    incident_posts,
    incidents_page,
)
from dashboard.record_ids import record_id
from dashboard.text import escape_markdown
from models.incident import Incident, IncidentStatus
from models.parents import parent_posts
from models.post import PostKind
from triage.accounts import Right, has_right
from triage.answers import incident_public_answers
from triage.emptied import is_empty
from triage.incidents import merge_incidents, split_incident
from triage.reports import create_report, open_report, open_report_among
from triage.same_place import duplicated_report, neighbours, returned_problem

PAGE_SIZE = 25
TABLE = "inc_table"  # the list's grid: a ticked row opens its incident
CURSORS = "inc_cursors"  # (filters, page) -> where that page ended, for the next page

CREATED = "inc_created_report"  # the report a click just created: opened next
MERGE_CONFIRM = "inc_merge_confirm"  # (target id, versions, source ids) waiting for «Да»
JOINABLE = (IncidentStatus.OPEN, IncidentStatus.REPORTED)  # offered to join the same problem

login = auth.require(Right.VIEW_INCIDENTS)
if (created := st.session_state.pop(CREATED, None)) is not None:
    st.switch_page("screens/reports.py", query_params={"report": str(created)})
st.title("Инциденты")


def _picked(key: str) -> None:
    """Make the picked incident the one shown, and its address the page's (?incident=N)."""
    row_pick.forget(TABLE)
    picked = st.session_state.get(key)
    if picked is None:
        st.query_params.pop("incident", None)
    else:
        st.query_params["incident"] = str(picked)


def _chosen_incident() -> int | None:
    return record_id("incident")


left, middle, right, pages = st.columns([4, 4, 4, 2.2])
status = left.selectbox(
    "Статус", list(views.INCIDENT_STATUS_NAMES), format_func=views.incident_status, key="inc_status"
)
category = middle.selectbox(
    "Категория", [None, *resources.categories()], format_func=views.category_name, key="inc_cat"
)
municipality = right.selectbox(
    "Муниципалитет",
    [None, *views.scoped_municipalities(login.scope)],
    format_func=views.municipality_name,
    key="inc_mun",
)
filters = IncidentFilters(status=status, category_code=category, municipality_id=municipality)
page = widgets.page_number("inc_page")
with resources.session() as db:
    incidents, total = incidents_page(
        db,
        filters=filters,
        page=page,
        page_size=PAGE_SIZE,
        scope=login.scope,
        after=paging.previous(CURSORS, filters, page),
    )
paging.remember(CURSORS, filters, page, incident_cursor(incidents))
widgets.page_box("inc_page", more=total > PAGE_SIZE, container=pages)
st.caption(f"Найдено: {total}. Страница {page + 1} из {max(1, -(-total // PAGE_SIZE))}.")
chosen_id = _chosen_incident()
if incidents:
    shown = status is None  # one status chosen: the filter says it, not a column
    row_pick.table(
        views.incidents_table(incidents, with_status=shown),
        name=TABLE,
        ids=[incident.id for incident in incidents],
        param="incident",
        opened=chosen_id,
        hide_index=True,
        width="stretch",
        column_config=views.incident_columns(incidents, with_status=shown),
    )
else:
    st.info("Инцидентов с такими условиями нет.")

by_id = {incident.id: incident for incident in incidents}
if chosen_id is not None and chosen_id not in by_id:
    with resources.session() as db:
        linked = db.get(Incident, chosen_id)
    if linked is None or not login.scope.covers_municipality(linked.municipality_id):
        st.warning(f"Инцидент №{chosen_id} не найден.")
        chosen_id = None
    else:
        by_id[chosen_id] = linked
if chosen_id is not None and chosen_id != row_pick.ticked(TABLE, [i.id for i in incidents]):
    jump.into_view(f"incident-{chosen_id}")  # opened by a link, a merge or the box below
st.selectbox(
    "Инцидент",
    list(by_id),
    index=list(by_id).index(chosen_id) if chosen_id in by_id else None,
    format_func=lambda i: views.incident_label(by_id[i]),
    placeholder="выберите инцидент из списка",
    key=f"inc_pick_{chosen_id}",
    on_change=_picked,
    args=(f"inc_pick_{chosen_id}",),
)
if chosen_id is None:
    st.stop()
incident: Incident = by_id[chosen_id]
st.subheader(escape_markdown(incident.title))
problem = views.problem_markdown(incident.category_code, incident.topic_code)
place = (
    views.municipality_name(incident.municipality_id)
    if incident.municipality_id is not None
    else "муниципалитет не определён"
)
with resources.session() as db:
    posts = incident_posts(db, incident_id=chosen_id)
    parents = parent_posts(db, posts=posts)  # a reply means little without what it answers
    report = open_report(db, incident_id=chosen_id)
    answers = incident_public_answers(db, incident_id=chosen_id)
    nearby = neighbours(db, incident=incident)
    # the card's address and its neighbours' in the words their posts used: one query
    named = [chosen_id, *(n.incident.id or 0 for n in nearby)] if incident.address else []
    words = address_words(db, incident_ids=named)
spans = words.get(chosen_id)
address = f"адрес: {escape_markdown(views.address_text(incident.address, spans))}"
facts = [views.card_status(incident), problem, escape_markdown(place), address,
         views.card_posts(incident)]  # fmt: skip
st.caption(" · ".join(fact for fact in facts if fact))
if report is not None:
    st.page_link(
        "screens/reports.py",
        label=f"Обращение №{report.id}: {views.report_status(report.status)}",
        icon=":material/assignment:",
        query_params={"report": str(report.id)},
    )
same_place.history(nearby, words)
answered: int | None = None  # the post the previous card answers: quoted once, not each time
for post in posts:
    parent = parents.get(post.id or 0)
    if parent is not None and parent.id == answered:
        what = "комментарий" if parent.kind == PostKind.COMMENT else "пост"
        st.caption(f"↳ Тоже в ответ на [{what} №{parent.id}](post?id={parent.id})")
    else:
        widgets.in_reply_to(post, parent)
    answered = parent.id if parent is not None else None
    widgets.post_card(post, linked=True)
    widgets.public_answers(answers.get(post.id or 0, []))  # the page's replies under it

if not has_right(login.role, Right.EDIT_INCIDENTS):
    st.caption("Создать обращение, объединить или разделить инциденты может модератор.")
    st.stop()
if is_empty(incident):  # kept for the record: no report, and no part in a merge
    st.caption(
        "Инцидент объединён: обращение, объединение и разделение — в "
        f"{views.incident_link(incident.merged_into_id, 'инциденте')}."
        if incident.status == IncidentStatus.MERGED
        else "В инциденте не осталось постов: обращение не создаётся, объединять и разделять "
        "нечего."
    )
    st.stop()


def _create_report(incident_id: int, version: int) -> None:
    """Callbacks carry the versions on screen: a change made meanwhile is a conflict."""
    created = actions.perform(
        lambda db: create_report(
            db,
            incident_id=incident_id,
            expected_version=version,
            actor=login.username,
            user_id=login.user_id,
            calendar=resources.calendar(),
            scope=login.scope,
        ),
        done="Обращение создано.",
        right=Right.EDIT_INCIDENTS,
    )
    if created is not None:
        st.session_state[CREATED] = created.id


def _merge(target_id: int, versions: dict[int, int], sources: list[int]) -> None:
    st.session_state.pop(MERGE_CONFIRM, None)
    merged = actions.perform(
        lambda db: merge_incidents(
            db,
            target_id=target_id,
            source_ids=sources,
            actor=login.username,
            user_id=login.user_id,
            expected_versions=versions,
            scope=login.scope,
            calendar=resources.calendar(),
        ),
        done="Инциденты объединены.",
        right=Right.EDIT_INCIDENTS,
    )
    if merged is not None and chosen_id in sources:  # this one was folded: show where it went
        st.query_params["incident"] = str(target_id)


def _split(incident_id: int, version: int, key: str) -> None:
    post_ids = st.session_state.get(key) or []
    actions.perform(
        lambda db: split_incident(
            db,
            incident_id=incident_id,
            post_ids=post_ids,
            actor=login.username,
            user_id=login.user_id,
            expected_version=version,
            scope=login.scope,
        ),
        done="Создан новый инцидент.",
        right=Right.EDIT_INCIDENTS,
    )


duplicated = duplicated_report(nearby) if report is None else None
returned = returned_problem(incident, nearby) if duplicated is None else None
# an incident with an open report joins the resolved one too: its report stays the one
joining = incident.status in JOINABLE and (duplicated or returned) is not None
if joining:
    if duplicated is not None:
        same_place.duplicate_warning(incident, duplicated)
        target = duplicated.incident
        label = f"Присоединить к инциденту №{target.id}"
    else:
        assert returned is not None and returned.report is not None
        same_place.returned_warning(incident, returned, report)
        target = returned.incident
        label = same_place.returned_join_label(returned, report)
    st.button(
        label,
        key=f"inc_join_{chosen_id}",
        type="primary",  # the warning's advice; «Создать обращение» below is then secondary
        on_click=st.session_state.__setitem__,
        args=(
            MERGE_CONFIRM,
            (target.id, {target.id: target.version, chosen_id: incident.version}, [chosen_id]),
        ),
    )
if incident.status != IncidentStatus.OPEN or report is not None:
    st.caption("Обращение по инциденту можно создать, пока инцидент открыт и без обращения.")
else:
    st.button(
        "Создать обращение",
        key=f"inc_create_report_{chosen_id}",
        type="secondary" if joining else "primary",
        on_click=_create_report,
        args=(chosen_id, incident.version),
    )

merge_key = f"inc_merge_ids_{chosen_id}"
# its place's, then the list's; none merged already or emptied (`triage.emptied.is_empty`)
joinable = {
    i: other
    for i, other in ({n.incident.id: n.incident for n in nearby} | by_id).items()
    if not is_empty(other)
}
merge_ids = st.multiselect(
    "Присоединить к этому инциденту",
    [i for i in joinable if i != chosen_id],
    format_func=lambda i: views.incident_label(joinable[i]),
    placeholder="выберите инциденты",
    key=merge_key,
)
versions = {i: joinable[i].version for i in [chosen_id, *merge_ids]}
st.button(
    "Объединить",
    key=f"inc_merge_{chosen_id}",
    disabled=not merge_ids,
    on_click=st.session_state.__setitem__,
    args=(MERGE_CONFIRM, (chosen_id, versions, list(merge_ids))),
)
pending = st.session_state.get(MERGE_CONFIRM)
if pending and chosen_id in (pending[0], *pending[2]):
    with resources.session() as db:  # the report that stays in work, if any has one
        in_work = open_report_among(db, incident_ids=[pending[0], *pending[2]])
    st.warning(same_place.merge_question(pending[0], pending[2], returned, in_work))
    yes, no = st.columns(2)
    yes.button("Да, объединить", key=f"inc_merge_yes_{chosen_id}", type="primary",
               on_click=_merge, args=pending)  # fmt: skip
    no.button("Отмена", key=f"inc_merge_no_{chosen_id}", on_click=st.session_state.pop,
              args=(MERGE_CONFIRM, None))  # fmt: skip

split_key = f"inc_split_ids_{chosen_id}"
split_ids = st.multiselect(
    "Выделить посты в новый инцидент",
    [p.id for p in posts],
    format_func=lambda i: f"пост №{i}",
    placeholder="выберите посты",
    key=split_key,
)
st.button(
    "Разделить",
    key=f"inc_split_{chosen_id}",
    disabled=not split_ids,
    on_click=_split,
    args=(chosen_id, incident.version, split_key),
)
