"""The sidebar of a signed-in user: who, their territory, the deadlines counter, logout."""

import streamlit as st

from dashboard import auth, failure, resources, views
from dashboard.text import escape_markdown
from models.clock import now
from triage.accounts import Right, has_right
from triage.deadlines import DeadlineCounts, deadline_counts
from triage.scope import Scope

COUNTS_TTL_SECONDS = 30
NO_COUNTS = "Сроки обращений не посчитаны: внутренняя ошибка, подробности в журнале."


@st.cache_data(ttl=COUNTS_TTL_SECONDS, show_spinner=False)
def _counts(url: str, scope: Scope) -> DeadlineCounts:
    with resources.session() as db:
        return deadline_counts(
            db,
            now=now(),
            soon_hours=resources.settings().sla_soon_due_hours,
            calendar=resources.calendar(),
            scope=scope,
        )


def show(login: auth.Login) -> None:
    with st.sidebar:
        name = escape_markdown(login.username)
        st.caption(f"{name} · {auth.ROLE_NAMES.get(login.role, login.role)}")
        if login.scope.municipality_ids is not None:  # names from cached reference data
            places = sorted(views.municipality_name(i) for i in login.scope.municipality_ids)
            st.caption(f"Территория: {escape_markdown(', '.join(places))}")
        if has_right(login.role, Right.VIEW_REPORTS):
            with failure.guarded("the sidebar's deadline counters", message=NO_COUNTS):
                _deadlines(_counts(resources.settings().database_url, login.scope))
        st.button("Выйти", on_click=auth.sign_out, key="sign_out")


def _deadlines(counts: DeadlineCounts) -> None:
    """Links to the reports past their deadline and those due soon (`triage.deadlines`: at
    most OTKLIK_SLA_SOON_DUE_HOURS SLA hours left, as `otklik sla-check` counts them)."""
    st.page_link(
        "screens/reports.py",
        label=f"Просрочено: {counts.overdue}",
        icon=":material/alarm:",
        query_params={"due": "overdue"},
    )
    st.page_link(
        "screens/reports.py",
        label=f"Срок истекает: {counts.due_soon}",
        icon=":material/schedule:",
        query_params={"due": "soon"},
    )
