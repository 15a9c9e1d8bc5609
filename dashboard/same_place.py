"""Инциденты: the other incidents at the shown incident's place (`triage.same_place`), and
the warning before a second report of the same problem there."""

from collections.abc import Mapping

import streamlit as st

from dashboard import views
from dashboard.text import escape_markdown
from models.incident import Incident
from models.report import Report
from triage.same_place import HISTORY_DAYS, Neighbour, resolved_before

# Each listed incident's address words (`dashboard.queries.address_words`, read for them all
# at once): its address written as its posts named it, not guessed from its key.
Words = Mapping[int, list[object]]


def history(listed: list[Neighbour], words: Words) -> None:
    """«По этому адресу»: a line per incident, linked, the same problem first."""
    if not listed:
        return
    lines = [f"- {_line(neighbour, words)}" for neighbour in listed]
    st.markdown(
        f"**По этому адресу** · другие инциденты за {HISTORY_DAYS} дней до и после\n\n"
        + "\n".join(lines)
    )


def repeats(listed: list[Neighbour], report: Report, words: Words) -> None:
    """On a report: the same problem at its place in other incidents — residents writing
    again after the 72 hours grouping joins, which the agency's answer should cover. Those
    with posts after the report's resolution say so: the problem came back."""
    same = [neighbour for neighbour in listed if neighbour.same_problem]
    if not same:
        return
    lines = [
        f"- {_after(neighbour, report)}{_line(neighbour, words, kind=False)}" for neighbour in same
    ]
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


def returned_warning(incident: Incident, returned: Neighbour, in_work: Report | None) -> None:
    """The same problem at this place was resolved, and residents write again. `in_work`:
    this incident's open report, which then stays the one in work (`triage.reopening`)."""
    report = returned.report
    if report is None:
        return
    said = (
        f"По этому адресу та же проблема решена в обращении №{report.id} "
        f"({views.short_time(report.resolved_at)}), инцидент №{returned.incident.id}, а жители "
        f"пишут снова. Присоедините инцидент №{incident.id} к №{returned.incident.id}: "
    )
    if in_work is None:
        said += f"обращение №{report.id} вернётся в работу с новым сроком, и ведомство увидит "
        said += "новые посты."
    else:
        said += (
            f"в работе останется обращение №{in_work.id} этого инцидента, а обращение "
            f"№{report.id} останется решённым с отметкой, что проблема вернулась; второго "
            "уведомления ведомству не будет."
        )
    st.warning(said, icon=":material/replay:")


def returned_join_label(returned: Neighbour, in_work: Report | None) -> str:
    """The button that joins this incident to the resolved one."""
    target, report = returned.incident.id, returned.report
    if in_work is not None or report is None:
        kept = f": в работе останется обращение №{in_work.id}" if in_work is not None else ""
        return f"Присоединить к №{target}{kept}"
    return f"Присоединить к №{target} и вернуть обращение №{report.id} в работу"


def returned_caption(returned: Neighbour) -> None:
    """In the queue, under a post: its incident's problem at its place was resolved before
    residents wrote again — the incident's page offers to reopen it."""
    report = returned.report
    if report is None:
        return
    where = views.report_link(report.id, "обращении")
    st.caption(
        f":orange[Та же проблема по этому адресу решена в {where} "
        f"({views.short_time(report.resolved_at)}), {views.incident_link(returned.incident.id)}: "
        "жители пишут снова.]"
    )


def merge_question(
    target_id: int, source_ids: list[int], returned: Neighbour | None, in_work: Report | None
) -> str:
    """What «Да, объединить» will do, asked before it: which incidents join which, and the
    resolved report that goes back to work — or, when one of them has an open report
    (`in_work`), stays resolved with the comeback noted."""
    joined = ", ".join(f"№{i}" for i in source_ids)
    question = (
        f"Инцидент {joined} будет присоединён к №{target_id}"
        if len(source_ids) == 1
        else f"Инциденты {joined} будут присоединены к №{target_id}"
    )
    if (
        returned is not None
        and returned.report is not None
        and returned.incident.id in (target_id, *source_ids)
    ):
        if in_work is None:
            question += f"; обращение №{returned.report.id} вернётся в работу с новым сроком"
        else:
            question += (
                f"; в работе останется обращение №{in_work.id}, а обращение "
                f"№{returned.report.id} — решённым, с отметкой, что проблема вернулась"
            )
    return question + ". Это не отменить. Продолжить?"


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


def _line(neighbour: Neighbour, words: Words, *, kind: bool = True) -> str:
    other = neighbour.incident
    parts = [
        views.incident_link(other.id),
        views.one_incident_status(other.status),
        views.problem_markdown(other.category_code, other.topic_code),
        escape_markdown(views.address_text(other.address, words.get(other.id or 0))),
        _span(other),
        f"постов: {other.post_count}",
    ]
    if kind:
        parts.insert(0, "**та же проблема**" if neighbour.same_problem else "другая проблема")
    if neighbour.report is not None:
        report = neighbour.report
        parts.append(f"{views.report_link(report.id)}: {views.report_status(report.status)}")
    return " · ".join(parts)


def _after(neighbour: Neighbour, report: Report) -> str:
    """«после решения» when residents wrote there after the report was resolved."""
    return (
        "**после решения** · " if resolved_before(report, neighbour.incident.last_post_at) else ""
    )


def _span(incident: Incident) -> str:
    """When its posts came: «02.11 16:50», or «02.11 16:50 — 10.11 10:22»."""
    first, last = views.short_time(incident.first_post_at), views.short_time(incident.last_post_at)
    return first if first == last else f"{first} — {last}"
