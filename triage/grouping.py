"""Which open incident a new post belongs to: same place, same problem, close in time."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from models.annotation import Annotation
from models.incident import Incident, IncidentPost, IncidentStatus
from models.parents import parent_post
from models.post import Post
from triage.address import same_address, same_place
from triage.related import related_categories, related_problem, same_problem
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
    address = annotation.address_key if annotation else None
    best: Match | None = None
    candidates = _candidates(session, post=post, annotation=annotation, thresholds=thresholds)
    by_address = _address_match(candidates, annotation=annotation)
    if by_address is not None:
        return by_address
    places = {incident.id: _place(address, incident) for incident in candidates}
    members = _members(session, [i for i, place in places.items() if place is not False], post)
    for incident in candidates:
        if places[incident.id] is None and not incident.address:
            # its first post named no address: the addresses of its other posts place it
            known = "; ".join(key for _, _, key in members.get(incident.id, []) if key)
            places[incident.id] = same_place(address, known or None)
    for incident in candidates:
        if _other_problem_same_house(annotation, incident):
            continue
        if places[incident.id] is not True and _other_problem(annotation, incident):
            continue  # a confused category joins only at the same place
        match = _score(
            incident,
            place=places[incident.id],
            members=members.get(incident.id, []),
            post=post,
            address=address,
            lemmatize=lemmatize,
        )
        if match is None or (match.similarity or 0) < thresholds.group_similarity:
            continue
        if best is None or (match.similarity or 0) > (best.similarity or 0):
            best = match
    return best


def _thread_match(session: Session, *, post: Post) -> Match | None:
    """A comment joins the incident of the post it answers, wherever that post was stored
    (`models.parents`: its own source, else its network key)."""
    if not post.parent_external_id:
        return None
    parent = parent_post(session, post)
    if parent is None or parent.id is None:
        return None
    incident_id = session.execute(
        select(IncidentPost.incident_id).where(IncidentPost.post_id == parent.id)
    ).scalar_one_or_none()
    if incident_id is None:
        return None
    return Match(incident_id, None, {"rule": "thread", "parent_post_id": parent.id})


def _address_match(candidates: list[Any], *, annotation: Annotation | None) -> Match | None:
    """The same street and house, close in time, and a related problem: one incident,
    however differently the posts word it («возле дома 44» / «у 44 дома»)."""
    if annotation is None or not annotation.address_key:
        return None
    for incident in candidates:
        shared = same_address(annotation.address_key, incident.address)
        why = shared and related_problem(
            topic=annotation.topic_code, category=annotation.category_code,
            other_topic=incident.topic_code, other_category=incident.category_code,
        )  # fmt: skip
        if why:
            reason = {"rule": "address+problem", "address": shared, "related": why,
                      "municipality_id": incident.municipality_id}  # fmt: skip
            return Match(incident.id, 1.0, reason)
    return None


def _other_problem_same_house(annotation: Annotation | None, incident: Any) -> bool:
    """The same street and house but unrelated problems (topics known on both sides): two
    incidents, however alike the words («течёт крыша» / «течёт батарея»)."""
    if annotation is None or annotation.topic_code is None or incident.topic_code is None:
        return False
    if same_address(annotation.address_key, incident.address) is None:
        return False
    return related_problem(
        topic=annotation.topic_code, category=annotation.category_code,
        other_topic=incident.topic_code, other_category=incident.category_code,
    ) is None  # fmt: skip


def _other_problem(annotation: Annotation | None, incident: Any) -> bool:
    """Another category than the incident's, not the same problem named in both
    (`triage.related.same_problem`)."""
    if annotation is None:
        return False
    return not same_problem(
        topic=annotation.topic_code, category=annotation.category_code,
        other_topic=incident.topic_code, other_category=incident.category_code,
    )  # fmt: skip


def _candidates(
    session: Session, *, post: Post, annotation: Annotation | None, thresholds: Thresholds
) -> list[Any]:
    """The recent incidents of the post's place and related categories: just the columns
    scoring reads, not whole ORM objects."""
    cutoff = post.published_at - timedelta(hours=thresholds.group_window_hours)
    municipality_id = annotation.municipality_id if annotation else None
    statement = (
        select(  # type: ignore[call-overload]
            Incident.id,
            Incident.address,
            Incident.municipality_id,
            Incident.category_code,
            Incident.topic_code,
        )
        .where(Incident.status != IncidentStatus.MERGED, Incident.post_count > 0)
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
            or_(
                Incident.category_code.in_(related_categories(category)),  # type: ignore[union-attr]
                Incident.category_code.is_(None),  # type: ignore[union-attr]
            )
        )
    return list(session.execute(statement).all())


def _place(address: str | None, incident: Any) -> bool | None:
    """Whether the post and the incident are at the same address; False rules it out."""
    place = same_place(address, incident.address)
    if place is None and incident.municipality_id is None:
        return False
    return place


def _members(session: Session, incident_ids: list[int], post: Post) -> dict[int, list[Any]]:
    """The latest `MEMBERS_COMPARED` posts (id, text, address key) of each incident, in one
    query."""
    if not incident_ids:
        return {}
    rank = (
        func.row_number()
        .over(
            partition_by=IncidentPost.incident_id,
            order_by=Post.published_at.desc(),  # type: ignore[attr-defined]
        )
        .label("rank")
    )
    ranked = (
        select(IncidentPost.incident_id, Post.id, Post.text, Annotation.address_key, rank)
        .join(Post, Post.id == IncidentPost.post_id)
        .outerjoin(
            Annotation,
            and_(Annotation.post_id == Post.id, Annotation.is_current.is_(True)),  # type: ignore[attr-defined]
        )
        .where(IncidentPost.incident_id.in_(incident_ids), Post.id != post.id)  # type: ignore[attr-defined]
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.incident_id, ranked.c.id, ranked.c.text, ranked.c.address_key).where(
            ranked.c.rank <= MEMBERS_COMPARED
        )
    ).all()
    members: dict[int, list[Any]] = {}
    for incident_id, post_id, text, key in rows:
        members.setdefault(incident_id, []).append((post_id, text, key))
    return members


def _score(
    incident: Any,
    *,
    place: bool | None,
    members: list[Any],
    post: Post,
    address: str | None,
    lemmatize: Callable[[str], str] | None,
) -> Match | None:
    if place is False or not members:
        return None
    cosine, closest = max(
        (text_similarity(post.text, text, lemmatize), pid) for pid, text, _ in members
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
