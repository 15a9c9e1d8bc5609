"""Many posts marked «Не сигнал» leave their incidents together, as one after another would.

Each post's leaving is the per-post `triage.moderation` path's, replayed in memory on what a
few queries read up front: its membership goes, an incident titled after it takes the title
(and, with no open report, the labels) of its earliest remaining post
(`triage.incidents.retitle_if_left`), an incident left empty closes and its open reports are
withdrawn (`triage.emptied`), and a 'detach' audit event names the incident it left. The
memberships go in one DELETE and the incidents are recounted in one UPDATE; an incident's
title, labels and status are written once, at the session's flush.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session

from models.annotation import Annotation
from models.clock import now
from models.incident import Incident, IncidentPost, IncidentStatus
from models.post import ERASED_TEXT, Post
from models.report import Report
from triage.audit import record_event
from triage.emptied import close_emptied
from triage.incidents import bears_title_of, labels_to_follow, refresh_counts, title_from
from triage.relabel import take_labels
from triage.reports import CLOSED_STATUSES


@dataclass(frozen=True)
class Member:
    post_id: int
    text: str


@dataclass(frozen=True)
class MemberLabels:
    """A member post's current labels: what its incident may take (`labels_to_follow`)."""

    is_signal: bool
    category_code: str | None
    topic_code: str | None
    municipality_id: int | None


@dataclass
class Leaving:
    """The incidents the posts leave, as they stand between one post's leaving and the next."""

    links: dict[int, tuple[int, dict[str, Any]]]  # post -> (incident, reason)
    incidents: dict[int, Incident]
    members: dict[int, list[Member]]  # by publication, then id
    labels: dict[int, MemberLabels]  # member post -> its current labels
    reports: dict[int, list[Report]]  # incident -> its open reports


def start_leaving(session: Session, *, post_ids: list[int]) -> Leaving:
    """Read what the posts' leaving needs, then delete their memberships and recount.
    Call before the posts' new annotations are stored: a member's labels are those in
    force when a post before it leaves."""
    links = _links(session, post_ids)
    incident_ids = sorted({incident_id for incident_id, _ in links.values()})
    leaving = Leaving(
        links=links,
        incidents=_incidents(session, incident_ids),
        members=_members(session, incident_ids),
        labels=_member_labels(session, incident_ids),
        reports=_open_reports(session, incident_ids),
    )
    if links:
        session.execute(delete(IncidentPost).where(IncidentPost.post_id.in_(list(links))))  # type: ignore[attr-defined]
        refresh_counts(session, incident_ids=incident_ids)
    return leaving


def leave(
    session: Session, leaving: Leaving, *, post_id: int, text: str, actor: str, user_id: int | None
) -> None:
    """The post leaves its incident (if any), with every consequence audited in order."""
    link = leaving.links.get(post_id)
    if link is None:
        return
    incident_id, reason = link
    incident = leaving.incidents[incident_id]
    members = leaving.members[incident_id]
    members[:] = [member for member in members if member.post_id != post_id]
    if bears_title_of(incident, text=text):
        _retitle(session, leaving, incident=incident, actor=actor, user_id=user_id)
    if not members and incident.status not in (IncidentStatus.CLOSED, IncidentStatus.MERGED):
        close_emptied(session, incident=incident, reports=leaving.reports.pop(incident_id, []),
                      actor=actor, user_id=user_id)  # fmt: skip
    record_event(session, actor=actor, user_id=user_id, entity_type="post", entity_id=post_id,
                 action="detach", before={"incident_id": incident_id, "reason": reason},
                 after={"incident_id": None, "reason": "not a signal"})  # fmt: skip


def _retitle(
    session: Session, leaving: Leaving, *, incident: Incident, actor: str, user_id: int | None
) -> None:
    """Titled after the post that left: after its earliest remaining post now, whose labels
    it takes when it has no open report (`retitle_if_left`, `_labelled_after`)."""
    incident_id = incident.id or 0
    first = next((m for m in leaving.members[incident_id] if m.text != ERASED_TEXT), None)
    if first is None:
        return
    incident.title = title_from(first.text)
    incident.updated_at = now()
    labels = leaving.labels.get(first.post_id)
    if labels_to_follow(incident, labels) and not leaving.reports.get(incident_id):
        take_labels(session, incident=incident, annotation=labels, actor=actor, user_id=user_id)


def _links(session: Session, post_ids: list[int]) -> dict[int, tuple[int, dict[str, Any]]]:
    rows = session.execute(
        select(IncidentPost.post_id, IncidentPost.incident_id, IncidentPost.reason).where(
            IncidentPost.post_id.in_(post_ids)  # type: ignore[attr-defined]
        )
    )
    return {post_id: (incident_id, reason) for post_id, incident_id, reason in rows}


def _incidents(session: Session, incident_ids: list[int]) -> dict[int, Incident]:
    statement = (
        select(Incident)
        .where(Incident.id.in_(incident_ids))  # type: ignore[union-attr]
        .execution_options(populate_existing=True)
    )
    return {incident.id or 0: incident for incident in session.execute(statement).scalars()}


def _members(session: Session, incident_ids: list[int]) -> dict[int, list[Member]]:
    members: dict[int, list[Member]] = {incident_id: [] for incident_id in incident_ids}
    rows = session.execute(
        select(IncidentPost.incident_id, Post.id, Post.text)
        .join(Post, Post.id == IncidentPost.post_id)  # type: ignore[arg-type]
        .where(IncidentPost.incident_id.in_(incident_ids))  # type: ignore[attr-defined]
        .order_by(Post.published_at, Post.id)  # type: ignore[arg-type]
    )
    for incident_id, post_id, text in rows:
        members[incident_id].append(Member(post_id or 0, text))
    return members


def _member_labels(session: Session, incident_ids: list[int]) -> dict[int, MemberLabels]:
    """Each member's current annotation's labels (the newest, should two be current)."""
    of_members = select(IncidentPost.post_id).where(IncidentPost.incident_id.in_(incident_ids))  # type: ignore[attr-defined]
    rows = session.execute(
        select(Annotation.post_id, Annotation.is_signal, Annotation.category_code,
               Annotation.topic_code, Annotation.municipality_id)
        .where(Annotation.is_current.is_(True), Annotation.post_id.in_(of_members))  # type: ignore[attr-defined]
        .order_by(Annotation.id)  # type: ignore[arg-type]
    )  # fmt: skip
    return {row[0]: MemberLabels(*row[1:]) for row in rows}


def _open_reports(session: Session, incident_ids: list[int]) -> dict[int, list[Report]]:
    reports: dict[int, list[Report]] = {}
    statement = (
        select(Report)
        .where(
            Report.incident_id.in_(incident_ids),  # type: ignore[attr-defined]
            Report.status.not_in(CLOSED_STATUSES),  # type: ignore[attr-defined]
        )
        .order_by(Report.id)  # type: ignore[arg-type]
    )
    for report in session.execute(statement).scalars():
        reports.setdefault(report.incident_id, []).append(report)
    return reports
