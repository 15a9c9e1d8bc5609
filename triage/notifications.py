"""Who is told what about a report: the notification outbox, written with the change itself.

A report's agency (its e-mail and its webhook) and the operators responsible for its
territory (active operators with an e-mail whose scope covers the report's municipality;
regional operators cover every one) are told when the report is created, when its deadline
is near and when it is overdue; the agency (not the operators, who made the change) when the
ЦУР closes the report because its incident emptied (withdrawn, or a duplicate), with the
reason in Russian — and the operators too when the agency had already answered it (they
were to act on the answer); both when a resolved report is reopened because residents
wrote again (`triage.reopening`), with the reason and the new deadline. Each event gets one
id, the same for all its recipients, so a receiver can dedupe; the outbox keeps one row per
(event, channel, recipient), so an event recorded twice (the SLA check runs every few
minutes) is delivered once. Delivery itself is the composition root's (`otklik/notify.py`).
"""

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from models.agency import Agency
from models.incident import Incident
from models.notification import Channel, DeliveryStatus, NoticeKind, Notification
from models.report import Report
from models.user import Role, User
from triage.audit import snapshot
from triage.scope import user_scope

CLOSING_KINDS = frozenset({NoticeKind.WITHDRAWN, NoticeKind.CLOSED_DUPLICATE})


def record_report_notice(
    session: Session,
    *,
    report: Report,
    kind: NoticeKind,
    reason: str | None = None,
    operators: bool | None = None,
) -> list[Notification]:
    """Add the outbox rows of one event about `report` (those not recorded yet); `reason` is
    the Russian sentence a closing event carries; `operators`: whether the territory's
    operators are told too (by default, of every event but a closing one). Caller commits."""
    event_id = notice_event_id(report, kind)
    agency = session.get(Agency, report.agency_id) if report.agency_id else None
    payload = _payload(session, report=report, kind=kind, event_id=event_id, agency=agency)
    if reason:
        payload["reason"] = reason
    statement = select(Notification.channel, Notification.recipient).where(
        Notification.event_id == event_id
    )
    known = {(channel, recipient) for channel, recipient in session.execute(statement)}
    added = []
    if operators is None:
        operators = kind not in CLOSING_KINDS
    told = recipients(session, report=report, agency=agency, operators=operators)
    for channel, recipient in told:
        if (channel, recipient) in known:
            continue
        known.add((channel, recipient))
        row = Notification(
            event_id=event_id,
            kind=kind,
            report_id=report.id or 0,
            channel=channel,
            recipient=recipient,
            agency_id=agency.id
            if agency and recipient in (agency.email, agency.webhook_url)
            else None,
            payload=payload,
        )
        session.add(row)
        added.append(row)
    session.flush()
    return added


def record_deadline_notices(
    session: Session, *, soon_due: list[int], overdue: list[int]
) -> list[Notification]:
    """The outbox rows of an SLA check's findings (idempotent per deadline). Caller commits."""
    added: list[Notification] = []
    for kind, ids in ((NoticeKind.SOON_DUE, soon_due), (NoticeKind.OVERDUE, overdue)):
        for report_id in ids:
            report = session.get(Report, report_id)
            if report is not None:
                added += record_report_notice(session, report=report, kind=kind)
    return added


def notice_event_id(report: Report, kind: NoticeKind) -> str:
    """One id per event: a report is created once, but a reopened one has a new deadline (and
    may be closed again: a closing event is stamped with the change's time)."""
    moment = {NoticeKind.CREATED: report.created_at, NoticeKind.SOON_DUE: report.due_at,
              NoticeKind.OVERDUE: report.due_at}.get(kind, report.updated_at)  # fmt: skip
    stamp = moment.strftime("%Y%m%dT%H%M%S") if moment else "none"
    return f"report-{report.id}-{kind}-{stamp}"


def recipients(
    session: Session, *, report: Report, agency: Agency | None, operators: bool = True
) -> list[tuple[Channel, str]]:
    found: list[tuple[Channel, str]] = []
    if agency is not None and agency.active:
        if agency.email:
            found.append((Channel.EMAIL, agency.email))
        if agency.webhook_url:
            found.append((Channel.WEBHOOK, agency.webhook_url))
    if not operators:
        return found
    for user in responsible_operators(session, municipality_id=report.municipality_id):
        found.append((Channel.EMAIL, user.email or ""))
    return found


def responsible_operators(session: Session, *, municipality_id: int | None) -> list[User]:
    statement = (
        select(User)
        .where(User.role == Role.OPERATOR, User.active.is_(True), User.email.is_not(None))  # type: ignore[attr-defined,union-attr]
        .order_by(User.id)
    )
    return [
        user
        for user in session.execute(statement).scalars()
        if user_scope(session, user_id=user.id or 0).covers_municipality(municipality_id)
    ]


def pending_notifications(
    session: Session, *, limit: int = 500, include_queued: bool = False
) -> list[int]:
    """Rows waiting for delivery; `include_queued` adds those handed to rq jobs (lost ones)."""
    statuses = [DeliveryStatus.PENDING, *([DeliveryStatus.QUEUED] if include_queued else [])]
    statement = (
        select(Notification.id)
        .where(Notification.status.in_(statuses))  # type: ignore[attr-defined]
        .order_by(Notification.id)
        .limit(limit)
    )
    return [i for i in session.execute(statement).scalars() if i is not None]


def _payload(
    session: Session, *, report: Report, kind: NoticeKind, event_id: str, agency: Agency | None
) -> dict[str, Any]:
    incident = session.get(Incident, report.incident_id)
    return {
        "event_id": event_id,
        "event": str(kind),
        "report_id": report.id,
        "title": incident.title if incident else None,
        "address": incident.address if incident else None,
        "agency": agency.name if agency else None,
        **snapshot(
            report,
            (
                "status",
                "topic_code",
                "municipality_id",
                "urgent",
                "due_at",
                "created_at",
                "escalation_level",
                "version",
            ),
        ),
    }
