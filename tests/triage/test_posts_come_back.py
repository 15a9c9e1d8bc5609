"""A post that comes back into an incident closed because it emptied (its report withdrawn):
the incident opens again for the operator, the withdrawn report stays closed, and a new
report can be created."""

from sqlalchemy import select
from sqlmodel import Session

from models.audit import AuditEvent
from models.incident import Incident, IncidentPost, IncidentStatus
from models.post import Post
from models.report import Report, ReportStatus
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.incidents import move_post
from triage.lifecycle import change_status
from triage.moderation import correct_post
from triage.reports import create_report, open_report
from triage.stage import triage_posts
from triage.thresholds import Thresholds

CAL = WorkCalendar()
PERM = "Пермский городской округ"


def _post(session: Session, text: str, **labels: str) -> int:
    perm = f.municipality(session, PERM)
    post_id = f.annotated_post(session, source_id=f.source(session), municipality_id=perm,
                               text=text, **labels)  # fmt: skip
    session.commit()
    triage_posts(session, post_ids=[post_id], thresholds=Thresholds())
    return post_id


def _incident(session: Session, post_id: int) -> Incident:
    return session.get_one(Incident, session.get_one(IncidentPost, post_id).incident_id)


def _sent_report(session: Session, incident: Incident) -> Report:
    report = create_report(session, incident_id=incident.id or 0,
                           expected_version=incident.version, actor="anna", user_id=None,
                           calendar=CAL)  # fmt: skip
    change_status(session, report_id=report.id or 0, status=ReportStatus.SENT, actor="anna",
                  user_id=None, expected_version=report.version, calendar=CAL)  # fmt: skip
    session.commit()
    return report


def _reopened(session: Session, incident_id: int) -> list[dict[str, object]]:
    statement = select(AuditEvent.after).where(
        AuditEvent.entity_type == "incident",
        AuditEvent.entity_id == incident_id,
        AuditEvent.action == "reopen_refilled",
    )
    return [after or {} for after in session.execute(statement).scalars()]


def _new_report_possible(session: Session, incident: Incident, withdrawn: Report) -> None:
    session.refresh(incident)
    again = create_report(session, incident_id=incident.id or 0,
                          expected_version=incident.version, actor="anna", user_id=None,
                          calendar=CAL)  # fmt: skip
    session.commit()
    assert again.id != withdrawn.id
    assert open_report(session, incident_id=incident.id or 0) == again
    session.refresh(incident)
    assert incident.status == IncidentStatus.REPORTED


def test_a_post_moved_into_an_incident_whose_report_was_withdrawn_opens_it(
    session: Session,
) -> None:
    f.taxonomy(session)
    ad = _post(session, "Продам трубы б/у на улице Ленина 5, недорого")
    lamps = _post(session, "Не горят фонари во дворе на Сибирской 20",
                  category="amenities", topic="amenities_lighting")  # fmt: skip
    home, other = _incident(session, ad), _incident(session, lamps)
    withdrawn = _sent_report(session, home)
    f.not_a_signal(session, ad)
    session.refresh(home)
    assert (home.status, home.post_count) == (IncidentStatus.CLOSED, 0)

    move_post(session, post_id=lamps, incident_id=home.id or 0, actor="anna", user_id=None,
              expected_version=home.version)  # fmt: skip
    session.commit()

    session.refresh(home)
    session.refresh(withdrawn)
    session.refresh(other)
    assert (home.status, home.post_count) == (IncidentStatus.OPEN, 1)
    assert (other.status, other.post_count) == (IncidentStatus.CLOSED, 0)
    assert withdrawn.status == ReportStatus.WITHDRAWN  # the agency was told: it stays closed
    (why,) = _reopened(session, home.id or 0)
    assert why["post_id"] == lamps and "снова открыт" in str(why["reason"])
    _new_report_possible(session, home, withdrawn)


def test_a_post_moved_back_reopens_the_incident_its_report_left_as_a_duplicate(
    session: Session,
) -> None:
    f.taxonomy(session)
    pothole = _post(session, "Яма на улице Ленина 5, колесо пробил")
    lamps = _post(session, "Не горят фонари во дворе на Сибирской 20",
                  category="amenities", topic="amenities_lighting")  # fmt: skip
    home, other = _incident(session, pothole), _incident(session, lamps)
    ours, theirs = _sent_report(session, home), _sent_report(session, other)

    move_post(session, post_id=pothole, incident_id=other.id or 0, actor="anna", user_id=None,
              expected_version=other.version)  # fmt: skip
    session.commit()
    session.refresh(ours)
    assert ours.status == ReportStatus.DUPLICATE

    session.refresh(home)
    move_post(session, post_id=pothole, incident_id=home.id or 0, actor="anna", user_id=None,
              expected_version=home.version)  # fmt: skip
    session.commit()

    session.refresh(home)
    session.refresh(theirs)
    assert (home.status, home.post_count) == (IncidentStatus.OPEN, 1)
    assert theirs.status == ReportStatus.SENT and theirs.incident_id == other.id
    assert len(_reopened(session, home.id or 0)) == 1
    _new_report_possible(session, home, ours)


def test_taking_back_a_not_signal_returns_the_post_to_its_emptied_incident(
    session: Session,
) -> None:
    f.taxonomy(session)
    ad = _post(session, "Продам трубы б/у на улице Ленина 5, недорого")
    incident = _incident(session, ad)
    withdrawn = _sent_report(session, incident)
    f.not_a_signal(session, ad)
    assert session.get(IncidentPost, ad) is None

    post = session.get_one(Post, ad)
    correct_post(session, post_id=ad, expected_version=post.version, category_code="housing",
                 topic_code="housing_pipe_burst", municipality_id=None, actor="anna",
                 user_id=None)  # fmt: skip
    session.commit()

    assert _incident(session, ad).id == incident.id
    session.refresh(incident)
    session.refresh(withdrawn)
    assert (incident.status, incident.post_count) == (IncidentStatus.OPEN, 1)
    assert withdrawn.status == ReportStatus.WITHDRAWN
    assert len(_reopened(session, incident.id or 0)) == 1
    _new_report_possible(session, incident, withdrawn)


def test_a_post_the_model_read_as_no_signal_gets_an_incident_when_corrected(
    session: Session,
) -> None:
    f.taxonomy(session)
    perm = f.municipality(session, PERM)
    post_id = f.annotated_post(session, source_id=f.source(session), municipality_id=perm,
                               text="Во дворе на Ленина 5 прорвало трубу", is_signal=False,
                               confidence=0.99)  # fmt: skip
    session.commit()
    triage_posts(session, post_ids=[post_id], thresholds=Thresholds())
    assert session.get(IncidentPost, post_id) is None

    post = session.get_one(Post, post_id)
    correct_post(session, post_id=post_id, expected_version=post.version,
                 category_code="housing", topic_code="housing_pipe_burst", municipality_id=None,
                 actor="anna", user_id=None)  # fmt: skip
    session.commit()

    incident = _incident(session, post_id)
    assert (incident.status, incident.post_count) == (IncidentStatus.OPEN, 1)
    assert (incident.category_code, incident.municipality_id) == ("housing", perm)
