"""An incident's labels (category, topic, municipality) changed: audited, and its open reports
routed again on them (`triage.routing`)."""

from typing import Any, Protocol

from sqlmodel import Session

from models.annotation import Annotation
from models.clock import now
from models.incident import Incident
from models.report import Report
from triage.audit import record_event, snapshot
from triage.emptied import open_reports
from triage.routing import suggest_agency

LABELS = ("category_code", "topic_code", "municipality_id")
ROUTED = ("topic_code", "municipality_id", "agency_id")


class Labelled(Protocol):
    """What an incident takes its labels from: a post's annotation, or its labels alone."""

    @property
    def category_code(self) -> str | None: ...
    @property
    def topic_code(self) -> str | None: ...
    @property
    def municipality_id(self) -> int | None: ...


class SignalLabelled(Labelled, Protocol):
    """A post's current labels, with whether it is a signal."""

    @property
    def is_signal(self) -> bool: ...


def relabel_incident(
    session: Session, *, incident: Incident, annotation: Annotation, actor: str, user_id: int | None
) -> None:
    """The incident takes the post's corrected labels; its open report is routed again."""
    take_labels(session, incident=incident, annotation=annotation, actor=actor, user_id=user_id)
    for report in open_reports(session, incident_id=incident.id or 0):
        reroute_report(session, report=report, incident=incident, actor=actor, user_id=user_id)


def take_labels(
    session: Session, *, incident: Incident, annotation: Labelled, actor: str, user_id: int | None
) -> None:
    """The incident takes the labels of `annotation` (audited); its reports are the caller's."""
    before = snapshot(incident, LABELS)
    for name in LABELS:
        setattr(incident, name, getattr(annotation, name))
    incident.version += 1
    incident.updated_at = now()
    session.add(incident)
    record_event(session, actor=actor, user_id=user_id, entity_type="incident",
                 entity_id=incident.id or 0, action="relabel", before=before,
                 after=snapshot(incident, LABELS))  # fmt: skip


def reroute_report(
    session: Session, *, report: Report, incident: Incident, actor: str, user_id: int | None
) -> None:
    before = snapshot(report, ROUTED)
    suggestion = suggest_agency(
        session,
        topic_code=incident.topic_code,
        category_code=incident.category_code,
        municipality_id=incident.municipality_id,
    )
    report.topic_code = incident.topic_code
    report.municipality_id = incident.municipality_id
    report.agency_id = suggestion.agency_id if suggestion else report.agency_id
    report.version += 1
    report.updated_at = now()
    session.add(report)
    after: dict[str, Any] = snapshot(report, ROUTED)
    after["why"] = suggestion.why if suggestion else "no routing suggestion: agency kept"
    record_event(session, actor=actor, user_id=user_id, entity_type="report",
                 entity_id=report.id or 0, action="reroute", before=before,
                 after=after)  # fmt: skip
