"""Инциденты: the other incidents at the shown incident's place (`triage.same_place`), and
the warning before a second report of the same problem there."""

import streamlit as st

from dashboard import views
from dashboard.text import escape_markdown
from models.incident import Incident
from triage.same_place import HISTORY_DAYS, Neighbour


def history(listed: list[Neighbour]) -> None:
    """«По этому адресу»: a line per incident, linked, the same problem first."""
    if not listed:
        return
    lines = [f"- {_line(neighbour)}" for neighbour in listed]
    st.markdown(
        f"**По этому адресу** · другие инциденты за {HISTORY_DAYS} дней до и после\n\n"
        + "\n".join(lines)
    )


def repeats(listed: list[Neighbour]) -> None:
    """On a report: the same problem at its place in other incidents — residents writing
    again after the 72 hours grouping joins, which the agency's answer should cover."""
    same = [neighbour for neighbour in listed if neighbour.same_problem]
    if not same:
        return
    lines = [f"- {_line(neighbour, kind=False)}" for neighbour in same]
    st.markdown(
        "**Та же проблема по этому адресу в других инцидентах** "
        f"(за {HISTORY_DAYS} дней до и после)\n\n" + "\n".join(lines)
    )


def duplicate_warning(incident: Incident, duplicated: Neighbour) -> None:
    report = duplicated.open_report
    if report is None:
        return
    st.warning(
        f"По этому адресу та же проблема уже в обращении №{report.id} "
        f"({views.report_status(report.status)}), инцидент №{duplicated.incident.id}. "
        "Новое обращение отправит ведомству ту же проблему второй раз: лучше присоединить "
        f"инцидент №{incident.id} к №{duplicated.incident.id}.",
        icon=":material/content_copy:",
    )


def already_reported(duplicated: Neighbour) -> None:
    """In the queue, under a post: its incident's problem at its place is already in an open
    report — the incident's page offers to join them."""
    report = duplicated.open_report
    if report is None:
        return
    st.caption(
        f":orange[Та же проблема по этому адресу уже в {views.report_link(report.id, 'обращении')} "
        f"({views.report_status(report.status)}), {views.incident_link(duplicated.incident.id)}.]"
    )


def _line(neighbour: Neighbour, *, kind: bool = True) -> str:
    other = neighbour.incident
    parts = [
        views.incident_link(other.id),
        views.one_incident_status(other.status),
        views.problem_markdown(other.category_code, other.topic_code),
        escape_markdown(views.address_text(other.address)),
        _span(other),
        f"постов: {other.post_count}",
    ]
    if kind:
        parts.insert(0, "**та же проблема**" if neighbour.same_problem else "другая проблема")
    if neighbour.report is not None:
        report = neighbour.report
        parts.append(f"{views.report_link(report.id)}: {views.report_status(report.status)}")
    return " · ".join(parts)


def _span(incident: Incident) -> str:
    """When its posts came: «02.11 16:50», or «02.11 16:50 — 10.11 10:22»."""
    first, last = views.short_time(incident.first_post_at), views.short_time(incident.last_post_at)
    return first if first == last else f"{first} — {last}"
