"""Incidents: create, attach posts (with the reason), merge and split."""

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from models.annotation import Annotation
from models.clock import now
from models.incident import Incident, IncidentPost, IncidentStatus
from models.post import Post
from triage.audit import record_event, snapshot
from triage.errors import TriageError
from triage.locking import claim, load

INCIDENT_FIELDS = ("status", "post_count", "merged_into_id", "title", "priority")
TITLE_CHARS = 120


def create_incident(
    session: Session, *, post: Post, annotation: Annotation | None, address: str | None, actor: str
) -> Incident:
    """A new open incident seeded from one post (the post is attached by the caller)."""
    incident = Incident(
        title=_title(post.text),
        category_code=annotation.category_code if annotation else None,
        topic_code=annotation.topic_code if annotation else None,
        municipality_id=annotation.municipality_id if annotation else None,
        address=address,
        first_post_at=post.published_at,
        last_post_at=post.published_at,
    )
    session.add(incident)
    session.flush()
    record_event(
        session,
        actor=actor,
        user_id=None,
        entity_type="incident",
        entity_id=incident.id or 0,
        action="create",
        before=None,
        after=snapshot(incident, (*INCIDENT_FIELDS, "municipality_id", "address")),
    )
    return incident


def attach_post(
    session: Session,
    *,
    incident: Incident,
    post: Post,
    reason: dict[str, Any],
    similarity: float | None,
    attached_by: str,
    user_id: int | None = None,
) -> IncidentPost:
    """Make `post` a member of `incident` (moving it out of any other), recording why."""
    link = session.get(IncidentPost, post.id)
    previous = link.incident_id if link else None
    if link is None:
        link = IncidentPost(post_id=post.id or 0, incident_id=incident.id or 0)
    link.incident_id = incident.id or 0
    link.similarity = similarity
    link.reason = reason
    link.attached_by = attached_by
    link.attached_at = now()
    session.add(link)
    session.flush()
    _touch(incident, post.published_at)
    refresh_counts(session, incident_ids=[i for i in (previous, incident.id) if i is not None])
    record_event(
        session,
        actor=attached_by,
        user_id=user_id,
        entity_type="post",
        entity_id=post.id or 0,
        action="attach",
        before={"incident_id": previous},
        after={"incident_id": incident.id, "reason": reason},
    )
    return link


def move_post(
    session: Session,
    *,
    post_id: int,
    incident_id: int,
    actor: str,
    user_id: int | None,
    expected_version: int,
) -> IncidentPost:
    """A moderator attaches a post to another incident (optimistic lock on the incident)."""
    incident = load(session, Incident, incident_id)
    claim(session, incident, expected_version=expected_version)
    post = load(session, Post, post_id)
    return attach_post(
        session,
        incident=incident,
        post=post,
        reason={"rule": "moderator"},
        similarity=None,
        attached_by=actor,
        user_id=user_id,
    )


def merge_incidents(
    session: Session,
    *,
    target_id: int,
    source_ids: list[int],
    actor: str,
    user_id: int | None,
    expected_versions: dict[int, int],
) -> Incident:
    """Fold the source incidents into the target; their posts keep why they moved."""
    target = load(session, Incident, target_id)
    claim(session, target, expected_version=expected_versions[target_id])
    for source_id in source_ids:
        if source_id == target_id:
            raise TriageError("an incident cannot be merged into itself")
        source = load(session, Incident, source_id)
        claim(session, source, expected_version=expected_versions[source_id])
        _fold(session, source=source, target=target, actor=actor, user_id=user_id)
    return target


def split_incident(
    session: Session,
    *,
    incident_id: int,
    post_ids: list[int],
    actor: str,
    user_id: int | None,
    expected_version: int,
) -> Incident:
    """Move `post_ids` out of an incident into a new one."""
    incident = load(session, Incident, incident_id)
    claim(session, incident, expected_version=expected_version)
    members = set(member_ids(session, incident_id=incident_id))
    if not post_ids or not set(post_ids) <= members or set(post_ids) == members:
        raise TriageError("split needs some, but not all, of the incident's own posts")
    first = load(session, Post, post_ids[0])
    new = Incident(
        title=_title(first.text),
        category_code=incident.category_code,
        topic_code=incident.topic_code,
        municipality_id=incident.municipality_id,
        address=incident.address,
    )
    session.add(new)
    session.flush()
    record_event(
        session,
        actor=actor,
        user_id=user_id,
        entity_type="incident",
        entity_id=new.id or 0,
        action="split_from",
        before=None,
        after={"source_incident_id": incident_id, "post_ids": post_ids},
    )
    for post_id in post_ids:
        reason = {"rule": "split", "from_incident_id": incident_id}
        post = load(session, Post, post_id)
        attach_post(
            session,
            incident=new,
            post=post,
            reason=reason,
            similarity=None,
            attached_by=actor,
            user_id=user_id,
        )
    return new


def member_ids(session: Session, *, incident_id: int) -> list[int]:
    statement = select(IncidentPost.post_id).where(IncidentPost.incident_id == incident_id)
    return list(session.execute(statement).scalars())


def refresh_counts(session: Session, *, incident_ids: list[int]) -> None:
    """Recount members and the first/last post times from the database."""
    for incident_id in incident_ids:
        incident = session.get(Incident, incident_id)
        if incident is None:
            continue
        count, first, last = session.execute(
            select(func.count(), func.min(Post.published_at), func.max(Post.published_at))
            .select_from(IncidentPost)
            .join(Post, Post.id == IncidentPost.post_id)
            .where(IncidentPost.incident_id == incident_id)
        ).one()
        incident.post_count = count
        incident.first_post_at = first
        incident.last_post_at = last
        session.add(incident)


def _fold(
    session: Session, *, source: Incident, target: Incident, actor: str, user_id: int | None
) -> None:
    before = snapshot(source, INCIDENT_FIELDS)
    for post_id in member_ids(session, incident_id=source.id or 0):
        post = load(session, Post, post_id)
        reason = {"rule": "merge", "from_incident_id": source.id}
        attach_post(
            session,
            incident=target,
            post=post,
            reason=reason,
            similarity=None,
            attached_by=actor,
            user_id=user_id,
        )
    source.status = IncidentStatus.MERGED
    source.merged_into_id = target.id
    source.updated_at = now()
    target.priority = max(target.priority, source.priority)
    session.add(source)
    session.flush()
    refresh_counts(session, incident_ids=[source.id or 0, target.id or 0])
    record_event(
        session,
        actor=actor,
        user_id=user_id,
        entity_type="incident",
        entity_id=source.id or 0,
        action="merge",
        before=before,
        after=snapshot(source, INCIDENT_FIELDS),
    )


def _touch(incident: Incident, published_at: datetime) -> None:
    incident.updated_at = now()
    if incident.last_post_at is None or published_at > incident.last_post_at:
        incident.last_post_at = published_at


def _title(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= TITLE_CHARS else flat[: TITLE_CHARS - 1] + "…"
