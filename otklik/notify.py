"""Delivering the notification outbox: e-mail over SMTP and HMAC-signed webhooks.

`triage.notifications` records who is told what; this module sends it. Each outbox row is
delivered by `deliver`, which never sends a row already marked sent (so a retried or
duplicated job sends nothing twice after a success). With Redis, `dispatch` hands pending
rows to rq jobs retried with a doubling backoff; without it, `deliver_pending` sends them
in-process (`otklik notify send`).

Webhooks: `POST` of the JSON payload, headers `X-Otklik-Event-Id` (dedupe on it) and
`X-Otklik-Signature: sha256=<hex HMAC-SHA256 of the raw body>` keyed by the agency's
`webhook_secret`, else `OTKLIK_WEBHOOK_SECRET`.
"""

import hashlib
import hmac
import json
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Protocol

import requests
from sqlalchemy import select
from sqlmodel import Session

from models.agency import Agency
from models.clock import now
from models.notification import Channel, DeliveryStatus, Notification
from triage.export_labels import STATUS_NAMES
from triage.notifications import pending_notifications

SIGNATURE_HEADER = "X-Otklik-Signature"
EVENT_HEADER = "X-Otklik-Event-Id"
SUBJECTS = {
    "report_created": "Новое обращение №{report_id}",
    "report_soon_due": "Срок обращения №{report_id} скоро истекает",
    "report_overdue": "Обращение №{report_id} просрочено",
    "report_withdrawn": "Обращение №{report_id} отозвано",
    "report_closed_duplicate": "Обращение №{report_id} закрыто как дубликат",
    "report_reopened": "Обращение №{report_id} снова в работе: проблема вернулась",
}


class DeliveryError(Exception):
    """A delivery failed; `permanent` ones (no SMTP server, no secret) are not retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Outgoing:
    """One outbox row as a sender sees it."""

    event_id: str
    kind: str
    recipient: str
    payload: dict[str, Any]
    secret: str | None = None


class Sender(Protocol):
    def send(self, outgoing: Outgoing) -> None: ...


@dataclass(frozen=True)
class SmtpSender:
    host: str | None
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 30
    console_url: str | None = None  # e-mails link to their report on this console

    def send(self, outgoing: Outgoing) -> None:
        if not self.host:
            raise DeliveryError("SMTP is not configured (OTKLIK_SMTP_HOST)", permanent=True)
        message = email_message(outgoing, sender=self.sender, console_url=self.console_url)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"SMTP: {error}") from error


@dataclass(frozen=True)
class WebhookSender:
    timeout: float = 10

    def send(self, outgoing: Outgoing) -> None:
        if not outgoing.secret:
            raise DeliveryError(
                "no webhook secret (agency's or OTKLIK_WEBHOOK_SECRET)", permanent=True
            )
        body = canonical_body(outgoing.payload)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            EVENT_HEADER: outgoing.event_id,
            SIGNATURE_HEADER: "sha256=" + sign(body, outgoing.secret),
        }
        try:
            response = requests.post(
                outgoing.recipient, data=body, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as error:
            raise DeliveryError(f"webhook: {type(error).__name__}") from error
        if response.status_code >= 300:
            raise DeliveryError(f"webhook answered HTTP {response.status_code}")


@dataclass(frozen=True)
class Senders:
    email: Sender
    webhook: Sender
    global_secret: str | None = None

    def for_channel(self, channel: str) -> Sender:
        return self.webhook if channel == Channel.WEBHOOK else self.email


def canonical_body(payload: dict[str, Any]) -> bytes:
    """The exact bytes that are signed and sent."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def email_message(
    outgoing: Outgoing, *, sender: str, console_url: str | None = None
) -> EmailMessage:
    """The Russian e-mail of one event; with `console_url`, a link to the report there."""
    payload = outgoing.payload
    message = EmailMessage()
    message["From"] = sender
    message["To"] = outgoing.recipient
    message["Subject"] = SUBJECTS.get(outgoing.kind, "Обращение №{report_id}").format(**payload)
    message["Message-ID"] = make_msgid(idstring=outgoing.event_id, domain="otklik")
    message[EVENT_HEADER] = outgoing.event_id
    lines = [
        f"Обращение №{payload.get('report_id')}: {payload.get('title') or '—'}",
        f"Адрес: {payload.get('address') or '—'}",
        f"Исполнитель: {payload.get('agency') or '—'}",
        f"Статус: {STATUS_NAMES.get(str(payload.get('status')), payload.get('status'))}",
        f"Срок: {payload.get('due_at') or '—'}",
        *([f"Причина: {payload['reason']}"] if payload.get("reason") else []),
        *([f"Открыть: {report_link(console_url, payload)}"] if console_url else []),
        f"Событие: {outgoing.event_id}",
    ]
    message.set_content("\n".join(lines))
    return message


def report_link(console_url: str, payload: dict[str, Any]) -> str:
    """The report's page on the console (`reports?report=N`, the address the console uses)."""
    return f"{console_url.rstrip('/')}/reports?report={payload.get('report_id')}"


def deliver(session: Session, *, notification_id: int, senders: Senders, max_attempts: int) -> str:
    """Send one outbox row unless it is already sent or given up; its status after. Commits.

    A failure is recorded on the row (attempts, error) and raised as `DeliveryError` so rq
    retries the job; the last allowed attempt, or a permanent failure, marks the row failed.
    """
    row = _locked(session, notification_id)
    if row is None or row.status in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
        session.rollback()
        return row.status if row else "missing"
    try:
        senders.for_channel(row.channel).send(_outgoing(session, row, senders.global_secret))
    except DeliveryError as error:
        row.attempts += 1
        row.last_error = str(error)[:1000]
        if error.permanent or row.attempts >= max_attempts:
            row.status = DeliveryStatus.FAILED
        session.add(row)
        session.commit()
        if row.status == DeliveryStatus.FAILED:
            return row.status
        raise
    row.attempts += 1
    row.status = DeliveryStatus.SENT
    row.sent_at = now()
    row.last_error = None
    session.add(row)
    session.commit()
    return row.status


def deliver_pending(
    session: Session, *, senders: Senders, max_attempts: int, include_queued: bool = False
) -> dict[str, int]:
    """In-process delivery of every pending row, one attempt each; counts by outcome.

    `include_queued` also takes rows handed to rq jobs, for when Redis lost its queue; a row
    sent meanwhile by its job is skipped (on PostgreSQL the row lock keeps them apart).
    """
    counts = {"sent": 0, "failed": 0, "retry": 0}
    ids = pending_notifications(session, include_queued=include_queued)
    for notification_id in ids:
        try:
            status = deliver(
                session, notification_id=notification_id, senders=senders, max_attempts=max_attempts
            )
        except DeliveryError:
            counts["retry"] += 1
            continue
        counts["sent" if status == DeliveryStatus.SENT else "failed"] += 1
    return counts


def dispatch(session: Session, *, enqueue: Callable[[int], None]) -> list[int]:
    """Hand pending rows to rq: each is marked queued, then enqueued (its job delivers it)."""
    ids = pending_notifications(session)
    for notification_id in ids:
        row = session.get(Notification, notification_id)
        if row is not None:
            row.status = DeliveryStatus.QUEUED
            session.add(row)
    session.commit()
    for notification_id in ids:
        enqueue(notification_id)
    return ids


def _locked(session: Session, notification_id: int) -> Notification | None:
    """The row, locked on PostgreSQL so two workers never send it at once."""
    statement = select(Notification).where(Notification.id == notification_id)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update()
    return session.execute(statement).scalar_one_or_none()


def _outgoing(session: Session, row: Notification, global_secret: str | None) -> Outgoing:
    agency = session.get(Agency, row.agency_id) if row.agency_id else None
    secret = (agency.webhook_secret if agency else None) or global_secret
    return Outgoing(
        event_id=row.event_id,
        kind=row.kind,
        recipient=row.recipient,
        payload=row.payload,
        secret=secret,
    )
