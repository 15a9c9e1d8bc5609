"""Обращения: reports with deadlines; one report (`?report=N`) with its posts, agency,
history, status and answer. A second list (`?list=kept`) shows the reports closed
automatically with the agency's answer kept: their incident emptied (`triage.emptied`)."""

from datetime import datetime
from typing import Any

import streamlit as st
from sqlmodel import Session

from dashboard import (
    actions,
    auth,
    history,
    jump,
    paging,
    resources,
    row_pick,
    same_place,
    views,
    widgets,
)
from dashboard.publishing import publish_block
from dashboard.queries import address_words, incident_posts, timeline
from dashboard.record_ids import record_id
from dashboard.text import escape_markdown
from models.clock import now
from models.incident import Incident
from models.report import Report
from triage.accounts import Right, has_right
from triage.deadlines import deadlines
from triage.lifecycle import FINAL, TRANSITIONS, change_status
from triage.report_list import (
    KeptAnswerRow,
    ReportCursor,
    ReportRow,
    closed_with_answer_kept,
    count_reports,
    list_reports,
    report_cursor,
)
from triage.reports import is_overdue, set_agency, set_answer
from triage.routing import suggest_agency
from triage.same_place import neighbours
from triage.sla import CLOCK_RUNNING

PAGE_SIZE = 25
TABLE = "rep_table"  # the list's grid: a ticked row opens its report
EXPORT_LIMIT = 100_000
POSTS_SHOWN = 20
CONFIRM = "rep_confirm"  # (report id, version, final status) waiting for «Да»
DUE_FILTERS = {None: "любой", "overdue": "просроченные", "soon": "срок истекает"}
NO_REPORTS = (
    "Обращений пока нет. Обращение создаёт модератор из открытого инцидента: страница"
    " «Инциденты», инцидент из списка, кнопка «Создать обращение»."
)
CURSORS = "rep_cursors"  # (filters, page) -> where that page ended, for the next page
KEPT_CURSORS = "rep_kept_cursors"  # the same for the list of reports closed with answer kept
LISTS = {
    "all": "Все обращения",
    "kept": "Закрыты автоматически, ответ сохранён",
}

login = auth.require(Right.VIEW_REPORTS)
can_handle = has_right(login.role, Right.HANDLE_REPORTS)
st.title("Обращения")

# the sidebar counter links here with ?due=overdue|soon: the filter takes it over once
if "due" in st.query_params:
    due_link = st.query_params.pop("due")
    st.session_state["rep_due"] = due_link if due_link in DUE_FILTERS else None
    st.session_state["rep_list"] = "all"  # the deadlines are in the list of all reports
# ?list=kept opens the list of reports closed automatically with the answer kept
if "list" in st.query_params:
    list_link = st.query_params.pop("list")
    st.session_state["rep_list"] = list_link if list_link in LISTS else "all"


def _filters() -> tuple[object, ...]:
    return (
        tuple(st.session_state.get("rep_statuses") or ()),
        st.session_state.get("rep_mun"),
        st.session_state.get("rep_due"),
    )


def _filter_arguments(db: Session, moment: datetime) -> dict[str, Any]:
    """The filters on screen as `list_reports` / `count_reports` take them."""
    due = st.session_state.get("rep_due")
    soon: tuple[int, ...] = ()
    if due == "soon":  # the sidebar counter's definition, so its number and list agree
        found = deadlines(
            db,
            now=moment,
            soon_hours=resources.settings().sla_soon_due_hours,
            calendar=resources.calendar(),
            scope=login.scope,
        )
        soon = tuple(found.due_soon) or (0,)  # no report has id 0: an empty list
    return {
        "now": moment,
        "statuses": tuple(st.session_state.get("rep_statuses") or ()),
        "municipality_id": st.session_state.get("rep_mun"),
        "overdue_only": due == "overdue",
        "report_ids": soon,
        "scope": login.scope,
    }


def _filtered_rows(
    moment: datetime, *, limit: int, offset: int = 0, after: ReportCursor | None = None
) -> list[ReportRow]:
    """Reports matching the filters on screen (the list and its export)."""
    with resources.session() as db:
        arguments = _filter_arguments(db, moment)
        return list_reports(db, limit=limit, offset=offset, after=after, **arguments)


def _page_rows(moment: datetime, page: int) -> tuple[list[ReportRow], int]:
    """Page `page` (from 0) and how many reports the filters find on all pages. The page
    starts after the previous page's last report when that page was shown with the same
    filters (keyset), else by OFFSET (a page number typed in)."""
    after: ReportCursor | None = paging.previous(CURSORS, _filters(), page)
    cursor = None
    with resources.session() as db:
        arguments = _filter_arguments(db, moment)
        rows = list_reports(db, limit=PAGE_SIZE, offset=page * PAGE_SIZE, after=after, **arguments)
        total = count_reports(db, **arguments)
        if rows:
            at = after.at if after is not None else moment
            cursor = report_cursor(db, report_id=rows[-1].id, at=at)
    paging.remember(CURSORS, _filters(), page, cursor)
    return rows, total


def _open(report_id: int | None) -> None:
    """Make `report_id` the report shown, and its address the page's (?report=N)."""
    if report_id is None:
        st.query_params.pop("report", None)
    else:
        st.query_params["report"] = str(report_id)


def _picked(key: str) -> None:
    row_pick.forget(TABLE)
    _open(st.session_state.get(key))


def _chosen_report() -> int | None:
    return record_id("report")


def _kept_page(page: int) -> list[KeptAnswerRow]:
    """Page `page` (from 0) of the reports closed with the answer kept: keyset after the
    previous page's last closing when that page was shown with the same filter."""
    municipality_id = st.session_state.get("rep_mun")
    after: int | None = paging.previous(KEPT_CURSORS, municipality_id, page)
    with resources.session() as db:
        found = closed_with_answer_kept(
            db,
            scope=login.scope,
            municipality_id=municipality_id,
            limit=PAGE_SIZE,
            offset=page * PAGE_SIZE,
            after=after,
        )
    paging.remember(KEPT_CURSORS, municipality_id, page, found[-1].event_id if found else None)
    return found


def _kept_card(row: KeptAnswerRow) -> None:
    """One report closed with its answer kept: why, when, the answer, where the posts went."""
    with st.container(border=True):
        st.markdown(f"**Обращение №{row.report_id}: {escape_markdown(row.title[:120])}**")
        st.caption(
            f"Закрыто автоматически {views.local_time(row.closed_at)} · "
            f"статус «{views.report_status(row.status)}» · "
            f"Исполнитель: {escape_markdown(row.agency or 'не назначен')} · "
            f"Муниципалитет: {escape_markdown(row.municipality or '—')}"
        )
        st.markdown(f"**Причина:** {escape_markdown(row.reason or '—')}")
        st.markdown(f"**Сохранённый ответ исполнителя:** {escape_markdown(row.answer_text or '—')}")
        if row.merged_into_incident_id is not None:
            st.page_link(
                "screens/incidents.py",
                label=f"Посты перенесены в инцидент №{row.merged_into_incident_id}",
                icon=":material/call_merge:",
                query_params={"incident": str(row.merged_into_incident_id)},
            )
        st.button(
            f"Открыть обращение №{row.report_id}",
            key=f"rep_kept_open_{row.event_id}",
            on_click=_open,
            args=(row.report_id,),
        )


st.radio(
    "Список",
    list(LISTS),
    format_func=LISTS.__getitem__,
    horizontal=True,
    key="rep_list",
    label_visibility="collapsed",
)
kept_list = st.session_state.get("rep_list") == "kept"
left, middle, right, pages = st.columns([4, 4, 4, 2.2])
if not kept_list:
    left.multiselect(
        "Статусы",
        list(views.REPORT_STATUS_NAMES),
        format_func=views.report_status,
        placeholder="все статусы",
        key="rep_statuses",
    )
(left if kept_list else middle).selectbox(
    "Муниципалитет",
    [None, *views.scoped_municipalities(login.scope)],
    format_func=views.municipality_name,
    key="rep_mun",
)
moment = now()
picks: dict[int, str] = {}
if kept_list:
    st.caption(
        "Обращения, закрытые автоматически, когда их инцидент опустел: посты оказались не "
        "сигналами или перенесены в другой инцидент. Ответ исполнителя сохранён; "
        "действовать по нему (проверять, публиковать) больше не нужно."
    )
    kept = _kept_page(widgets.page_number("rep_kept_page"))
    widgets.page_box("rep_kept_page", more=len(kept) == PAGE_SIZE, container=pages)
    for kept_row in kept:
        _kept_card(kept_row)
    if not kept:
        st.info("Обращений, закрытых автоматически с сохранённым ответом, нет.")
    picks = {row.report_id: f"№{row.report_id}: {views.short_title(row.title)}" for row in kept}
else:
    right.selectbox("Срок", list(DUE_FILTERS), format_func=DUE_FILTERS.__getitem__,
                    key="rep_due")  # fmt: skip
    page = widgets.page_number("rep_page")
    rows, total = _page_rows(moment, page)
    widgets.page_box("rep_page", more=total > PAGE_SIZE, container=pages)
    # the grid's toolbar shows over what is just above it: this line, not the page box
    st.caption(f"Найдено: {total}. Страница {page + 1} из {max(1, -(-total // PAGE_SIZE))}.")
    if rows:
        row_pick.table(
            views.reports_table(rows, at=moment),
            name=TABLE,
            ids=[row.id for row in rows],
            param="report",
            opened=_chosen_report(),
            hide_index=True,
            width="stretch",
            column_config=views.report_columns(rows),
        )
        widgets.export_buttons(
            lambda: _filtered_rows(moment, limit=EXPORT_LIMIT),
            file_stem=f"obrashcheniya-{moment:%Y%m%d-%H%M}",
        )
    elif page == 0 and _filters() == ((), None, None):
        st.info(NO_REPORTS)
    else:
        st.info("Обращений с такими условиями нет.")
    picks = {row.id: f"№{row.id}: {views.short_title(row.title)}" for row in rows}

chosen = _chosen_report()
by_id = dict(picks)
if chosen is not None and chosen not in by_id:
    by_id[chosen] = f"№{chosen}"
if not by_id:  # an empty «Обращение» list to pick from says nothing the note above does not
    st.stop()
if chosen is not None and chosen != row_pick.ticked(TABLE, list(picks)):
    jump.into_view(f"report-{chosen}")  # opened by a link, a new report or the box below
st.selectbox(
    "Обращение",
    list(by_id),
    index=list(by_id).index(chosen) if chosen in by_id else None,
    format_func=by_id.__getitem__,
    placeholder="выберите обращение из списка",
    key=f"rep_pick_{chosen}",
    on_change=_picked,
    args=(f"rep_pick_{chosen}",),
)
if chosen is None:
    st.stop()

with resources.session() as db:
    report = db.get(Report, chosen)
    incident = db.get(Incident, report.incident_id) if report else None
    events = timeline(db, entity_type="report", entity_id=chosen)
    posts = incident_posts(db, incident_id=incident.id, limit=POSTS_SHOWN) if incident else []
    nearby = neighbours(db, incident=incident) if incident else []
    # the incident's address and its neighbours' in the words their posts used: one query
    named = [incident.id or 0, *(n.incident.id or 0 for n in nearby)] if incident else []
    words = address_words(db, incident_ids=named)
    suggestion = (
        suggest_agency(
            db,
            topic_code=report.topic_code,
            category_code=incident.category_code,
            municipality_id=report.municipality_id,
        )
        if report and incident
        else None
    )
if (
    report is None
    or incident is None
    or report.id is None
    or not login.scope.covers_report(
        municipality_id=report.municipality_id, agency_id=report.agency_id
    )
):
    st.warning(f"Обращение №{chosen} не найдено.")
    st.stop()


def _deadline(report: Report) -> str:
    """The countdown while the agency owes an answer; otherwise why there is none."""
    if report.status in FINAL:
        return f"закрыто {views.local_time(report.resolved_at or report.updated_at)}"
    if report.paused_at is not None:
        return "срок приостановлен: ждём заявителя"
    if report.status not in CLOCK_RUNNING:
        return "ответ получен"
    left = views.time_left(report.due_at, moment)
    return f":red[{left}]" if is_overdue(report, at=moment) else left


st.subheader(f"Обращение №{report.id}: {escape_markdown(incident.title)}")
agency_name = resources.agencies().get(report.agency_id or 0, "не назначен")
place = views.municipality_name(report.municipality_id) if report.municipality_id else "—"
spans = words.get(incident.id or 0)
category = resources.categories().get(incident.category_code or "", "—")
urgent = " · **срочное**" if report.urgent else ""
st.markdown(
    f"**Статус:** {views.report_status(report.status)} · "
    f"**Срок:** {views.local_time(report.due_at)} · {_deadline(report)}  \n"
    f"**Исполнитель:** {escape_markdown(agency_name)} · "
    f"**Муниципалитет:** {escape_markdown(place)}  \n"
    f"**Категория:** {escape_markdown(category)} · "
    f"**Тема:** {escape_markdown(views.topic_name(report.topic_code))}{urgent} · "
    f"**Адрес:** {escape_markdown(views.address_text(incident.address, spans))}"
)
st.page_link(
    "screens/incidents.py",
    label=f"Инцидент №{incident.id}: {views.short_title(incident.title)} "
    f"({views.empty_reason(incident) or f'постов: {incident.post_count}'})",
    icon=":material/report:",
    query_params={"incident": str(incident.id)},
)
same_place.repeats(nearby, report, words)
if report.answer_text:
    st.markdown("**Ответ заявителю:**")
    st.markdown(escape_markdown(report.answer_text))

with st.expander(f"Посты ({incident.post_count})", expanded=True):
    for post in posts:
        widgets.post_card(post, linked=True)
    if incident.post_count > len(posts):
        st.caption(f"Показаны последние {len(posts)} из {incident.post_count}.")
    if not posts:
        st.caption("У инцидента нет постов.")

with st.expander("История", expanded=False):
    lines = history.report_history(events, agencies=resources.agencies())
    st.markdown("\n".join(f"- {escape_markdown(line)}" for line in lines) or "Событий нет.")

if not can_handle:
    st.stop()


def _change_status(report_id: int, version: int, target: str) -> None:
    """Callbacks carry the version on screen: a change made meanwhile is a conflict."""
    st.session_state.pop(CONFIRM, None)
    actions.perform(
        lambda db: change_status(
            db,
            report_id=report_id,
            status=target,
            actor=login.username,
            user_id=login.user_id,
            expected_version=version,
            calendar=resources.calendar(),
            scope=login.scope,
        ),
        done=f"Статус: {views.report_status(target)}.",
        right=Right.HANDLE_REPORTS,
    )


def _request_status(report_id: int, version: int, key: str) -> None:
    """«Сменить статус»: a final status waits for «Да»; any other is applied at once."""
    target = st.session_state.get(key)
    if target is None:
        return
    if target in FINAL:
        st.session_state[CONFIRM] = (report_id, version, target)
    else:
        _change_status(report_id, version, target)


def _save_answer(report_id: int, version: int, key: str) -> None:
    actions.perform(
        lambda db: set_answer(
            db,
            report_id=report_id,
            text=st.session_state.get(key) or "",
            expected_version=version,
            actor=login.username,
            user_id=login.user_id,
            scope=login.scope,
        ),
        done="Ответ сохранён.",
        right=Right.HANDLE_REPORTS,
    )


def _reroute(report_id: int, version: int, key: str) -> None:
    agency_id = st.session_state.get(key)
    if agency_id is None:
        return
    actions.perform(
        lambda db: set_agency(
            db,
            report_id=report_id,
            agency_id=agency_id,
            expected_version=version,
            actor=login.username,
            user_id=login.user_id,
            scope=login.scope,
        ),
        done=f"Исполнитель: {resources.agencies().get(agency_id, '')}.",
        right=Right.HANDLE_REPORTS,
    )


shown = (report.id, report.version)
following = sorted(TRANSITIONS.get(report.status, frozenset()), key=views.report_status)
if following:
    status_key = f"rep_status_{report.id}_{report.version}"
    target = st.selectbox(
        "Новый статус",
        following,
        index=None,
        placeholder="выберите новый статус",
        format_func=views.report_status,
        key=status_key,
    )
    st.button(
        "Сменить статус",
        key=f"rep_change_{report.id}",
        type="primary",
        disabled=target is None,
        on_click=_request_status,
        args=(*shown, status_key),
    )
    pending = st.session_state.get(CONFIRM)
    if pending and pending[:2] == shown:
        final = views.report_status(pending[2])
        st.warning(
            f"Статус «{final}» окончательный: обращение №{report.id} будет закрыто. Продолжить?"
        )
        yes, no = st.columns(2)
        yes.button(
            f"Да, «{final}»",
            key=f"rep_confirm_yes_{report.id}",
            type="primary",
            on_click=_change_status,
            args=pending,
        )
        no.button("Отмена", key=f"rep_confirm_no_{report.id}", on_click=st.session_state.pop,
                  args=(CONFIRM, None))  # fmt: skip

if report.status not in FINAL:
    agencies = resources.active_agencies()
    agency_key = f"rep_agency_{report.id}_{report.version}"
    options = list(agencies)
    if suggestion is not None and suggestion.agency_id != report.agency_id:
        st.caption(f"Маршрутизация предлагает: {escape_markdown(suggestion.agency_name)}.")
    picked = st.selectbox(
        "Исполнитель",
        options,
        index=options.index(report.agency_id) if report.agency_id in agencies else None,
        format_func=agencies.__getitem__,
        placeholder="выберите исполнителя",
        key=agency_key,
    )
    st.button(
        "Сменить исполнителя",
        key=f"rep_reroute_{report.id}",
        disabled=picked is None or picked == report.agency_id,
        on_click=_reroute,
        args=(*shown, agency_key),
    )

answer_key = f"rep_answer_{report.id}"
st.text_area("Ответ заявителю", value=report.answer_text or "", key=answer_key)
st.button(
    "Сохранить ответ",
    key=f"rep_save_answer_{report.id}",
    on_click=_save_answer,
    args=(*shown, answer_key),
)
publish_block(report.id, username=login.username, user_id=login.user_id)
