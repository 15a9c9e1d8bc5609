"""Обращения: reports with deadlines, the detail timeline, status changes, the answer."""

from datetime import datetime

import streamlit as st

from dashboard import actions, auth, resources, views, widgets
from dashboard.publishing import publish_block
from dashboard.queries import timeline
from dashboard.text import escape_markdown
from models.clock import now
from models.incident import Incident
from models.report import Report
from triage.accounts import Right, has_right
from triage.lifecycle import TRANSITIONS, change_status
from triage.report_list import ReportRow, list_reports
from triage.reports import is_overdue, set_answer

PAGE_SIZE = 25
EXPORT_LIMIT = 100_000

login = auth.require(Right.VIEW_REPORTS)
st.title("Обращения")


def _all_rows(moment: datetime) -> list[ReportRow]:
    """Every report matching the filters on screen, for the export."""
    with resources.session() as db:
        return list_reports(
            db,
            now=moment,
            statuses=tuple(st.session_state.get("rep_statuses") or ()),
            municipality_id=st.session_state.get("rep_mun"),
            overdue_only=bool(st.session_state.get("rep_overdue")),
            limit=EXPORT_LIMIT,
            scope=login.scope,
        )


left, middle, right = st.columns(3)
statuses = left.multiselect(
    "Статусы", list(views.REPORT_STATUS_NAMES), format_func=views.report_status, key="rep_statuses"
)
municipality = middle.selectbox(
    "Муниципалитет",
    [None, *views.scoped_municipalities(login.scope)],
    format_func=views.municipality_name,
    key="rep_mun",
)
overdue_only = right.checkbox("Только просроченные", key="rep_overdue")
page = widgets.page_number("rep_page")
moment = now()
with resources.session() as db:
    rows = list_reports(
        db,
        now=moment,
        statuses=tuple(statuses),
        municipality_id=municipality,
        overdue_only=overdue_only,
        limit=PAGE_SIZE,
        offset=page * PAGE_SIZE,
        scope=login.scope,
    )
if not rows:
    st.info("Обращений с такими условиями нет.")
    st.stop()
st.dataframe(views.reports_table(rows, at=moment), hide_index=True, width="stretch")
widgets.export_buttons(lambda: _all_rows(moment), file_stem=f"obrashcheniya-{moment:%Y%m%d-%H%M}")

by_id = {row.id: row for row in rows}
report_id = st.selectbox(
    "Обращение", list(by_id), format_func=lambda i: f"№{i}: {by_id[i].title[:80]}", key="rep_pick"
)
with resources.session() as db:
    report = db.get(Report, report_id)
    incident = db.get(Incident, report.incident_id) if report else None
    events = timeline(db, entity_type="report", entity_id=report_id)
if report is None or incident is None:
    st.stop()

deadline = views.time_left(report.due_at, moment)
st.subheader(f"Обращение №{report.id}: {escape_markdown(incident.title)}")
st.markdown(
    f"**Статус:** {views.report_status(report.status)} · "
    f"**Срок:** {views.local_time(report.due_at)} · "
    + (f":red[{deadline}]" if is_overdue(report, at=moment) else deadline)
)
if report.answer_text:
    st.markdown("**Ответ заявителю:**")
    st.markdown(escape_markdown(report.answer_text))
st.markdown("**История**")
st.dataframe(views.timeline_table(events), hide_index=True, width="stretch")

if not has_right(login.role, Right.HANDLE_REPORTS):
    st.stop()
following = sorted(TRANSITIONS.get(report.status, frozenset()))


def _change_status(report_id: int, version: int) -> None:
    """Callbacks carry the version on screen: a change made meanwhile is a conflict."""
    target = st.session_state["rep_status"]
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
    )


def _save_answer(report_id: int, version: int) -> None:
    actions.perform(
        lambda db: set_answer(
            db,
            report_id=report_id,
            text=st.session_state["rep_answer"],
            expected_version=version,
            actor=login.username,
            user_id=login.user_id,
            scope=login.scope,
        ),
        done="Ответ сохранён.",
    )


shown = (report_id, report.version)
if following:
    st.selectbox("Новый статус", following, format_func=views.report_status, key="rep_status")
    st.button(
        "Сменить статус", key="rep_change", type="primary", on_click=_change_status, args=shown
    )
st.text_area("Ответ заявителю", value=report.answer_text or "", key="rep_answer")
st.button("Сохранить ответ", key="rep_save_answer", on_click=_save_answer, args=shown)
publish_block(report_id, username=login.username, user_id=login.user_id)
