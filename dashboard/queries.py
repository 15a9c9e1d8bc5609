"""Read-only, paginated look-ups the pages show and triage has no function for."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, func, literal, tuple_
from sqlmodel import Session, col, select

from models.annotation import Annotation
from models.audit import AuditEvent
from models.clock import now
from models.incident import Incident, IncidentPost, IncidentStatus
from models.post import Post
from models.source import Source
from models.types import UTCDateTime
from triage.scope import EVERYWHERE, Scope

MAX_PAGE_SIZE = 200
# An incident with no post time sorts after every dated one (on SQLite and PostgreSQL alike).
NO_POST_TIME = datetime(1970, 1, 1, tzinfo=UTC)


# The list's «пустые»: closed with no posts left (`triage.emptied`). Apart from «закрытые»,
# whose problem was closed: a moderator looking there should not meet the emptied ones.
EMPTIED = "emptied"


@dataclass(frozen=True)
class IncidentFilters:
    status: str | None = IncidentStatus.OPEN
    category_code: str | None = None
    municipality_id: int | None = None


@dataclass(frozen=True)
class IncidentCursor:
    """Where a page of incidents ended: its last incident's place in the order (priority,
    then the latest post's time, then id, all descending; the id makes the order total)."""

    priority: float
    last_post_at: datetime
    incident_id: int


def incident_cursor(incidents: list[Incident]) -> IncidentCursor | None:
    """The cursor of the page after `incidents` (None for an empty page)."""
    if not incidents:
        return None
    last = incidents[-1]
    return IncidentCursor(last.priority, last.last_post_at or NO_POST_TIME, last.id or 0)


def incidents_page(
    session: Session,
    *,
    filters: IncidentFilters,
    page: int,
    page_size: int,
    scope: Scope = EVERYWHERE,
    after: IncidentCursor | None = None,
) -> tuple[list[Incident], int]:
    """One page of incidents `scope` covers, most urgent first, and how many match in all.

    `after` (`incident_cursor` of the previous page): the page starts after that incident
    (keyset pagination: nothing skipped when earlier rows change, a deep page costs what the
    first does); without it the page is `page` (from 0) by OFFSET.
    """
    statement = select(Incident)
    if scope.agency_id is not None:
        statement = statement.where(col(Incident.id).is_(None))
    if scope.municipality_ids is not None:
        statement = statement.where(col(Incident.municipality_id).in_(scope.municipality_ids))
    if filters.status:
        statement = statement.where(*_status_is(filters.status))
    if filters.category_code:
        statement = statement.where(Incident.category_code == filters.category_code)
    if filters.municipality_id:
        statement = statement.where(Incident.municipality_id == filters.municipality_id)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    size = min(page_size, MAX_PAGE_SIZE)
    latest = func.coalesce(Incident.last_post_at, literal(NO_POST_TIME, UTCDateTime()))
    statement = statement.order_by(
        col(Incident.priority).desc(), latest.desc(), col(Incident.id).desc()
    ).limit(size)
    if after is None:
        statement = statement.offset(page * size)
    else:
        key = tuple_(Incident.priority, latest, Incident.id)
        statement = statement.where(
            key < (after.priority, after.last_post_at, after.incident_id)  # type: ignore[arg-type]
        )
    rows = session.exec(statement)
    return list(rows), int(total)


def _status_is(status: str) -> list[ColumnElement[bool]]:
    """The list's status filter: a status, or `EMPTIED` (closed with no posts) kept apart."""
    if status == EMPTIED:
        return [col(Incident.status) == IncidentStatus.CLOSED, col(Incident.post_count) == 0]
    if status == IncidentStatus.CLOSED:
        return [col(Incident.status) == IncidentStatus.CLOSED, col(Incident.post_count) > 0]
    return [col(Incident.status) == status]


def incident_posts(session: Session, *, incident_id: int, limit: int = 50) -> list[Post]:
    """The newest posts of an incident."""
    statement = (
        select(Post)
        .join(IncidentPost, col(IncidentPost.post_id) == col(Post.id))
        .where(IncidentPost.incident_id == incident_id)
        .order_by(col(Post.published_at).desc())
        .limit(limit)
    )
    return list(session.exec(statement))


def address_words(session: Session, *, incident_ids: list[int]) -> dict[int, list[object]]:
    """The words each incident's posts named its addresses in (their current annotations'
    `reasons["addresses"]`), for `views.address_text`: «Лиговский проспект 44», not the key
    «лиговский 44» read as a street. One query for all of `incident_ids` (a card and the
    incidents listed beside it); an incident whose posts kept no words is absent."""
    if not incident_ids:
        return {}
    listed = col(IncidentPost.incident_id).in_(sorted(set(incident_ids)))
    statement = (
        select(IncidentPost.incident_id, Annotation.reasons)
        .join(IncidentPost, col(IncidentPost.post_id) == col(Annotation.post_id))
        .where(listed, col(Annotation.is_current))
    )
    words: dict[int, list[object]] = {}
    for incident_id, reasons in session.exec(statement):
        if isinstance(reasons, dict) and isinstance(reasons.get("addresses"), list):
            words.setdefault(incident_id, []).extend(reasons["addresses"])
    return words


def timeline(
    session: Session, *, entity_type: str, entity_id: int, limit: int = 100
) -> list[AuditEvent]:
    """The audit events of one record, oldest first."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .order_by(col(AuditEvent.id))
        .limit(limit)
    )
    return list(session.exec(statement))


def sources_with_daily_posts(session: Session, *, limit: int = 500) -> list[tuple[Source, int]]:
    """Sources with the number of posts each published in the last 24 hours."""
    since = now() - timedelta(days=1)
    recent = (
        select(Post.source_id, func.count().label("day"))
        .where(Post.published_at >= since)
        .group_by(col(Post.source_id))
        .subquery()
    )
    statement = (
        select(Source, func.coalesce(recent.c.day, 0))
        .outerjoin(recent, recent.c.source_id == col(Source.id))
        .order_by(col(Source.name))
        .limit(limit)
    )
    return [(source, int(day)) for source, day in session.exec(statement)]


def posts_with_annotations(
    session: Session, *, post_ids: list[int]
) -> dict[int, tuple[Post, Annotation | None]]:
    """The posts of one queue page with their current annotation (two queries in all)."""
    posts = session.exec(select(Post).where(col(Post.id).in_(post_ids))).all()
    annotations = session.exec(
        select(Annotation).where(
            col(Annotation.post_id).in_(post_ids), col(Annotation.is_current).is_(True)
        )
    ).all()
    current = {annotation.post_id: annotation for annotation in annotations}
    return {post.id or 0: (post, current.get(post.id or 0)) for post in posts}
