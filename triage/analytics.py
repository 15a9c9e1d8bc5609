"""Analytics for the console: volumes, top topics, answer times, SLA, municipality rating.

Everything is an SQL aggregate returning a few small rows; no table is loaded whole.
Each takes the caller's `scope`: a municipal user's figures are counted, in the database,
over their territory's posts and reports only (as the queue and the report list are).
Periods are the region's: `volumes` and `bucket_keys` take its zone, and a day is its local
day, a week starts on its local Monday, a month on its local first day.
"""

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from models.annotation import Annotation
from models.post import Post, ReviewStatus
from models.report import Report, ReportStatus
from models.source import Source
from models.taxonomy import Topic
from triage.queue import scoped_posts
from triage.report_list import report_scope_clauses
from triage.scope import EVERYWHERE, Scope

HOUR_SECONDS = 3600
SIGNAL_STATUSES = (
    ReviewStatus.AUTO_ACCEPTED,
    ReviewStatus.NEEDS_REVIEW,
    ReviewStatus.CONFIRMED,
    ReviewStatus.CORRECTED,
)


class Dimension(StrEnum):
    CATEGORY = "category"
    TOPIC = "topic"
    MUNICIPALITY = "municipality"
    SOURCE = "source"
    SOURCE_KIND = "source_kind"


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class VolumeRow:
    period: str  # the bucket's first day, "2025-03-03"
    key: str | None
    count: int


@dataclass(frozen=True)
class TopicCount:
    topic_code: str
    name: str | None
    count: int


@dataclass(frozen=True)
class ReportSummary:
    total: int
    resolved: int
    share_resolved: float | None
    answered: int
    mean_hours_to_first_answer: float | None
    median_hours_to_first_answer: float | None
    mean_hours_to_resolution: float | None
    median_hours_to_resolution: float | None
    sla_judged: int  # answered, or still open past the deadline
    sla_met: int
    sla_compliance: float | None


def volumes(
    session: Session,
    *,
    by: Dimension,
    period: Period,
    since: datetime,
    until: datetime,
    zone: ZoneInfo,
    scope: Scope = EVERYWHERE,
) -> list[VolumeRow]:
    """Signal posts per period and per `by` value, oldest period first; the periods are
    `zone`'s local days, weeks or months."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        bucket = _postgres_bucket(Post.published_at, period, zone)
    else:
        bucket = _sqlite_bucket(Post.published_at, period, _utc_offsets(zone, since, until))
    bucket = bucket.label("bucket")
    key = _dimension(by).label("key")
    statement = _signals(select(bucket, key, func.count()), since, until, scope)
    if by in (Dimension.SOURCE, Dimension.SOURCE_KIND):
        statement = statement.join(Source, Source.id == Post.source_id)
    rows = session.execute(statement.group_by(bucket, key).order_by(bucket, key)).all()
    return [VolumeRow(str(b), None if k is None else str(k), c) for b, k, c in rows]


def top_topics(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    limit: int = 10,
    scope: Scope = EVERYWHERE,
) -> list[TopicCount]:
    columns = select(Annotation.topic_code, Topic.name, func.count())
    statement = _signals(columns, since, until, scope)
    rows = session.execute(
        statement.outerjoin(Topic, Topic.code == Annotation.topic_code)
        .where(Annotation.topic_code.is_not(None))  # type: ignore[union-attr]
        .group_by(Annotation.topic_code, Topic.name)
        .order_by(func.count().desc(), Annotation.topic_code)
        .limit(limit)
    ).all()
    return [TopicCount(code, name, count) for code, name, count in rows]


def report_summary(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    now: datetime,
    municipality_id: int | None = None,
    scope: Scope = EVERYWHERE,
) -> ReportSummary:
    """Share resolved, answer and resolution times (hours), SLA compliance, for reports
    created in [since, until) that `scope` covers."""
    where = [Report.created_at >= since, Report.created_at < until]  # type: ignore[operator]
    if municipality_id is not None:
        where.append(Report.municipality_id == municipality_id)  # type: ignore[arg-type]
    where.extend(report_scope_clauses(scope))
    dialect = session.get_bind().dialect.name
    answer = _hours(Report.created_at, Report.first_answer_at, dialect)
    resolution = _hours(Report.created_at, Report.resolved_at, dialect)
    judged, met = _sla_counts(now)
    total, resolved, answered, mean_answer, mean_resolution, judged_n, met_n = session.execute(
        select(
            func.count(),
            func.count(Report.resolved_at),
            func.count(Report.first_answer_at),
            func.avg(answer),
            func.avg(resolution),
            func.sum(judged),
            func.sum(met),
        ).where(*where)
    ).one()
    return ReportSummary(
        total=total,
        resolved=resolved,
        share_resolved=_share(resolved, total),
        answered=answered,
        mean_hours_to_first_answer=_float(mean_answer),
        median_hours_to_first_answer=_median(session, answer, where),
        mean_hours_to_resolution=_float(mean_resolution),
        median_hours_to_resolution=_median(session, resolution, where),
        sla_judged=int(judged_n or 0),
        sla_met=int(met_n or 0),
        sla_compliance=_share(int(met_n or 0), int(judged_n or 0)),
    )


def _signals(statement: Select, since: datetime, until: datetime, scope: Scope) -> Select:
    statement = (
        statement.select_from(Post)
        .join(Annotation, and_(Annotation.post_id == Post.id, Annotation.is_current.is_(True)))  # type: ignore[attr-defined]
        .where(Post.review_status.in_(SIGNAL_STATUSES))  # type: ignore[attr-defined]
        .where(Post.published_at >= since, Post.published_at < until)  # type: ignore[operator]
    )
    return scoped_posts(statement, scope)


def _dimension(by: Dimension) -> Any:
    return {
        Dimension.CATEGORY: Annotation.category_code,
        Dimension.TOPIC: Annotation.topic_code,
        Dimension.MUNICIPALITY: Annotation.municipality_id,
        Dimension.SOURCE: Source.name,
        Dimension.SOURCE_KIND: Source.kind,
    }[by]


def _postgres_bucket(column: Any, period: Period, zone: ZoneInfo) -> ColumnElement[Any]:
    # the column is timestamptz: AT TIME ZONE gives the zone's wall-clock time, a plain timestamp
    local = func.timezone(_zone_name(zone), column)
    return func.to_char(func.date_trunc(period.value, local), "YYYY-MM-DD")


def _sqlite_bucket(
    column: Any, period: Period, offsets: list[tuple[datetime, timedelta]]
) -> ColumnElement[Any]:
    """The bucket of `column` (naive UTC text on SQLite), shifted by the offset in force:
    one expression if `offsets` has one, else a CASE over the ranges between transitions."""

    # SQLite shifts a time in whole milliseconds, rounding 23:59:59.9999 to the next day:
    # the shift is by whole seconds, so the seconds' fraction is cut off first
    whole_seconds = func.substr(column, 1, 19)

    def shifted(offset: timedelta) -> ColumnElement[Any]:
        shift = f"{int(offset.total_seconds()):+d} seconds"
        if period == Period.DAY:
            return func.strftime("%Y-%m-%d", whole_seconds, shift)
        if period == Period.MONTH:
            return func.strftime("%Y-%m-01", whole_seconds, shift)
        return func.date(whole_seconds, shift, "-6 days", "weekday 1")  # the Monday on or before

    # each offset holds from its start until the next one's
    pairs = pairwise(offsets)
    whens = [(column < end, shifted(offset)) for (_, offset), (end, _) in pairs]
    last = shifted(offsets[-1][1])
    return case(*whens, else_=last) if whens else last


def _utc_offsets(
    zone: ZoneInfo, since: datetime, until: datetime
) -> list[tuple[datetime, timedelta]]:
    """The UTC offsets `zone` has over [since, until), oldest first, each with the instant it
    starts from (the first, `since`): one pair without a transition in the window.

    SQLite has no zone database, so the transitions are found here, from zoneinfo (which
    lists none publicly): stepping through the window an hour at a time and, where the offset
    changed, bisecting to the second (transitions fall on whole seconds). Two changes within
    one hour would be seen as one; no zone has made them."""

    def offset_at(second: int) -> timedelta:
        return datetime.fromtimestamp(second, zone).utcoffset() or timedelta(0)

    first, last = math.floor(since.timestamp()), math.ceil(until.timestamp())
    offsets = [(since, offset_at(first))]
    for start in range(first, last, HOUR_SECONDS):
        end = min(start + HOUR_SECONDS, last)
        if offset_at(end) == offsets[-1][1]:
            continue
        low, high = start, end  # the old offset at `low`, a new one at `high`
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if offset_at(middle) == offsets[-1][1] else (low, middle)
        offsets.append((datetime.fromtimestamp(high, UTC), offset_at(high)))
    return offsets


def _zone_name(zone: ZoneInfo) -> str:
    if zone.key is None:
        raise ValueError("the zone must be named (ZoneInfo('Asia/Yekaterinburg')) for PostgreSQL")
    return zone.key


def bucket_keys(period: Period, since: datetime, until: datetime, *, zone: ZoneInfo) -> list[str]:
    """Every bucket key `volumes` can give for [since, until), oldest first, empty ones too:
    as `volumes` writes them, `zone`'s local day, its week's Monday or its month's first day."""
    if since.tzinfo is None or until.tzinfo is None:
        raise ValueError("bucket_keys takes timezone-aware datetimes only")
    if until <= since:
        return []
    day = _bucket_start(since.astimezone(zone).date(), period)
    last = (until - timedelta(microseconds=1)).astimezone(zone).date()  # `until` is excluded
    keys: list[str] = []
    while day <= last:
        keys.append(day.isoformat())
        day = _next_bucket(day, period)
    return keys


def _bucket_start(day: date, period: Period) -> date:
    if period == Period.DAY:
        return day
    if period == Period.WEEK:
        return day - timedelta(days=day.weekday())  # the Monday on or before
    return day.replace(day=1)


def _next_bucket(start: date, period: Period) -> date:
    if period == Period.DAY:
        return start + timedelta(days=1)
    if period == Period.WEEK:
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def _hours(start: Any, end: Any, dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return func.extract("epoch", end - start) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


def _sla_counts(now: datetime) -> tuple[Any, Any]:
    answered_on_time = and_(
        Report.first_answer_at.is_not(None), Report.first_answer_at <= Report.due_at
    )  # type: ignore[union-attr,operator]
    open_overdue = and_(
        Report.first_answer_at.is_(None),  # type: ignore[union-attr]
        Report.status.not_in(
            (
                ReportStatus.REJECTED,
                ReportStatus.DUPLICATE,  # type: ignore[attr-defined]
                ReportStatus.NOT_IN_COMPETENCE,
                ReportStatus.WITHDRAWN,
            )
        ),
        Report.due_at < now,  # type: ignore[operator]
    )
    judged = case((Report.first_answer_at.is_not(None), 1), (open_overdue, 1), else_=0)  # type: ignore[union-attr]
    met = case((answered_on_time, 1), else_=0)
    return judged, met


def _median(session: Session, value: ColumnElement[Any], where: list[Any]) -> float | None:
    """The median by two indexed look-ups (no percentile function on SQLite)."""
    present = [*where, value.is_not(None)]
    count = session.execute(select(func.count()).where(*present)).scalar_one()
    if count == 0:
        return None
    ordered = select(value).where(*present).order_by(value)
    middle = session.execute(ordered.offset((count - 1) // 2).limit(2 - count % 2)).scalars().all()
    return float(sum(middle) / len(middle))


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
