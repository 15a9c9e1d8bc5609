"""A resolved report reopened because residents wrote again is told to its agency and the
territory's operators: e-mail to a local SMTP server and a signed webhook to a local
receiver, with the reason and the new deadline."""

import json
from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session

from models.agency import Agency
from models.clock import frozen_at
from models.incident import Incident, IncidentPost
from models.notification import NoticeKind, Notification
from models.user import User
from otklik.notify import Senders, SmtpSender, WebhookSender, deliver_pending
from tests.notify.conftest import Mailbox, Receiver
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.incidents import merge_incidents
from triage.reopening import REASON
from triage.scope import set_user_municipalities
from triage.stage import triage_posts
from triage.thresholds import Thresholds

AGENCY_MAIL = "berezniki-admin@example.ru"
OPERATOR_MAIL = "oper@example.ru"
CAL = WorkCalendar()


def _incident(session: Session, perm: int, source: int, days: int, text: str) -> Incident:
    post_id = f.annotated_post(session, source_id=source, municipality_id=perm, text=text,
                               published_at=f.MONDAY + timedelta(days=days))  # fmt: skip
    session.commit()
    with frozen_at(f.MONDAY + timedelta(days=days)):
        triage_posts(session, post_ids=[post_id], thresholds=Thresholds())
    return session.get_one(Incident, session.get_one(IncidentPost, post_id).incident_id)


def test_a_report_reopened_by_residents_writing_again_is_told(
    session: Session, mailbox: tuple[Mailbox, int], receiver: Receiver
) -> None:
    box, port = mailbox
    f.taxonomy(session)
    perm = f.municipality(session, "Пермский городской округ")
    agency = Agency(name="Администрация Перми", agency_type="municipal_administration",
                    municipality_id=perm, email=AGENCY_MAIL, webhook_url=receiver.url,
                    webhook_secret="секрет")  # fmt: skip
    operator = User(username="oper", password_hash="x", role="operator", email=OPERATOR_MAIL)
    session.add_all([agency, operator])
    session.flush()
    set_user_municipalities(session, user=operator, municipality_ids=[perm], actor="test")
    vk = f.source(session)
    first = _incident(session, perm, vk, 0, "В доме на Сибирской 7 нет горячей воды")
    report = f.resolved_report(session, first.id or 0, at=f.MONDAY + timedelta(days=1),
                               agency_id=agency.id)  # fmt: skip
    senders = Senders(email=SmtpSender(host="127.0.0.1", port=port, sender="otklik@example.ru"),
                      webhook=WebhookSender(timeout=5))  # fmt: skip
    deliver_pending(session, senders=senders, max_attempts=3)
    box.messages.clear()
    receiver.requests.clear()
    again = _incident(session, perm, vk, 9, "Сибирская 7: горячей воды опять нет")
    session.refresh(first)

    with frozen_at(f.MONDAY + timedelta(days=9, hours=2)):
        merge_incidents(session, target_id=first.id or 0, source_ids=[again.id or 0],
                        actor="olga", user_id=None, calendar=CAL,
                        expected_versions={first.id or 0: first.version,
                                           again.id or 0: again.version})  # fmt: skip
    session.commit()

    rows = (
        session.execute(select(Notification).where(Notification.kind == NoticeKind.REOPENED))
        .scalars()
        .all()
    )
    assert {(r.channel, r.recipient) for r in rows} == {
        ("email", AGENCY_MAIL),
        ("webhook", receiver.url),
        ("email", OPERATOR_MAIL),
    }
    assert deliver_pending(session, senders=senders, max_attempts=3)["sent"] == 3
    mails = {m["X-Envelope-To"]: m for m in box.messages}
    mail = mails[AGENCY_MAIL]
    assert mail["Subject"] == f"Обращение №{report.id} снова в работе: проблема вернулась"
    body = mail.get_payload(decode=True).decode()
    assert f"Причина: {REASON}" in body and "Статус: открыто снова" in body
    [hook] = receiver.requests
    payload = json.loads(hook.body)
    assert (payload["event"], payload["status"]) == ("report_reopened", "reopened")
    session.refresh(report)
    assert payload["due_at"] == report.due_at.isoformat() and report.due_at > f.MONDAY + timedelta(
        days=9
    )
