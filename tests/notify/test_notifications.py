"""Notifications: who is told (the outbox), e-mail to a local SMTP server, signed webhooks to
a local receiver, retries with rq, and never twice after a success."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import Engine
from sqlmodel import Session, select

from models.agency import Agency
from models.clock import frozen_at, now
from models.notification import DeliveryStatus, NoticeKind, Notification
from models.report import Report
from models.user import User
from otklik import jobs
from otklik.notify import Senders, SmtpSender, WebhookSender, deliver, deliver_pending
from otklik.settings import get_settings
from tests.conftest import REDIS_URL
from tests.notify.conftest import Mailbox, Receiver
from tests.scope_world import World, build_world
from triage.notifications import record_deadline_notices
from triage.scope import set_user_municipalities
from triage.sla_check import sla_check

SECRET = "секрет-администрации-перми"
PERM_MAIL = "perm-admin@example.ru"


def _contacts(receiver: Receiver) -> "object":
    def prepare(session: Session, ids: dict[str, int]) -> None:
        agency = session.get(Agency, ids["perm_agency"])
        assert agency is not None
        agency.email, agency.webhook_url, agency.webhook_secret = PERM_MAIL, receiver.url, SECRET
        users = {}
        for name, role in (
            ("perm", "operator"),
            ("kungur", "operator"),
            ("region", "operator"),
            ("moder", "moderator"),
            ("nomail", "operator"),
        ):
            user = User(
                username=name,
                password_hash="x",
                role=role,
                email=None if name == "nomail" else f"{name}@example.ru",
            )
            session.add(user)
            users[name] = user
        session.flush()
        set_user_municipalities(
            session, user=users["perm"], municipality_ids=[ids["perm"]], actor="test"
        )
        set_user_municipalities(
            session, user=users["kungur"], municipality_ids=[ids["kungur"]], actor="test"
        )

    return prepare


@pytest.fixture
def world(session: Session, receiver: Receiver) -> World:
    return build_world(session, _contacts(receiver))  # type: ignore[arg-type]


def _senders(smtp_port: int | None, timeout: float = 5, console_url: str | None = None) -> Senders:
    return Senders(
        email=SmtpSender(
            host="127.0.0.1" if smtp_port else None,
            port=smtp_port or 25,
            sender="otklik@example.ru",
            console_url=console_url,
        ),
        webhook=WebhookSender(timeout=timeout),
    )


def _rows(session: Session, report_id: int) -> list[Notification]:
    statement = select(Notification).where(Notification.report_id == report_id)
    return list(session.exec(statement.order_by(Notification.id)))


def test_creating_a_report_records_who_is_told(
    session: Session, world: World, receiver: Receiver
) -> None:
    rows = _rows(session, world.perm_report)
    assert {(r.channel, r.recipient) for r in rows} == {
        ("email", PERM_MAIL),
        ("webhook", receiver.url),
        ("email", "perm@example.ru"),  # the operator of Perm
        ("email", "region@example.ru"),  # the regional operator
    }
    assert {r.kind for r in rows} == {NoticeKind.CREATED}
    assert len({r.event_id for r in rows}) == 1  # one event, four deliveries
    assert rows[0].payload["title"] == "Яма на Ленина"
    kungur = {r.recipient for r in _rows(session, world.kungur_report)}
    assert kungur == {"kungur@example.ru", "region@example.ru"}  # that agency has no contacts


def test_email_and_signed_webhook_are_delivered_once(
    session: Session, world: World, mailbox: tuple[Mailbox, int], receiver: Receiver
) -> None:
    box, port = mailbox
    counts = deliver_pending(session, senders=_senders(port), max_attempts=3)
    assert counts == {"sent": 6, "failed": 0, "retry": 0}
    to = sorted(m["X-Envelope-To"] for m in box.messages)
    assert to == sorted(
        [
            PERM_MAIL,
            "perm@example.ru",
            "region@example.ru",
            "region@example.ru",
            "kungur@example.ru",
        ]
    )
    mail = next(m for m in box.messages if m["X-Envelope-To"] == PERM_MAIL)
    assert mail["Subject"] == f"Новое обращение №{world.perm_report}"
    assert "Яма на Ленина" in mail.get_payload(decode=True).decode()
    event_id = _rows(session, world.perm_report)[0].event_id
    assert mail["X-Otklik-Event-Id"] == event_id
    [hook] = receiver.requests
    assert hook.headers["X-Otklik-Event-Id"] == event_id
    expected = hmac.new(SECRET.encode(), hook.body, hashlib.sha256).hexdigest()
    assert hook.headers["X-Otklik-Signature"] == f"sha256={expected}"
    assert json.loads(hook.body)["report_id"] == world.perm_report
    # nothing is sent twice, whether the batch or one row is delivered again
    assert deliver_pending(session, senders=_senders(port), max_attempts=3)["sent"] == 0
    row = next(r for r in _rows(session, world.perm_report) if r.channel == "webhook")
    assert (
        deliver(session, notification_id=row.id or 0, senders=_senders(port), max_attempts=3)
        == DeliveryStatus.SENT
    )
    assert len(receiver.requests) == 1 and len(box.messages) == 5


def test_an_email_links_to_its_report_when_the_console_address_is_set(
    session: Session, world: World, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    deliver_pending(session, senders=_senders(port, console_url="https://cur.example.ru/"),
                    max_attempts=3)  # fmt: skip
    mail = next(m for m in box.messages if m["X-Envelope-To"] == PERM_MAIL)
    body = mail.get_payload(decode=True).decode()
    assert f"Открыть: https://cur.example.ru/reports?report={world.perm_report}" in body


def test_an_email_has_no_link_without_the_console_address(
    session: Session, world: World, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    deliver_pending(session, senders=_senders(port), max_attempts=3)
    assert box.messages and all(
        "Открыть:" not in m.get_payload(decode=True).decode() for m in box.messages
    )


def test_a_failing_receiver_is_retried_then_given_up(
    session: Session, world: World, receiver: Receiver
) -> None:
    receiver.answers = [500, 503, 500]
    row = next(r for r in _rows(session, world.perm_report) if r.channel == "webhook")
    senders = _senders(None)
    for attempt in (1, 2):
        with pytest.raises(Exception, match="HTTP 5"):
            deliver(session, notification_id=row.id or 0, senders=senders, max_attempts=3)
        session.refresh(row)
        assert (row.status, row.attempts) == (DeliveryStatus.PENDING, attempt)
    assert (
        deliver(session, notification_id=row.id or 0, senders=senders, max_attempts=3)
        == DeliveryStatus.FAILED
    )
    session.refresh(row)
    assert row.last_error == "webhook answered HTTP 500" and row.attempts == 3
    # all three attempts carried the same event id, so the receiver could have deduped
    assert len({r.headers["X-Otklik-Event-Id"] for r in receiver.requests}) == 1


def test_no_smtp_server_or_no_secret_fails_for_good(
    session: Session, world: World, receiver: Receiver
) -> None:
    agency = session.get(Agency, world.perm_agency)
    assert agency is not None
    agency.webhook_secret = None  # and no global secret either: never sent unsigned
    session.add(agency)
    session.commit()
    counts = deliver_pending(session, senders=_senders(None), max_attempts=5)
    assert counts == {"sent": 0, "failed": 6, "retry": 0}
    errors = {(r.channel, r.last_error) for r in _rows(session, world.perm_report)}
    assert errors == {
        ("email", "SMTP is not configured (OTKLIK_SMTP_HOST)"),
        ("webhook", "no webhook secret (agency's or OTKLIK_WEBHOOK_SECRET)"),
    }
    assert receiver.requests == []
    global_secret = Senders(
        email=_senders(None).email, webhook=WebhookSender(), global_secret="глобальный"
    )
    assert deliver_pending(session, senders=global_secret, max_attempts=5)["sent"] == 0


def test_deadline_events_are_recorded_once_per_deadline(session: Session, world: World) -> None:
    report = session.get(Report, world.perm_report)
    assert report is not None and report.due_at is not None
    with frozen_at(report.due_at + timedelta(hours=1)):
        result = sla_check(session)
        assert world.perm_report in result.overdue
        first = record_deadline_notices(session, soon_due=result.soon_due, overdue=result.overdue)
        session.commit()
        again = sla_check(session)
        second = record_deadline_notices(session, soon_due=again.soon_due, overdue=again.overdue)
        session.commit()
    overdue = [r for r in first if r.report_id == world.perm_report]
    assert {r.kind for r in overdue} == {NoticeKind.OVERDUE}
    assert len(overdue) == 4 and second == []


@pytest.mark.redis
def test_rq_delivers_with_retries_and_never_twice(
    configured: str,
    engine: Engine,
    redis_conn: Redis,
    receiver: Receiver,
    mailbox: tuple[Mailbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    box, port = mailbox
    monkeypatch.setenv("OTKLIK_REDIS_URL", REDIS_URL)
    monkeypatch.setenv("OTKLIK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("OTKLIK_SMTP_PORT", str(port))
    monkeypatch.setenv("OTKLIK_NOTIFY_RETRY_SECONDS", "0")
    monkeypatch.setenv("OTKLIK_NOTIFY_MAX_ATTEMPTS", "3")
    get_settings.cache_clear()
    with Session(engine, expire_on_commit=False) as session:
        world = build_world(session, _contacts(receiver))  # type: ignore[arg-type]
    receiver.answers = [502]  # the first webhook attempt fails
    dispatched = jobs.dispatch_notifications_job()
    assert len(dispatched) == 6
    assert jobs.dispatch_notifications_job() == []  # queued rows are not handed out twice
    queue = Queue("maintenance", connection=redis_conn)
    SimpleWorker([queue], connection=redis_conn).work(burst=True, with_scheduler=False)
    with Session(engine) as session:
        rows = _rows(session, world.perm_report)
        assert {r.status for r in rows} == {DeliveryStatus.SENT}
        webhook = next(r for r in rows if r.channel == "webhook")
        assert webhook.attempts == 2
    assert [r.headers["X-Otklik-Event-Id"] for r in receiver.requests] == [webhook.event_id] * 2
    assert len(box.messages) == 5
    # a duplicated job for a delivered row sends nothing
    assert jobs.deliver_notification_job(webhook.id or 0) == DeliveryStatus.SENT
    assert len(receiver.requests) == 2
    get_settings.cache_clear()
    assert now()  # the clock was not left frozen


@pytest.mark.redis
def test_the_sla_check_job_tells_of_overdue_reports(
    configured: str,
    engine: Engine,
    redis_conn: Redis,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OTKLIK_REDIS_URL", REDIS_URL)
    get_settings.cache_clear()
    with Session(engine, expire_on_commit=False) as session:
        world = build_world(session, _contacts(receiver))  # type: ignore[arg-type]
        report = session.get(Report, world.perm_report)
        assert report is not None and report.due_at is not None
        due = report.due_at
    with frozen_at(due + timedelta(minutes=5)):
        jobs.sla_check_job()
        queue = Queue("maintenance", connection=redis_conn)
        SimpleWorker([queue], connection=redis_conn).work(burst=True, with_scheduler=False)
    events = [json.loads(r.body)["event"] for r in receiver.requests]
    assert sorted(events) == ["report_created", "report_overdue"]
    with Session(engine) as session:
        overdue = session.exec(
            select(Notification).where(Notification.kind == NoticeKind.OVERDUE)
        ).all()
    # no SMTP server is configured here: the e-mails fail for good, the webhook went out
    assert {(r.channel, r.status) for r in overdue} == {
        ("webhook", DeliveryStatus.SENT),
        ("email", DeliveryStatus.FAILED),
    }
    get_settings.cache_clear()


def test_notify_cli_sends_rows_rq_lost(
    configured: str,
    engine: Engine,
    receiver: Receiver,
    mailbox: tuple[Mailbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typer.testing import CliRunner

    from otklik.cli import app

    box, port = mailbox
    monkeypatch.setenv("OTKLIK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("OTKLIK_SMTP_PORT", str(port))
    get_settings.cache_clear()
    with Session(engine, expire_on_commit=False) as session:
        world = build_world(session, _contacts(receiver))  # type: ignore[arg-type]
        lost = _rows(session, world.perm_report)[0]
        lost.status = DeliveryStatus.QUEUED  # handed to an rq job that Redis then lost
        session.add(lost)
        session.commit()
    runner = CliRunner()
    first = runner.invoke(app, ["notify", "send"])
    assert first.exit_code == 0, first.output
    assert "sent: 5," in first.output
    second = runner.invoke(app, ["notify", "send", "--include-queued"])
    assert "sent: 1," in second.output
    third = runner.invoke(app, ["notify", "send", "--include-queued"])
    assert "sent: 0," in third.output
    assert len(box.messages) + len(receiver.requests) == 6
    listed = runner.invoke(app, ["notify", "list"]).output
    assert "sent: 6" in listed and lost.event_id in listed
    get_settings.cache_clear()
