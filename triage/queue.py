"""The review queue: annotated posts for moderators, highest priority first, one page at a time."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, false, func, or_, select, tuple_
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select
from sqlmodel import Session

from models.annotation import Annotation
from models.incident import Incident, IncidentPost
from models.post import Post, PostSighting, ReviewStatus
from models.search import post_search_filter
from models.source import Source
from triage.scope import EVERYWHERE, Scope

MAX_PAGE_SIZE = 500
# Counting stops here: an exact count of 300,000 waiting posts costs a second at 1M posts
# (BENCHMARKS.md), and "more than 10,000" tells a moderator as much.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class QueueFilters:
    """Empty fields filter nothing. Confidence is the lowest of category/topic/municipality."""

    review_statuses: tuple[str, ...] = (ReviewStatus.NEEDS_REVIEW,)
    source_ids: tuple[int, ...] = ()
    source_kinds: tuple[str, ...] = ()
    category_codes: tuple[str, ...] = ()
    topic_codes: tuple[str, ...] = ()
    municipality_ids: tuple[int, ...] = ()
    min_confidence: float | None = None
    max_confidence: float | None = None
    published_from: datetime | None = None
    published_to: datetime | None = None
    text: str | None = None
    # one thread: (source id, the post's external id) -> the post and the comments under it
    thread: tuple[int, str] | None = None
    incident_id: int | None = None  # the posts of one incident


@dataclass(frozen=True)
class QueueItem:
    post_id: int
    version: int
    text: str
    url: str | None
    published_at: datetime
    source_id: int
    source_name: str
    source_kind: str
    review_status: str
    priority: float
    is_signal: bool | None
    category_code: str | None
    topic_code: str | None
    municipality_id: int | None
    confidence: float | None
    incident_id: int | None
    incident_posts: int | None  # how many posts its incident holds


@dataclass(frozen=True)
class QueueCursor:
    """Where a page of the queue ended: its last post's place in the order (priority, then
    publication time, then id, all descending; the id breaks ties, so the order is total)."""

    priority: float
    published_at: datetime
    post_id: int


@dataclass(frozen=True)
class QueuePage:
    items: list[QueueItem]
    total: int
    page: int
    page_size: int
    filters: QueueFilters = field(default_factory=QueueFilters)
    total_is_exact: bool = True  # False: `total` is the count cap, and more posts match

    @property
    def pages(self) -> int:
        return max((self.total + self.page_size - 1) // self.page_size, 1)

    @property
    def next_cursor(self) -> QueueCursor | None:
        """The cursor of the page after this one (None for an empty page)."""
        if not self.items:
            return None
        last = self.items[-1]
        return QueueCursor(last.priority, last.published_at, last.post_id)


def review_queue(
    session: Session,
    *,
    filters: QueueFilters,
    page: int = 1,
    page_size: int = 50,
    lemmatize: Callable[[str], str] = str.lower,
    count_cap: int = COUNT_CAP,
    scope: Scope = EVERYWHERE,
    after: QueueCursor | None = None,
) -> QueuePage:
    """One page of the queue (pages count from 1). `lemmatize` serves SQLite's text search.

    `after` (the previous page's `next_cursor`): the page starts after that post (keyset
    pagination: a deep page costs what the first does, where OFFSET reads and drops every
    row before it); `page` is then only the number shown. Without it, `page` is an OFFSET.

    Only posts whose current municipality `scope` covers (a municipal user never sees a post
    without one, nor an agency's token any).

    `total` is exact up to `count_cap`; past it the count stops and `total_is_exact` is False.
    """
    page = max(page, 1)
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    confidence = _confidence()
    base = _matching(session, filters, confidence, lemmatize=lemmatize, scope=scope)
    counted = session.execute(
        select(func.count()).select_from(base.limit(count_cap + 1).subquery())
    ).scalar_one()
    listed = (
        base.with_only_columns(*_columns(confidence))
        .outerjoin(IncidentPost, IncidentPost.post_id == Post.id)
        .outerjoin(Incident, Incident.id == IncidentPost.incident_id)
        .order_by(*_queue_order())
        .limit(page_size)
    )
    if after is None:
        listed = listed.offset((page - 1) * page_size)
    else:
        key = tuple_(Post.priority, Post.published_at, Post.id)
        listed = listed.where(key < (after.priority, after.published_at, after.post_id))
    rows = session.execute(listed).all()
    items = [QueueItem(*row) for row in rows]
    exact = counted <= count_cap
    return QueuePage(items, min(counted, count_cap), page, page_size, filters, exact)


def matching_posts(
    session: Session,
    *,
    filters: QueueFilters,
    limit: int,
    lemmatize: Callable[[str], str] = str.lower,
    scope: Scope = EVERYWHERE,
) -> list[tuple[int, int]]:
    """Every post of the queue `filters` select, on all its pages, as (id, version), in the
    queue's order, at most `limit`: what a decision on the whole filtered queue (one thread,
    one incident) decides, with the versions to check."""
    base = _matching(session, filters, _confidence(), lemmatize=lemmatize, scope=scope)
    listed = base.with_only_columns(Post.id, Post.version).order_by(*_queue_order()).limit(limit)
    return [(int(post_id), int(version)) for post_id, version in session.execute(listed)]


def _matching(
    session: Session,
    filters: QueueFilters,
    confidence: object,
    *,
    lemmatize: Callable[[str], str],
    scope: Scope,
) -> Select:
    """The ids of the posts `filters` and `scope` select (the queue's one query, unordered)."""
    base = _filtered(
        select(Post.id)
        .join(Source, Source.id == Post.source_id)
        .outerjoin(Annotation, _current_annotation()),
        filters,
        confidence,
        dialect=session.get_bind().dialect.name,
        lemmatize=lemmatize,
    )
    return scoped_posts(base, scope)


def _queue_order() -> tuple[Any, ...]:
    """Highest priority first, then the newest; the id makes the order total."""
    return (Post.priority.desc(), Post.published_at.desc(), Post.id.desc())  # type: ignore[attr-defined,union-attr]


def _in_thread(source_id: int, key: str) -> Any:
    """The post `key` of a source, its comments, and the replies to those comments; the
    post itself also when another source stored it first and this one saw it too (a wall
    crawled, then the page's comments imported: `models.post_store`)."""
    under = aliased(Post)
    comments = select(under.external_id).where(
        under.source_id == source_id, under.parent_external_id == key
    )
    seen_here = select(PostSighting.post_id).where(
        PostSighting.source_id == source_id,  # type: ignore[arg-type]
        PostSighting.external_id == key,  # type: ignore[arg-type]
    )
    return or_(
        and_(
            Post.source_id == source_id,
            or_(
                Post.external_id == key,
                Post.parent_external_id == key,
                Post.parent_external_id.in_(comments),  # type: ignore[union-attr]
            ),
        ),
        Post.id.in_(seen_here),  # type: ignore[union-attr]
    )


def scoped_posts(statement: Select, scope: Scope) -> Select:
    """`statement` (over posts joined to their current annotation) narrowed to `scope`."""
    if scope.agency_id is not None:
        return statement.where(false())
    if scope.municipality_ids is not None:
        return statement.where(Annotation.municipality_id.in_(scope.municipality_ids))  # type: ignore[union-attr]
    return statement


def _current_annotation() -> object:
    return and_(Annotation.post_id == Post.id, Annotation.is_current.is_(True))  # type: ignore[attr-defined]


def _confidence() -> object:
    lowest = case(
        (
            Annotation.category_confidence < Annotation.topic_confidence,
            Annotation.category_confidence,
        ),
        else_=Annotation.topic_confidence,
    )
    return case(
        (Annotation.municipality_confidence < lowest, Annotation.municipality_confidence),
        else_=lowest,
    )


def _columns(confidence: object) -> list[object]:
    return [
        Post.id,
        Post.version,
        Post.text,
        Post.url,
        Post.published_at,
        Post.source_id,
        Source.name,
        Source.kind,
        Post.review_status,
        Post.priority,
        Annotation.is_signal,
        Annotation.category_code,
        Annotation.topic_code,
        Annotation.municipality_id,
        confidence,
        IncidentPost.incident_id,
        Incident.post_count,
    ]


def _filtered(
    statement: Select,
    filters: QueueFilters,
    confidence: object,
    *,
    dialect: str,
    lemmatize: Callable[[str], str],
) -> Select:
    conditions: list[tuple[Any, Callable[[], Any]]] = [
        (filters.review_statuses, lambda: Post.review_status.in_(filters.review_statuses)),  # type: ignore[attr-defined]
        (filters.source_ids, lambda: Post.source_id.in_(filters.source_ids)),  # type: ignore[attr-defined]
        (filters.source_kinds, lambda: Source.kind.in_(filters.source_kinds)),  # type: ignore[attr-defined]
        (filters.category_codes, lambda: Annotation.category_code.in_(filters.category_codes)),  # type: ignore[union-attr]
        (filters.topic_codes, lambda: Annotation.topic_code.in_(filters.topic_codes)),  # type: ignore[union-attr]
        (
            filters.municipality_ids,
            lambda: Annotation.municipality_id.in_(filters.municipality_ids),
        ),  # type: ignore[union-attr]
        (filters.min_confidence is not None, lambda: confidence >= filters.min_confidence),  # type: ignore[operator]
        (filters.max_confidence is not None, lambda: confidence <= filters.max_confidence),  # type: ignore[operator]
        (filters.published_from is not None, lambda: Post.published_at >= filters.published_from),  # type: ignore[operator]
        (filters.published_to is not None, lambda: Post.published_at < filters.published_to),  # type: ignore[operator]
    ]
    for active, condition in conditions:
        if active:
            statement = statement.where(condition())
    if filters.thread is not None:
        statement = statement.where(_in_thread(*filters.thread))
    if filters.incident_id is not None:
        members = select(IncidentPost.post_id).where(
            IncidentPost.incident_id == filters.incident_id
        )
        statement = statement.where(Post.id.in_(members))  # type: ignore[union-attr]
    if filters.text and filters.text.strip():
        statement = post_search_filter(
            statement, query=filters.text, dialect=dialect, lemmatize=lemmatize
        )
    return statement
