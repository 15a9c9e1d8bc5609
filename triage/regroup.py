"""A moderator's correction reaches the incident: the post is grouped again on its new labels.

The post leaves its incident (titled again after its earliest remaining post if it bore
this post's title: `triage.incidents.leave_incident`) and is matched as a new post would be.
When nothing else fits and its old incident was left empty, that incident is kept and takes
the corrected category, topic and municipality — with its open report's topic, municipality
and agency. An incident left with no posts closes itself, and its open report follows the
post (`triage.emptied`) before a resolved report of the post's new incident may reopen on
it: one open report per problem (`triage.reopening`).
A post that belonged to no incident (its «Не сигнал» is taken back, or the model had read
it as no signal) is grouped as a new post would be; when nothing fits and a «Не сигнал»
had taken it out of an incident still empty, it goes back there, and that incident opens
again (`triage.emptied.reopen_if_refilled`). Every step is audited.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from models.annotation import Annotation
from models.audit import AuditEvent
from models.incident import Incident, IncidentPost
from models.post import Post
from triage.calendar import WorkCalendar
from triage.emptied import close_if_empty
from triage.grouping import Match, find_match
from triage.incidents import attach_post, create_incident, leave_incident
from triage.relabel import LABELS, relabel_incident
from triage.reopening import comeback_report, reopen_if_resolved
from triage.thresholds import Thresholds


@dataclass(frozen=True)
class Regrouping:
    """What grouping a corrected post again needs besides the session, the same as
    `triage.stage` groups a new post with: the deployment's thresholds, its working calendar
    and the lemmatizer texts are compared by (`triage.similarity`; without one, stems)."""

    thresholds: Thresholds = field(default_factory=Thresholds)
    calendar: WorkCalendar | None = None
    lemmatize: Callable[[str], str] | None = None


DEFAULT = Regrouping()


def regroup_post(
    session: Session,
    *,
    post: Post,
    annotation: Annotation,
    actor: str,
    user_id: int | None,
    tools: Regrouping = DEFAULT,
) -> Incident | None:
    """Group a corrected post again; returns its incident."""
    link = session.get(IncidentPost, post.id)
    if link is None:
        return group_unlinked(session, post=post, annotation=annotation, actor=actor,
                              user_id=user_id, tools=tools)  # fmt: skip
    old = session.get_one(Incident, link.incident_id)
    if all(getattr(old, f) == getattr(annotation, f) for f in LABELS):
        return old
    leave_incident(session, link=link, post=post, actor=actor, user_id=user_id)
    match = find_match(session, post=post, annotation=annotation, thresholds=tools.thresholds,
                       lemmatize=tools.lemmatize)  # fmt: skip
    reason = {"rule": "correction", "from_incident_id": old.id}
    if match is not None:
        return _into_match(session, match=match, post=post, left=old, reason=reason,
                           actor=actor, user_id=user_id, calendar=tools.calendar)  # fmt: skip
    if old.post_count == 0:
        attach_post(session, incident=old, post=post, reason=reason, similarity=None,
                    attached_by=actor, user_id=user_id)  # fmt: skip
        relabel_incident(session, incident=old, annotation=annotation, actor=actor,
                         user_id=user_id)  # fmt: skip
        return old
    new = create_incident(session, post=post, annotation=annotation,
                          address=annotation.address_key, reason=reason, actor=actor)  # fmt: skip
    return new


def group_unlinked(
    session: Session,
    *,
    post: Post,
    annotation: Annotation,
    actor: str,
    user_id: int | None,
    tools: Regrouping = DEFAULT,
) -> Incident | None:
    """A post of no incident, now a signal: into the incident it matches, else back into the
    empty one a «Не сигнал» took it out of, else a new one. None if it is still no signal."""
    if not annotation.is_signal:
        return None
    match = find_match(session, post=post, annotation=annotation, thresholds=tools.thresholds,
                       lemmatize=tools.lemmatize)  # fmt: skip
    if match is not None:
        return _into_match(session, match=match, post=post, left=None,
                           reason={"rule": "correction"}, actor=actor, user_id=user_id,
                           calendar=tools.calendar)  # fmt: skip
    left = incident_left(session, post_id=post.id or 0)
    if left is not None and left.post_count == 0:
        attach_post(session, incident=left, post=post, similarity=None, attached_by=actor,
                    reason={"rule": "correction", "back_to_incident_id": left.id},
                    user_id=user_id)  # fmt: skip
        if any(getattr(left, f) != getattr(annotation, f) for f in LABELS):
            relabel_incident(session, incident=left, annotation=annotation, actor=actor,
                             user_id=user_id)  # fmt: skip
        return left
    return create_incident(session, post=post, annotation=annotation, actor=actor,
                           address=annotation.address_key,
                           reason={"rule": "correction", "new_incident": True})  # fmt: skip


def _into_match(
    session: Session,
    *,
    match: Match,
    post: Post,
    left: Incident | None,
    reason: dict[str, Any],
    actor: str,
    user_id: int | None,
    calendar: WorkCalendar | None,
) -> Incident:
    """The post joins the incident it matches. The incident it `left`, if now empty, closes
    first and its open report follows the post (`triage.emptied`); then a resolved report
    there reopens on the post unless an open report — maybe the one that followed — carries
    the problem (`triage.reopening`): one open report per problem."""
    target = session.get_one(Incident, match.incident_id)
    attach_post(session, incident=target, post=post, reason={**reason, **match.reason},
                similarity=match.similarity, attached_by=actor, user_id=user_id)  # fmt: skip
    if left is not None:
        close_if_empty(session, incident=left, actor=actor, user_id=user_id, moved_to=target,
                       comeback=comeback_report(session, incident=target, post=post),
                       calendar=calendar)  # fmt: skip
    reopen_if_resolved(session, incident=target, post=post, actor=actor, user_id=user_id,
                       calendar=calendar or WorkCalendar())  # fmt: skip
    return target


def incident_left(session: Session, *, post_id: int) -> Incident | None:
    """The incident a «Не сигнал» last took the post out of (from the audit log), if any."""
    before = session.execute(
        select(AuditEvent.before)
        .where(AuditEvent.entity_type == "post", AuditEvent.entity_id == post_id,
               AuditEvent.action == "detach")
        .order_by(AuditEvent.id.desc())  # type: ignore[union-attr]
        .limit(1)
    ).scalar_one_or_none()  # fmt: skip
    incident_id = (before or {}).get("incident_id")
    return session.get(Incident, incident_id) if isinstance(incident_id, int) else None
