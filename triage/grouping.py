"""Which open incident a new post belongs to: same place, same problem, close in time."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from models.annotation import Annotation
from models.incident import Incident, IncidentPost, IncidentStatus
from models.post import Post
from triage.address import find_address, same_place
from triage.similarity import text_similarity
from triage.thresholds import Thresholds

ADDRESS_BONUS = 0.1
MEMBERS_COMPARED = 10
CANDIDATES = 50


@dataclass(frozen=True)
class Match:
    incident_id: int
    similarity: float | None
    reason: dict[str, Any] = field(default_factory=dict)


def find_match(
    session: Session,
    *,
    post: Post,
    annotation: Annotation | None,
    thresholds: Thresholds,
    lemmatize: Callable[[str], str] | None = None,
) -> Match | None:
    """The best incident for `post`, or None when nothing is close enough."""
    thread = _thread_match(session, post=post)
    if thread is not None:
        return thread
    address = find_address(post.text)
    best: Match | None = None
    for incident in _candidates(session, post=post, annotation=annotation, thresholds=thresholds):
        match = _score(session, incident, post=post, address=address, lemmatize=lemmatize)
        if match is None or (match.similarity or 0) < thresholds.group_similarity:
            continue
        if best is None or (match.similarity or 0) > (best.similarity or 0):
            best = match
    return best


def _thread_match(session: Session, *, post: Post) -> Match | None:
    """A comment joins the incident of the post it answers."""
    if not post.parent_external_id:
        return None
    row = session.execute(
        select(IncidentPost.incident_id, Post.id)
        .join(Post, Post.id == IncidentPost.post_id)
        .where(Post.source_id == post.source_id, Post.external_id == post.parent_external_id)
    ).first()
    if row is None:
        return None
    return Match(row[0], None, {"rule": "thread", "parent_post_id": row[1]})


def _candidates(
    session: Session, *, post: Post, annotation: Annotation | None, thresholds: Thresholds
) -> list[Incident]:
    cutoff = post.published_at - timedelta(hours=thresholds.group_window_hours)
    municipality_id = annotation.municipality_id if annotation else None
    statement = (
        select(Incident)
        .where(Incident.status != IncidentStatus.MERGED)
        .where(
            or_(
                Incident.last_post_at >= cutoff,  # type: ignore[operator]
                # a report's recent activity (e.g. "resolved") keeps its incident in reach
                and_(Incident.status != IncidentStatus.OPEN, Incident.updated_at >= cutoff),
            )
        )
        .order_by(Incident.last_post_at.desc())  # type: ignore[union-attr]
        .limit(CANDIDATES)
    )
    if municipality_id is None:
        statement = statement.where(Incident.municipality_id.is_(None))  # type: ignore[union-attr]
    else:
        statement = statement.where(Incident.municipality_id == municipality_id)
    category = annotation.category_code if annotation else None
    if category is not None:
        statement = statement.where(
            or_(Incident.category_code == category, Incident.category_code.is_(None))  # type: ignore[union-attr]
        )
    return list(session.execute(statement).scalars())


def _score(
    session: Session,
    incident: Incident,
    *,
    post: Post,
    address: str | None,
    lemmatize: Callable[[str], str] | None,
) -> Match | None:
    place = same_place(address, incident.address)
    if place is False or (place is None and incident.municipality_id is None):
        return None
    members = session.execute(
        select(Post.id, Post.text)
        .join(IncidentPost, IncidentPost.post_id == Post.id)
        .where(IncidentPost.incident_id == incident.id, Post.id != post.id)
        .order_by(Post.published_at.desc())  # type: ignore[attr-defined]
        .limit(MEMBERS_COMPARED)
    ).all()
    if not members:
        return None
    cosine, closest = max(
        (text_similarity(post.text, text, lemmatize), pid) for pid, text in members
    )
    score = cosine + (ADDRESS_BONUS if place else 0.0)
    reason = {
        "rule": "text+place",
        "cosine": round(cosine, 3),
        "closest_post_id": closest,
        "municipality_id": incident.municipality_id,
        "address": address,
        "same_address": place,
    }
    return Match(incident.id or 0, round(score, 3), reason)
