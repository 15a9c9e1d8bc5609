"""A report's audit trail told in Russian sentences instead of raw field dumps."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from dashboard import names, views
from models.audit import AuditEvent


def report_history(events: list[AuditEvent], *, agencies: dict[int, str]) -> list[str]:
    """One line per event, oldest first: «30.11.2026 14:05 — operator: сменил статус …»."""
    return [
        f"{views.local_time(event.at)} — {names.actor(event.actor)}: {_sentence(event, agencies)}"
        for event in events
    ]


def _sentence(event: AuditEvent, agencies: dict[int, str]) -> str:
    before, after = event.before or {}, event.after or {}
    agency = _agency_name(agencies)
    if event.action == "create":
        return (
            f"создал обращение по инциденту №{after.get('incident_id', '—')}; "
            f"исполнитель: {agency(after.get('agency_id'))}; срок: {_moment(after.get('due_at'))}"
        )
    if event.action.startswith("status:"):
        sentence = (
            f"сменил статус: «{views.report_status(str(before.get('status')))}» → "
            f"«{views.report_status(event.action.removeprefix('status:'))}»"
        )
        if after.get("due_at") != before.get("due_at") and after.get("due_at"):
            sentence += f"; новый срок: {_moment(after.get('due_at'))}"
        return sentence
    if event.action == "set_agency":
        return (
            f"сменил исполнителя: {agency(before.get('agency_id'))} → "
            f"{agency(after.get('agency_id'))}"
        )
    if event.action == "set_answer":
        return "изменил ответ заявителю" if before.get("answer_text") else "записал ответ заявителю"
    if event.action == "escalate":
        return f"срок нарушен: эскалация, уровень {after.get('escalation_level', '—')}"
    if event.action == "reopen_evidence":
        return f"новый пост №{after.get('post_id', '—')} по этой проблеме"
    if event.action == "repeat_evidence":
        return (
            f"новый пост №{after.get('post_id', '—')}: проблема вернулась; она уже в работе "
            f"в обращении №{after.get('open_report_id', '—')}, это обращение остаётся решённым"
        )
    if event.action == "move":
        return _moved(after)
    if event.action == "close_with_incident":
        return _closed_with_incident(after)
    if event.action == "incident_emptied":
        return (
            "в инциденте не осталось постов (не сигналы); обращение в статусе "
            f"«{views.report_status(str(after.get('status')))}» оставлено оператору"
        )
    return "изменил обращение"


def _closed_with_incident(after: dict[str, Any]) -> str:
    if after.get("duplicate_of_report_id") is not None:
        sentence = (
            f"закрыто как дубликат обращения №{after['duplicate_of_report_id']}: посты "
            f"перенесены в инцидент №{after.get('incident_id', '—')}"
        )
    else:
        sentence = "отозвано: посты инцидента оказались не сигналами"
    return sentence + ("; ответ исполнителя сохранён" if after.get("answer_kept") else "")


def _moved(after: dict[str, Any]) -> str:
    target = after.get("incident_id", "—")
    if after.get("cause") != "posts_moved":
        return f"перенесено в инцидент №{target} при объединении"
    sentence = f"перенесено в инцидент №{target} вслед за его постами"
    if after.get("other_report_id") is not None:
        sentence += f"; там есть и обращение №{after['other_report_id']}: решает оператор"
    return sentence


def _agency_name(agencies: dict[int, str]) -> Callable[[Any], str]:
    def name(agency_id: Any) -> str:
        if agency_id is None:
            return "не назначен"
        return agencies.get(int(agency_id), f"исполнитель №{agency_id}")

    return name


def _moment(value: Any) -> str:
    """An audited timestamp (stored as ISO text) in the region's time zone."""
    if not value:
        return "не задан"
    try:
        return views.local_time(datetime.fromisoformat(str(value)))
    except ValueError:
        return "не задан"
