"""A report the ЦУР closes because its incident emptied is told to its agency: e-mail to a
local SMTP server and a signed webhook to a local receiver, with the reason in Russian."""

import json

from sqlalchemy import select
from sqlmodel import Session

from models.agency import Agency
from models.audit import AuditEvent
from models.incident import Incident, IncidentPost
from models.notification import DeliveryStatus, NoticeKind, Notification
from models.post import Post
from models.report import Report, ReportStatus
from models.user import User
from otklik.notify import Senders, SmtpSender, WebhookSender, deliver_pending, sign
from tests.notify.conftest import Mailbox, Receiver
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.incidents import move_post
from triage.lifecycle import change_status
from triage.reports import create_report, set_answer
from triage.scope import set_user_municipalities
from triage.stage import triage_posts
from triage.thresholds import Thresholds

AGENCY_MAIL = "perm-admin@example.ru"
SECRET = "секрет-администрации-перми"


def _reported_post(
    session: Session, receiver: Receiver, text: str, *, through: tuple[str, ...] = ()
) -> tuple[int, Report]:
    """A post in its own incident, with a report to an agency that has e-mail and a webhook,
    an operator of its territory, and the creation notices already delivered."""
    f.taxonomy(session)
    perm = f.municipality(session, "Пермский городской округ")
    agency = Agency(name="Администрация Перми", agency_type="municipal_administration",
                    municipality_id=perm, email=AGENCY_MAIL, webhook_url=receiver.url,
                    webhook_secret=SECRET)  # fmt: skip
    session.add(agency)
    operator = User(username="oper", password_hash="x", role="operator", email="op@example.ru")
    session.add(operator)
    session.flush()
    set_user_municipalities(session, user=operator, municipality_ids=[perm], actor="test")
    post_id = f.annotated_post(session, source_id=f.source(session), municipality_id=perm,
                               text=text)  # fmt: skip
    session.commit()
    triage_posts(session, post_ids=[post_id], thresholds=Thresholds())
    incident_id = session.get_one(IncidentPost, post_id).incident_id
    return post_id, _report(session, incident_id, through)


def _report(session: Session, incident_id: int, through: tuple[str, ...]) -> Report:
    calendar = WorkCalendar()
    incident = session.get_one(Incident, incident_id)
    agency = session.execute(select(Agency.id)).scalar_one()
    report = create_report(session, incident_id=incident_id, expected_version=incident.version,
                           actor="anna", user_id=None, calendar=calendar,
                           agency_id=agency)  # fmt: skip
    for status in through:
        change_status(session, report_id=report.id or 0, status=status, actor="anna",
                      user_id=None, expected_version=report.version, calendar=calendar)  # fmt: skip
    session.commit()
    return report


def _senders(port: int) -> Senders:
    return Senders(
        email=SmtpSender(host="127.0.0.1", port=port, sender="otklik@example.ru"),
        webhook=WebhookSender(timeout=5),
    )


def _rows(session: Session, report_id: int, kind: str) -> list[Notification]:
    statement = select(Notification).where(
        Notification.report_id == report_id, Notification.kind == kind
    )
    return list(session.execute(statement).scalars())


def test_not_a_signal_withdraws_the_report_and_tells_its_agency(
    session: Session, mailbox: tuple[Mailbox, int], receiver: Receiver
) -> None:
    box, port = mailbox
    post_id, report = _reported_post(session, receiver, "Продам трубы б/у на улице Ленина 5",
                                     through=(ReportStatus.SENT,))  # fmt: skip
    deliver_pending(session, senders=_senders(port), max_attempts=3)
    box.messages.clear()
    receiver.requests.clear()

    f.not_a_signal(session, post_id)

    session.refresh(report)
    assert report.status == ReportStatus.WITHDRAWN
    audit = session.execute(
        select(AuditEvent.after).where(
            AuditEvent.entity_type == "report",
            AuditEvent.entity_id == report.id,
            AuditEvent.action == "close_with_incident",
        )
    ).scalar_one()
    assert "не сигнал" in audit["reason"] and audit["reason"].startswith("Обращение отозвано")
    rows = _rows(session, report.id or 0, NoticeKind.WITHDRAWN)
    # the agency is told; the operators made the change and see it in the console
    assert {(r.channel, r.recipient) for r in rows} == {
        ("email", AGENCY_MAIL),
        ("webhook", receiver.url),
    }
    assert deliver_pending(session, senders=_senders(port), max_attempts=3)["sent"] == 2
    [mail] = box.messages
    assert mail["X-Envelope-To"] == AGENCY_MAIL
    assert mail["Subject"] == f"Обращение №{report.id} отозвано"
    body = mail.get_payload(decode=True).decode()
    assert f"Причина: {audit['reason']}" in body and "Статус: отозвано" in body
    [hook] = receiver.requests
    payload = json.loads(hook.body)
    assert (payload["event"], payload["status"]) == ("report_withdrawn", "withdrawn")
    assert payload["reason"] == audit["reason"]
    assert hook.headers["X-Otklik-Event-Id"] == rows[0].event_id
    # told once: a second delivery round sends nothing
    assert deliver_pending(session, senders=_senders(port), max_attempts=3)["sent"] == 0
    assert {r.status for r in _rows(session, report.id or 0, NoticeKind.WITHDRAWN)} == {
        DeliveryStatus.SENT
    }


def test_an_answered_report_is_withdrawn_and_its_agency_and_operators_told(
    session: Session, mailbox: tuple[Mailbox, int], receiver: Receiver
) -> None:
    box, port = mailbox
    post_id, report = _reported_post(session, receiver, "Продам трубы б/у на улице Ленина 5",
                                     through=(ReportStatus.SENT,))  # fmt: skip
    set_answer(session, report_id=report.id or 0, text="Трубы вывезены.",
               expected_version=report.version, actor="anna", user_id=None)  # fmt: skip
    change_status(session, report_id=report.id or 0, status=ReportStatus.ANSWERED, actor="anna",
                  user_id=None, expected_version=report.version,
                  calendar=WorkCalendar())  # fmt: skip
    session.commit()
    deliver_pending(session, senders=_senders(port), max_attempts=3)
    box.messages.clear()
    receiver.requests.clear()

    f.not_a_signal(session, post_id)

    session.refresh(report)
    assert report.status == ReportStatus.WITHDRAWN
    assert (report.answer_text, report.first_answer_at is not None) == ("Трубы вывезены.", True)
    reason = (
        "Обращение отозвано: в его инциденте не осталось постов — модератор признал их не "
        "сигналами. Ответ исполнителя сохранён в обращении."
    )
    assert _audited_reason(session, report.id or 0) == reason
    rows = _rows(session, report.id or 0, NoticeKind.WITHDRAWN)
    # the operator of the territory is told too: the answer he was to act on is closed
    assert {(r.channel, r.recipient) for r in rows} == {
        ("email", AGENCY_MAIL),
        ("webhook", receiver.url),
        ("email", "op@example.ru"),
    }
    assert len({r.event_id for r in rows}) == 1
    assert deliver_pending(session, senders=_senders(port), max_attempts=3)["sent"] == 3
    mails = {m["X-Envelope-To"]: m for m in box.messages}
    assert set(mails) == {AGENCY_MAIL, "op@example.ru"}
    for mail in mails.values():
        assert mail["Subject"] == f"Обращение №{report.id} отозвано"
        assert f"Причина: {reason}" in mail.get_payload(decode=True).decode()
    [hook] = receiver.requests
    payload = json.loads(hook.body)
    assert (payload["event"], payload["status"], payload["reason"]) == (
        "report_withdrawn", "withdrawn", reason,
    )  # fmt: skip
    assert hook.headers["X-Otklik-Signature"] == "sha256=" + sign(hook.body, SECRET)
    assert deliver_pending(session, senders=_senders(port), max_attempts=3)["sent"] == 0


def _audited_reason(session: Session, report_id: int) -> str:
    after = session.execute(
        select(AuditEvent.after).where(
            AuditEvent.entity_type == "report",
            AuditEvent.entity_id == report_id,
            AuditEvent.action == "close_with_incident",
        )
    ).scalar_one()
    return str(after["reason"])


def test_a_report_closed_as_a_duplicate_tells_its_agency_which_report_goes_on(
    session: Session, mailbox: tuple[Mailbox, int], receiver: Receiver
) -> None:
    box, port = mailbox
    first, kept = _reported_post(session, receiver, "Яма на улице Ленина 5, колесо пробил")
    vk = session.get_one(Post, first).source_id
    second = f.annotated_post(session, source_id=vk, municipality_id=kept.municipality_id,
                              category="amenities", topic="amenities_lighting",
                              text="Не горят фонари во дворе на Сибирской 20")  # fmt: skip
    session.commit()
    triage_posts(session, post_ids=[second], thresholds=Thresholds())
    other = session.get_one(IncidentPost, second).incident_id
    assert other != kept.incident_id
    ours = _report(session, other, ())
    deliver_pending(session, senders=_senders(port), max_attempts=3)
    box.messages.clear()
    receiver.requests.clear()

    target = session.get_one(Incident, kept.incident_id)
    move_post(session, post_id=second, incident_id=kept.incident_id, actor="anna",
              user_id=None, expected_version=target.version)  # fmt: skip
    session.commit()

    session.refresh(ours)
    assert ours.status == ReportStatus.DUPLICATE
    [row] = [r for r in _rows(session, ours.id or 0, NoticeKind.CLOSED_DUPLICATE)
             if r.channel == "webhook"]  # fmt: skip
    assert f"дубликат обращения №{kept.id}" in row.payload["reason"]
    assert deliver_pending(session, senders=_senders(port), max_attempts=3)["sent"] == 2
    [mail] = box.messages
    assert mail["Subject"] == f"Обращение №{ours.id} закрыто как дубликат"
    assert f"инцидент №{kept.incident_id}" in mail.get_payload(decode=True).decode()


def test_an_answered_duplicate_tells_its_agency_and_operators_the_answer_is_kept(
    session: Session, mailbox: tuple[Mailbox, int], receiver: Receiver
) -> None:
    box, port = mailbox
    first, kept = _reported_post(session, receiver, "Яма на улице Ленина 5, колесо пробил")
    vk = session.get_one(Post, first).source_id
    second = f.annotated_post(session, source_id=vk, municipality_id=kept.municipality_id,
                              category="amenities", topic="amenities_lighting",
                              text="Не горят фонари во дворе на Сибирской 20")  # fmt: skip
    session.commit()
    triage_posts(session, post_ids=[second], thresholds=Thresholds())
    other = session.get_one(IncidentPost, second).incident_id
    ours = _report(session, other, (ReportStatus.SENT, ReportStatus.ANSWERED))
    deliver_pending(session, senders=_senders(port), max_attempts=3)
    box.messages.clear()
    receiver.requests.clear()

    target = session.get_one(Incident, kept.incident_id)
    move_post(session, post_id=second, incident_id=kept.incident_id, actor="anna",
              user_id=None, expected_version=target.version)  # fmt: skip
    session.commit()

    session.refresh(ours)
    assert ours.status == ReportStatus.DUPLICATE and ours.first_answer_at is not None
    reason = _audited_reason(session, ours.id or 0)
    assert reason == (
        f"Обращение закрыто как дубликат обращения №{kept.id}: посты перенесены в инцидент "
        f"№{kept.incident_id}. Ответ исполнителя сохранён в обращении."
    )
    assert deliver_pending(session, senders=_senders(port), max_attempts=3)["sent"] == 3
    assert sorted(m["X-Envelope-To"] for m in box.messages) == ["op@example.ru", AGENCY_MAIL]
    assert all(m["Subject"] == f"Обращение №{ours.id} закрыто как дубликат" for m in box.messages)
    [hook] = receiver.requests
    assert json.loads(hook.body)["reason"] == reason
