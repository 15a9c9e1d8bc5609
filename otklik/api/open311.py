"""Otklik's records in Open311 GeoReport v2 shape (services = topics, requests = reports)."""

from datetime import datetime
from typing import Any

from models.report import ReportStatus
from models.taxonomy import Category, Topic
from triage.report_list import ReportRow

# Open311 knows two statuses; the detailed one travels in `status_detail` (an extension).
# Closed: the report's work is over (resolved, rejected, duplicate, not in competence,
# withdrawn by the ЦУР).
CLOSED_STATUSES = frozenset(
    {
        ReportStatus.RESOLVED,
        ReportStatus.REJECTED,
        ReportStatus.DUPLICATE,
        ReportStatus.NOT_IN_COMPETENCE,
        ReportStatus.WITHDRAWN,
    }
)
STATUS_NOTES = {
    ReportStatus.NEW: "Обращение зарегистрировано",
    ReportStatus.SENT: "Направлено исполнителю",
    ReportStatus.IN_PROGRESS: "В работе",
    ReportStatus.WAITING_CITIZEN: "Ожидается ответ заявителя",
    ReportStatus.ANSWERED: "Дан ответ",
    ReportStatus.RESOLVED: "Решено",
    ReportStatus.REJECTED: "Отклонено",
    ReportStatus.DUPLICATE: "Дубликат другого обращения",
    ReportStatus.NOT_IN_COMPETENCE: "Не в компетенции исполнителя",
    ReportStatus.REOPENED: "Открыто снова",
    ReportStatus.WITHDRAWN: "Отозвано: сообщения оказались не сигналами",
}


def open311_status(status: str) -> str:
    return "closed" if status in CLOSED_STATUSES else "open"


def service(topic: Topic, category: Category) -> dict[str, Any]:
    return {
        "service_code": topic.code,
        "service_name": topic.name,
        "description": f"{category.name}: {topic.name}",
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": category.name,
    }


def service_definition(topic: Topic) -> dict[str, Any]:
    """No service has extra attributes: reports come from posts, not from a form."""
    return {"service_code": topic.code, "attributes": []}


def request(row: ReportRow, *, service_names: dict[str, str]) -> dict[str, Any]:
    notes = STATUS_NOTES.get(ReportStatus(row.status), row.status) if _known(row.status) else ""
    if row.answer_text:
        notes = f"{notes}. Ответ: {row.answer_text}"
    return {
        "service_request_id": str(row.id),
        "status": open311_status(row.status),
        "status_notes": notes,
        "service_name": service_names.get(row.topic_code or ""),
        "service_code": row.topic_code,
        "description": row.title,
        "agency_responsible": row.agency,
        "service_notice": None,
        "requested_datetime": _w3c(row.created_at),
        "updated_datetime": _w3c(row.updated_at),
        "expected_datetime": _w3c(row.due_at),
        "address": row.address or row.municipality,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
        # Extensions: what an agency needs to update the report.
        "status_detail": row.status,
        "answer": row.answer_text,
        "municipality": row.municipality,
        "overdue": row.overdue,
        "version": row.version,
    }


def _known(status: str) -> bool:
    return status in set(ReportStatus)


def _w3c(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")
