"""Reports closed automatically with the agency's answer kept, as the console lists them;
a second save of the same answer by the same user changes nothing and is no conflict."""

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models.audit import AuditEvent
from models.incident import Incident, IncidentPost
from models.post import Post
from models.report import Report, ReportStatus
from models.taxonomy import Category, Topic
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.errors import ConflictError
from triage.lifecycle import change_status
from triage.moderation import correct_post
from triage.report_list import closed_with_answer_kept
from triage.reports import create_report, set_answer
from triage.scope import Scope
from triage.stage import triage_posts
from triage.thresholds import Thresholds

T = Thresholds()
CAL = WorkCalendar()
ANSWER = "Трубы вывезены, спасибо."


def _incident(session: Session, post_id: int) -> Incident:
    link = session.get_one(IncidentPost, post_id)
    return session.get_one(Incident, link.incident_id)


def _report(session: Session, incident: Incident, *, through: tuple[str, ...] = ()) -> Report:
    report = create_report(session, incident_id=incident.id or 0,
                           expected_version=incident.version, actor="anna", user_id=None,
                           calendar=CAL)  # fmt: skip
    for status in through:
        change_status(session, report_id=report.id or 0, status=status, actor="anna",
                      user_id=None, expected_version=report.version, calendar=CAL)  # fmt: skip
    session.commit()
    return report


def _answered(session: Session, incident: Incident, answer: str = ANSWER) -> Report:
    report = _report(session, incident, through=(ReportStatus.SENT,))
    set_answer(session, report_id=report.id or 0, text=answer,
               expected_version=report.version, actor="anna", user_id=None)  # fmt: skip
    change_status(session, report_id=report.id or 0, status=ReportStatus.ANSWERED, actor="anna",
                  user_id=None, expected_version=report.version, calendar=CAL)  # fmt: skip
    session.commit()
    return report


def _lone_ad(session: Session, municipality_id: int, street: str = "Ленина") -> int:
    vk = f.source(session)
    ad = f.annotated_post(session, source_id=vk, municipality_id=municipality_id,
                          text=f"Продам трубы б/у на улице {street} 5, недорого")  # fmt: skip
    session.commit()
    triage_posts(session, post_ids=[ad], thresholds=T)
    return ad


def test_an_answered_report_withdrawn_is_listed_with_its_reason_and_answer(
    session: Session,
) -> None:
    perm = f.municipality(session, "Пермский городской округ")
    answered_ad = _lone_ad(session, perm)
    answered = _answered(session, _incident(session, answered_ad))
    # a report withdrawn before the agency answered: no answer kept, not listed
    silent_ad = _lone_ad(session, f.municipality(session, "Кунгурский муниципальный округ"))
    silent = _report(session, _incident(session, silent_ad), through=(ReportStatus.SENT,))

    f.not_a_signal(session, answered_ad)
    f.not_a_signal(session, silent_ad)

    session.refresh(silent)
    assert silent.status == ReportStatus.WITHDRAWN
    (row,) = closed_with_answer_kept(session)
    assert row.report_id == answered.id
    assert row.status == ReportStatus.WITHDRAWN
    assert row.answer_text == ANSWER
    assert "не сигнал" in row.reason
    assert row.reason.endswith("Ответ исполнителя сохранён в обращении.")
    assert row.municipality == "Пермский городской округ"
    assert row.merged_into_incident_id is None and row.duplicate_of_report_id is None
    assert row.closed_at is not None


def test_an_answered_duplicate_is_listed_with_the_incident_its_posts_went_to(
    session: Session,
) -> None:
    f.taxonomy(session)
    session.add(Category(code="electricity", name="Электроснабжение"))
    session.flush()
    session.add(Topic(code="electricity_outage", category_code="electricity",
                      name="Отключение электроэнергии", sla_hours=24))  # fmt: skip
    perm = f.municipality(session, "Пермский городской округ")
    vk = f.source(session)
    outage = f.annotated_post(session, source_id=vk, municipality_id=perm,
                              category="electricity", topic="electricity_outage",
                              text="На улице Калинина 12 нет электричества с утра")  # fmt: skip
    misread = f.annotated_post(session, source_id=vk, municipality_id=perm,
                               category="roads", topic="roads_potholes",
                               text="Калинина 12 — света нет, холодильники текут")  # fmt: skip
    session.commit()
    triage_posts(session, post_ids=[outage, misread], thresholds=T)
    target = _incident(session, outage)
    kept = _report(session, target, through=(ReportStatus.SENT,))
    ours = _answered(session, _incident(session, misread), "Свет дали в 14:00.")

    post = session.get_one(Post, misread)
    correct_post(session, post_id=misread, expected_version=post.version,
                 category_code="electricity", topic_code="electricity_outage",
                 municipality_id=None, actor="anna", user_id=None)  # fmt: skip
    session.commit()

    (row,) = closed_with_answer_kept(session)
    assert row.report_id == ours.id and row.status == ReportStatus.DUPLICATE
    assert row.merged_into_incident_id == target.id
    assert row.duplicate_of_report_id == kept.id
    assert row.answer_text == "Свет дали в 14:00."
    assert f"дубликат обращения №{kept.id}" in row.reason


def test_the_list_keeps_to_the_territory_and_pages_by_keyset(session: Session) -> None:
    perm = f.municipality(session, "Пермский городской округ")
    kungur = f.municipality(session, "Кунгурский муниципальный округ")
    ads = [_lone_ad(session, place, street) for place, street in
           ((perm, "Ленина"), (kungur, "Мира"), (perm, "Гагарина"))]  # fmt: skip
    reports = [_answered(session, _incident(session, ad)) for ad in ads]
    for ad in ads:
        f.not_a_signal(session, ad)

    everything = [row.report_id for row in closed_with_answer_kept(session)]
    assert everything == [reports[2].id, reports[1].id, reports[0].id]  # the latest first

    first = closed_with_answer_kept(session, limit=2)
    second = closed_with_answer_kept(session, limit=2, after=first[-1].event_id)
    assert [row.report_id for row in first + second] == everything
    assert closed_with_answer_kept(session, limit=2, offset=2) == second

    perm_staff = Scope(municipality_ids=frozenset({perm}))
    seen = [row.report_id for row in closed_with_answer_kept(session, scope=perm_staff)]
    assert seen == [reports[2].id, reports[0].id]
    chosen = closed_with_answer_kept(session, municipality_id=kungur)
    assert [row.report_id for row in chosen] == [reports[1].id]
    other_agency = Scope(agency_id=10_000)
    assert closed_with_answer_kept(session, scope=other_agency) == []


def _answer_events(session: Session, report_id: int) -> int:
    statement = select(AuditEvent).where(
        AuditEvent.entity_type == "report",
        AuditEvent.entity_id == report_id,
        AuditEvent.action == "set_answer",
    )
    return len(session.execute(statement).scalars().all())


def _sent_report(session: Session) -> Report:
    ad = _lone_ad(session, f.municipality(session, "Пермский городской округ"))
    return _report(session, _incident(session, ad), through=(ReportStatus.SENT,))


def test_a_double_click_on_save_stores_the_answer_once(session: Session) -> None:
    report = _sent_report(session)
    shown = report.version  # both clicks carry the version the page showed
    for _ in range(3):
        set_answer(session, report_id=report.id or 0, text=f" {ANSWER} ", expected_version=shown,
                   actor="anna", user_id=None)  # fmt: skip
        session.commit()
    session.refresh(report)
    assert report.answer_text == ANSWER
    assert report.answer_revision == 1 and report.version == shown + 1
    assert _answer_events(session, report.id or 0) == 1

    # saved again from the page drawn after the save: nothing changes either
    set_answer(session, report_id=report.id or 0, text=ANSWER, expected_version=report.version,
               actor="anna", user_id=None)  # fmt: skip
    session.commit()
    assert _answer_events(session, report.id or 0) == 1


@pytest.mark.parametrize("between", ["other_user_same_answer", "other_change", "other_answer"])
def test_a_real_concurrent_change_is_still_a_conflict(session: Session, between: str) -> None:
    report = _sent_report(session)
    shown = report.version
    if between == "other_user_same_answer":
        set_answer(session, report_id=report.id or 0, text=ANSWER, expected_version=shown,
                   actor="boris", user_id=None)  # fmt: skip
    else:
        set_answer(session, report_id=report.id or 0, text=ANSWER, expected_version=shown,
                   actor="anna", user_id=None)  # fmt: skip
        session.commit()
        if between == "other_change":  # another user changed the status after the save
            change_status(session, report_id=report.id or 0, status=ReportStatus.IN_PROGRESS,
                          actor="boris", user_id=None, expected_version=report.version,
                          calendar=CAL)  # fmt: skip
        else:  # the same user saved another answer: the old one is no longer in place
            set_answer(session, report_id=report.id or 0, text="Другой ответ",
                       expected_version=report.version, actor="anna", user_id=None)  # fmt: skip
    session.commit()
    with pytest.raises(ConflictError):
        set_answer(session, report_id=report.id or 0, text=ANSWER, expected_version=shown,
                   actor="anna", user_id=None)  # fmt: skip
