"""Corrections reach incidents and reports; confused categories join; a join reopens."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models.agency import Agency
from models.audit import AuditEvent
from models.clock import frozen_at
from models.incident import Incident, IncidentPost, IncidentStatus
from models.notification import NoticeKind, Notification
from models.post import Post
from models.report import Report, ReportStatus, current_answer
from models.taxonomy import Category, Topic
from nlp.lemmas import Lemmatizer
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.errors import InvalidTransition
from triage.incidents import move_post
from triage.lifecycle import change_status
from triage.moderation import Decision, correct_post, mark_not_signal, review_posts
from triage.regroup import Regrouping
from triage.reports import CLOSED_STATUSES, create_report, set_answer
from triage.similarity import text_similarity
from triage.stage import triage_posts
from triage.thresholds import Thresholds

T = Thresholds()
CAL = WorkCalendar()


def _electricity(session: Session) -> None:
    f.taxonomy(session)
    session.add(Category(code="electricity", name="Электроснабжение"))
    session.flush()
    session.add(Topic(code="electricity_outage", category_code="electricity",
                      name="Отключение электроэнергии", sla_hours=24))  # fmt: skip
    session.add(Topic(code="housing_other", category_code="housing", name="Прочее ЖКХ"))
    session.flush()


def _incident(session: Session, post_id: int) -> Incident:
    link = session.get_one(IncidentPost, post_id)
    return session.get_one(Incident, link.incident_id)


def _actions(session: Session, entity_type: str, entity_id: int) -> list[str]:
    statement = select(AuditEvent.action).where(
        AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id
    )
    return list(session.execute(statement).scalars())


def _actors(session: Session, entity_type: str, entity_id: int, *actions: str) -> list[str]:
    statement = (
        select(AuditEvent.actor)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .where(AuditEvent.action.in_(actions))
        .order_by(AuditEvent.id)
    )
    return list(session.execute(statement).scalars())


def test_a_confused_category_joins_the_outage_and_reopens_its_resolved_report(
    session: Session,
) -> None:
    _electricity(session)
    perm = f.municipality(session, "Пермский городской округ")
    vk = f.source(session)
    outage = f.annotated_post(session, source_id=vk, municipality_id=perm,
                              category="electricity", topic="electricity_outage",
                              text="На улице Калинина 12 нет электричества с утра")  # fmt: skip
    session.commit()
    with frozen_at(f.MONDAY):
        triage_posts(session, post_ids=[outage], thresholds=T)
        report = f.resolved_report(session, _incident(session, outage).id or 0, at=f.MONDAY)
    again = f.annotated_post(session, source_id=vk, municipality_id=perm,
                             category="housing", topic="housing_other",
                             published_at=f.MONDAY + timedelta(hours=5),
                             text="опять нет света… Калинина 12, сколько можно")  # fmt: skip
    session.commit()

    with frozen_at(f.MONDAY + timedelta(hours=5)):
        triage_posts(session, post_ids=[again], thresholds=T)

    link = session.get_one(IncidentPost, again)
    assert link.incident_id == _incident(session, outage).id
    assert link.reason["rule"] == "address+problem"
    assert link.reason["related"] == "confused categories"
    session.refresh(report)
    assert report.status == ReportStatus.REOPENED
    assert "reopen_evidence" in _actions(session, "report", report.id or 0)


def test_a_not_signal_corrected_into_the_outage_reopens_its_resolved_report(
    session: Session,
) -> None:
    _electricity(session)
    perm = f.municipality(session, "Пермский городской округ")
    vk = f.source(session)
    outage = f.annotated_post(session, source_id=vk, municipality_id=perm,
                              category="electricity", topic="electricity_outage",
                              text="На улице Калинина 12 нет электричества с утра")  # fmt: skip
    session.commit()
    with frozen_at(f.MONDAY):
        triage_posts(session, post_ids=[outage], thresholds=T)
        report = f.resolved_report(session, _incident(session, outage).id or 0, at=f.MONDAY)
    again = f.annotated_post(session, source_id=vk, municipality_id=perm, is_signal=False,
                             confidence=0.99, published_at=f.MONDAY + timedelta(hours=5),
                             text="опять нет света… Калинина 12, сколько можно")  # fmt: skip
    session.commit()
    with frozen_at(f.MONDAY + timedelta(hours=5)):
        triage_posts(session, post_ids=[again], thresholds=T)
        assert session.get(IncidentPost, again) is None
        post = session.get_one(Post, again)
        correct_post(session, post_id=again, expected_version=post.version,
                     category_code="electricity", topic_code="electricity_outage",
                     municipality_id=None, actor="anna", user_id=None)  # fmt: skip
        session.commit()

    assert _incident(session, again).id == _incident(session, outage).id
    session.refresh(report)
    assert report.status == ReportStatus.REOPENED
    assert "reopen_evidence" in _actions(session, "report", report.id or 0)
    # the moderator whose correction brought the problem back, not «система»
    assert _actors(session, "report", report.id or 0, "status:reopened", "reopen_evidence") == [
        "anna",
        "anna",
    ]


def test_a_different_category_at_the_same_address_stays_apart(session: Session) -> None:
    _electricity(session)
    perm = f.municipality(session, "Пермский городской округ")
    vk = f.source(session)
    outage = f.annotated_post(session, source_id=vk, municipality_id=perm,
                              category="electricity", topic="electricity_outage",
                              text="На улице Калинина 12 нет электричества с утра")  # fmt: skip
    bench = f.annotated_post(session, source_id=vk, municipality_id=perm,
                             category="amenities", topic="amenities_lighting",
                             text="Калинина 12: не горят фонари у подъезда")  # fmt: skip
    session.commit()

    triage_posts(session, post_ids=[outage, bench], thresholds=T)

    assert _incident(session, outage).id != _incident(session, bench).id


def test_a_correction_moves_the_post_to_the_matching_incident_and_closes_the_old_one(
    session: Session,
) -> None:
    _electricity(session)
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
    wrong = _incident(session, misread)
    assert wrong.id != _incident(session, outage).id

    post = session.get_one(Post, misread)
    correct_post(session, post_id=misread, expected_version=post.version,
                 category_code="electricity", topic_code="electricity_outage",
                 municipality_id=None, actor="anna", user_id=None)  # fmt: skip
    session.commit()

    assert _incident(session, misread).id == _incident(session, outage).id
    session.refresh(wrong)
    assert (wrong.status, wrong.post_count) == (IncidentStatus.CLOSED, 0)
    assert "close_empty" in _actions(session, "incident", wrong.id or 0)
    assert _incident(session, outage).post_count == 2


def test_a_correction_of_a_lone_post_relabels_its_incident_and_reroutes_the_report(
    session: Session,
) -> None:
    f.taxonomy(session)
    perm = f.municipality(session, "Пермский городской округ")
    kama = f.municipality(session, "Краснокамский городской округ")
    for mid, name in ((perm, "Администрация Перми"), (kama, "Администрация Краснокамска")):
        session.add(Agency(name=name, agency_type="municipal_administration", municipality_id=mid))
    vk = f.source(session)
    post_id = f.annotated_post(session, source_id=vk, municipality_id=perm,
                               category="amenities", topic="amenities_lighting",
                               text="Не горят фонари на улице Шоссейной 3")  # fmt: skip
    session.commit()
    triage_posts(session, post_ids=[post_id], thresholds=T)
    incident = _incident(session, post_id)
    report = create_report(session, incident_id=incident.id or 0,
                           expected_version=incident.version, actor="anna", user_id=None,
                           calendar=CAL)  # fmt: skip
    session.commit()
    assert report.agency_id is not None
    perm_agency = report.agency_id

    post = session.get_one(Post, post_id)
    correct_post(session, post_id=post_id, expected_version=post.version, category_code=None,
                 topic_code=None, municipality_id=kama, actor="anna", user_id=None)  # fmt: skip
    session.commit()

    session.refresh(incident)
    session.refresh(report)
    assert _incident(session, post_id).id == incident.id
    assert incident.municipality_id == kama
    assert report.municipality_id == kama
    assert report.agency_id not in (None, perm_agency)
    assert "relabel" in _actions(session, "incident", incident.id or 0)
    assert "reroute" in _actions(session, "report", report.id or 0)


def test_not_a_signal_leaves_the_incident_which_closes_when_empty(session: Session) -> None:
    perm = f.municipality(session, "Пермский городской округ")
    vk = f.source(session)
    ad = f.annotated_post(session, source_id=vk, municipality_id=perm,
                          text="Продам трубы б/у на улице Ленина 5, недорого")  # fmt: skip
    session.commit()
    triage_posts(session, post_ids=[ad], thresholds=T)
    incident = _incident(session, ad)

    post = session.get_one(Post, ad)
    mark_not_signal(session, post_id=ad, expected_version=post.version, actor="anna",
                    user_id=None)  # fmt: skip
    session.commit()

    assert session.get(IncidentPost, ad) is None
    session.refresh(incident)
    assert (incident.status, incident.post_count) == (IncidentStatus.CLOSED, 0)


def _report(session: Session, incident: Incident, *, through: tuple[str, ...] = ()) -> Report:
    report = create_report(session, incident_id=incident.id or 0,
                           expected_version=incident.version, actor="anna", user_id=None,
                           calendar=CAL)  # fmt: skip
    for status in through:
        change_status(session, report_id=report.id or 0, status=status, actor="anna",
                      user_id=None, expected_version=report.version, calendar=CAL)  # fmt: skip
    session.commit()
    return report


def _reasons(session: Session, report_id: int, action: str) -> list[dict[str, object]]:
    statement = select(AuditEvent.after).where(
        AuditEvent.entity_type == "report",
        AuditEvent.entity_id == report_id,
        AuditEvent.action == action,
    )
    return list(session.execute(statement).scalars())


def _lone_ad(session: Session) -> tuple[int, Incident]:
    perm = f.municipality(session, "Пермский городской округ")
    vk = f.source(session)
    ad = f.annotated_post(session, source_id=vk, municipality_id=perm,
                          text="Продам трубы б/у на улице Ленина 5, недорого")  # fmt: skip
    session.commit()
    triage_posts(session, post_ids=[ad], thresholds=T)
    return ad, _incident(session, ad)


@pytest.mark.parametrize(
    "through", [(), (ReportStatus.SENT,), (ReportStatus.SENT, ReportStatus.IN_PROGRESS)]
)
def test_not_a_signal_withdraws_the_open_report_of_the_incident_it_empties(
    session: Session, through: tuple[str, ...]
) -> None:
    ad, incident = _lone_ad(session)
    report = _report(session, incident, through=through)
    version = report.version

    post = session.get_one(Post, ad)
    mark_not_signal(session, post_id=ad, expected_version=post.version, actor="anna",
                    user_id=None)  # fmt: skip
    session.commit()

    session.refresh(report)
    session.refresh(incident)
    assert report.status == ReportStatus.WITHDRAWN
    assert report.version > version
    assert incident.status == IncidentStatus.CLOSED
    (why,) = _reasons(session, report.id or 0, "close_with_incident")
    assert why["status"] == ReportStatus.WITHDRAWN and "не сигнал" in str(why["reason"])
    assert "status:withdrawn" in _actions(session, "report", report.id or 0)


def test_an_answered_report_is_withdrawn_with_its_answer_kept(session: Session) -> None:
    ad, incident = _lone_ad(session)
    report = _report(session, incident, through=(ReportStatus.SENT,))
    set_answer(session, report_id=report.id or 0, text="Трубы вывезены, спасибо.",
               expected_version=report.version, actor="anna", user_id=None)  # fmt: skip
    change_status(session, report_id=report.id or 0, status=ReportStatus.ANSWERED, actor="anna",
                  user_id=None, expected_version=report.version, calendar=CAL)  # fmt: skip
    session.commit()
    answered_at = report.first_answer_at

    post = session.get_one(Post, ad)
    mark_not_signal(session, post_id=ad, expected_version=post.version, actor="anna",
                    user_id=None)  # fmt: skip
    session.commit()

    session.refresh(report)
    assert report.status == ReportStatus.WITHDRAWN
    # the agency's answer stays on record, and still counts as its answer
    assert report.answer_text == "Трубы вывезены, спасибо."
    assert report.first_answer_at == answered_at is not None
    assert current_answer(report) == "Трубы вывезены, спасибо."
    (why,) = _reasons(session, report.id or 0, "close_with_incident")
    assert why["answer_kept"] is True
    assert "не сигнал" in str(why["reason"]) and "Ответ исполнителя сохранён" in str(why["reason"])
    assert _reasons(session, report.id or 0, "incident_emptied") == []


def test_an_answered_report_cannot_be_withdrawn_by_an_operator(session: Session) -> None:
    _, incident = _lone_ad(session)
    report = _report(session, incident, through=(ReportStatus.SENT, ReportStatus.ANSWERED))
    for status in (ReportStatus.WITHDRAWN, ReportStatus.DUPLICATE):
        with pytest.raises(InvalidTransition):
            change_status(session, report_id=report.id or 0, status=status, actor="anna",
                          user_id=None, expected_version=report.version, calendar=CAL)  # fmt: skip


def _two_incidents(session: Session) -> tuple[int, int]:
    _electricity(session)
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
    assert _incident(session, misread).id != _incident(session, outage).id
    return outage, misread


def _correct_to_outage(session: Session, post_id: int) -> None:
    post = session.get_one(Post, post_id)
    correct_post(session, post_id=post_id, expected_version=post.version,
                 category_code="electricity", topic_code="electricity_outage",
                 municipality_id=None, actor="anna", user_id=None)  # fmt: skip
    session.commit()


def test_a_correction_that_moves_the_last_post_takes_its_report_along(session: Session) -> None:
    outage, misread = _two_incidents(session)
    wrong = _incident(session, misread)
    report = _report(session, wrong, through=(ReportStatus.SENT,))

    _correct_to_outage(session, misread)

    target = _incident(session, outage)
    session.refresh(report)
    session.refresh(target)
    assert report.incident_id == target.id
    assert report.status == ReportStatus.SENT  # the agency's work goes on, on the right incident
    assert target.status == IncidentStatus.REPORTED
    (moved,) = _reasons(session, report.id or 0, "move")
    assert moved["incident_id"] == target.id


def test_a_correction_into_an_incident_with_a_report_closes_ours_as_its_duplicate(
    session: Session,
) -> None:
    outage, misread = _two_incidents(session)
    kept = _report(session, _incident(session, outage), through=(ReportStatus.SENT,))
    wrong = _incident(session, misread)
    ours = _report(session, wrong)

    _correct_to_outage(session, misread)

    session.refresh(ours)
    session.refresh(kept)
    assert ours.status == ReportStatus.DUPLICATE
    assert ours.incident_id == wrong.id
    assert kept.status == ReportStatus.SENT
    (why,) = _reasons(session, ours.id or 0, "close_with_incident")
    assert why["duplicate_of_report_id"] == kept.id


def test_a_duplicate_the_agency_works_on_moves_and_the_operator_decides(
    session: Session,
) -> None:
    outage, misread = _two_incidents(session)
    kept = _report(session, _incident(session, outage))
    ours = _report(session, _incident(session, misread),
                   through=(ReportStatus.SENT, ReportStatus.IN_PROGRESS))  # fmt: skip

    _correct_to_outage(session, misread)

    session.refresh(ours)
    assert ours.status == ReportStatus.IN_PROGRESS  # no duplicate from «в работе»
    assert ours.incident_id == _incident(session, outage).id
    (moved,) = _reasons(session, ours.id or 0, "move")
    assert f"обращение №{kept.id}" in str(moved["reason"])


def test_an_answered_duplicate_is_closed_with_its_answer_kept(session: Session) -> None:
    outage, misread = _two_incidents(session)
    kept = _report(session, _incident(session, outage), through=(ReportStatus.SENT,))
    ours = _report(session, _incident(session, misread),
                   through=(ReportStatus.SENT, ReportStatus.ANSWERED))  # fmt: skip

    _correct_to_outage(session, misread)

    session.refresh(ours)
    assert ours.status == ReportStatus.DUPLICATE
    assert ours.first_answer_at is not None
    (why,) = _reasons(session, ours.id or 0, "close_with_incident")
    assert why["duplicate_of_report_id"] == kept.id and why["answer_kept"] is True
    assert str(why["reason"]).endswith("Ответ исполнителя сохранён в обращении.")


def test_an_answered_report_follows_its_posts_where_there_is_no_report(session: Session) -> None:
    outage, misread = _two_incidents(session)
    ours = _report(session, _incident(session, misread),
                   through=(ReportStatus.SENT, ReportStatus.ANSWERED))  # fmt: skip

    _correct_to_outage(session, misread)

    session.refresh(ours)
    assert ours.status == ReportStatus.ANSWERED  # still the answer to these posts
    assert ours.incident_id == _incident(session, outage).id
    assert _reasons(session, ours.id or 0, "close_with_incident") == []


def test_a_moderator_moving_the_last_post_closes_the_incident_and_moves_its_report(
    session: Session,
) -> None:
    outage, misread = _two_incidents(session)
    left = _incident(session, misread)
    report = _report(session, left)
    target = _incident(session, outage)

    move_post(session, post_id=misread, incident_id=target.id or 0, actor="anna",
              user_id=None, expected_version=target.version)  # fmt: skip
    session.commit()

    session.refresh(left)
    session.refresh(report)
    assert (left.status, left.post_count) == (IncidentStatus.CLOSED, 0)
    assert report.incident_id == target.id


def _misread_after_a_resolution(session: Session) -> tuple[int, Report]:
    """The outage's report, to an agency that hears of it, resolved an hour after the outage;
    four hours later a post about it, misread as roads, starts an incident of its own."""
    _electricity(session)
    perm = f.municipality(session, "Пермский городской округ")
    vk = f.source(session)
    agency = Agency(name="Пермэнергосбыт", agency_type="utility", email="energo@example.ru")
    session.add(agency)
    outage = f.annotated_post(session, source_id=vk, municipality_id=perm,
                              category="electricity", topic="electricity_outage",
                              text="На улице Калинина 12 нет электричества с утра")  # fmt: skip
    session.commit()
    with frozen_at(f.MONDAY):
        triage_posts(session, post_ids=[outage], thresholds=T)
    resolved = f.resolved_report(session, _incident(session, outage).id or 0,
                                 at=f.MONDAY + timedelta(hours=1), agency_id=agency.id)  # fmt: skip
    misread = f.annotated_post(session, source_id=vk, municipality_id=perm,
                               category="roads", topic="roads_potholes",
                               published_at=f.MONDAY + timedelta(hours=5),
                               text="Калинина 12 — света нет, холодильники текут")  # fmt: skip
    session.commit()
    with frozen_at(f.MONDAY + timedelta(hours=5)):
        triage_posts(session, post_ids=[misread], thresholds=T)
    assert _incident(session, misread).id != _incident(session, outage).id
    return misread, resolved


def _send_to_outage(session: Session, post_id: int, resolved: Report, by: str) -> None:
    """The misread post reaches the outage's incident: by a correction or a moderator's move."""
    with frozen_at(f.MONDAY + timedelta(hours=6)):
        if by == "correction":
            _correct_to_outage(session, post_id)
            return
        target = session.get_one(Incident, resolved.incident_id)
        session.refresh(target)
        move_post(session, post_id=post_id, incident_id=target.id or 0, actor="anna",
                  user_id=None, expected_version=target.version, calendar=CAL)  # fmt: skip
        session.commit()


def _open_at(session: Session, incident_id: int) -> list[int]:
    statement = select(Report.id).where(
        Report.incident_id == incident_id,
        Report.status.not_in(CLOSED_STATUSES),  # type: ignore[attr-defined]
    )
    return list(session.execute(statement).scalars())


def _reopened_notices(session: Session, report_id: int) -> list[int]:
    statement = select(Notification.id).where(
        Notification.kind == NoticeKind.REOPENED, Notification.report_id == report_id
    )
    return list(session.execute(statement).scalars())


@pytest.mark.parametrize("by", ["correction", "move"])
def test_a_report_in_work_that_follows_its_post_keeps_the_resolved_one_resolved(
    session: Session, by: str
) -> None:
    """One problem, one open report: the report the agency works on comes with the post; the
    report resolved there records the comeback against it and is not reopened."""
    misread, resolved = _misread_after_a_resolution(session)
    ours = _report(session, _incident(session, misread),
                   through=(ReportStatus.SENT, ReportStatus.IN_PROGRESS))  # fmt: skip

    _send_to_outage(session, misread, resolved, by)

    session.refresh(resolved)
    session.refresh(ours)
    target = session.get_one(Incident, resolved.incident_id)
    session.refresh(target)
    assert (ours.status, ours.incident_id) == (ReportStatus.IN_PROGRESS, target.id)
    assert resolved.status == ReportStatus.RESOLVED
    assert _open_at(session, target.id or 0) == [ours.id]
    assert target.status == IncidentStatus.REPORTED  # in work again
    assert _reasons(session, resolved.id or 0, "repeat_evidence") == [
        {"post_id": misread, "open_report_id": ours.id}
    ]
    assert _reopened_notices(session, resolved.id or 0) == []
    (moved,) = _reasons(session, ours.id or 0, "move")
    assert "other_report_id" not in moved  # no other open report there


@pytest.mark.parametrize("by", ["correction", "move"])
def test_a_new_report_left_behind_is_a_duplicate_of_the_resolved_one_reopened(
    session: Session, by: str
) -> None:
    """The agency has not taken our report up: the one whose agency solved the problem
    before goes back to it, and ours closes as its duplicate."""
    misread, resolved = _misread_after_a_resolution(session)
    ours = _report(session, _incident(session, misread))

    _send_to_outage(session, misread, resolved, by)

    session.refresh(resolved)
    session.refresh(ours)
    assert resolved.status == ReportStatus.REOPENED
    assert ours.status == ReportStatus.DUPLICATE
    assert _open_at(session, resolved.incident_id) == [resolved.id]
    (why,) = _reasons(session, ours.id or 0, "close_with_incident")
    assert why["duplicate_of_report_id"] == resolved.id
    assert _reasons(session, resolved.id or 0, "reopen_evidence") == [{"post_id": misread}]
    assert _reasons(session, resolved.id or 0, "repeat_evidence") == []
    assert _reopened_notices(session, resolved.id or 0) != []


@pytest.mark.parametrize("by", ["correction", "move"])
def test_a_post_of_an_incident_without_a_report_reopens_the_resolved_one(
    session: Session, by: str
) -> None:
    misread, resolved = _misread_after_a_resolution(session)
    left = _incident(session, misread)

    _send_to_outage(session, misread, resolved, by)

    session.refresh(resolved)
    session.refresh(left)
    assert left.status == IncidentStatus.CLOSED
    assert resolved.status == ReportStatus.REOPENED
    assert _open_at(session, resolved.incident_id) == [resolved.id]
    assert _reasons(session, resolved.id or 0, "reopen_evidence") == [{"post_id": misread}]
    assert _reopened_notices(session, resolved.id or 0) != []


OUTAGE = "С утра нет света во всём посёлке, электричество отключили без предупреждения"
AGAIN = "Опять отключили электричество, света нет уже пять часов"


@pytest.mark.parametrize("threshold", [0.25, 0.99])
def test_a_correction_groups_by_the_deployments_threshold_and_lemmas(
    session: Session, lemmatizer: Lemmatizer, threshold: float
) -> None:
    """A correction is grouped as the pipeline groups: with the configured threshold
    (`OTKLIK_TRIAGE_GROUP_SIMILARITY`) and by lemmas, not the defaults and stems."""
    _electricity(session)
    village = f.municipality(session, "Пермский муниципальный округ")
    vk = f.source(session)
    outage = f.annotated_post(session, source_id=vk, municipality_id=village,
                              category="electricity", topic="electricity_outage",
                              text=OUTAGE)  # fmt: skip
    misread = f.annotated_post(session, source_id=vk, municipality_id=village,
                               category="roads", topic="roads_potholes", text=AGAIN,
                               published_at=f.MONDAY + timedelta(hours=2))  # fmt: skip
    session.commit()
    triage_posts(session, post_ids=[outage, misread], thresholds=T)
    tools = Regrouping(thresholds=Thresholds(group_similarity=threshold),
                       lemmatize=lemmatizer.lemmatize_text)  # fmt: skip

    post = session.get_one(Post, misread)
    decision = Decision(post_id=misread, expected_version=post.version,
                        category_code="electricity", topic_code="electricity_outage")  # fmt: skip
    review_posts(session, decisions=[decision], actor="anna", user_id=None, tools=tools)

    joined = _incident(session, misread).id == _incident(session, outage).id
    assert joined is (threshold < 0.5)
    if joined:
        cosine = session.get_one(IncidentPost, misread).reason["cosine"]
        assert cosine == round(text_similarity(AGAIN, OUTAGE, lemmatizer.lemmatize_text), 3)
        assert cosine != round(text_similarity(AGAIN, OUTAGE), 3)
