"""Read-only look-ups of crawl runs: a source's latest runs and its health over a window."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, func
from sqlmodel import Session, col, select

from models.crawl import CrawlRun, CrawlRunStatus

MAX_RUNS = 200
SICK = (CrawlRunStatus.FAILED, CrawlRunStatus.ABANDONED)
DAY = timedelta(days=1)
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class WindowFigures:
    """Runs started in a window: how many, how many failed or were abandoned, posts new."""

    runs: int
    sick: int
    new: int

    @property
    def sick_share(self) -> float | None:
        return self.sick / self.runs if self.runs else None


@dataclass(frozen=True)
class RunSummary:
    source_id: int
    day: WindowFigures
    week: WindowFigures


def latest_runs(session: Session, *, source_id: int | None, limit: int = 50) -> list[CrawlRun]:
    """The newest runs of one source (all sources when `source_id` is None)."""
    statement = select(CrawlRun)
    if source_id is not None:
        statement = statement.where(CrawlRun.source_id == source_id)
    statement = statement.order_by(col(CrawlRun.started_at).desc(), col(CrawlRun.id).desc())
    return list(session.exec(statement.limit(min(limit, MAX_RUNS))))


def run_summaries(session: Session, *, at: datetime) -> dict[int, RunSummary]:
    """Per source, the runs started in the 24 hours and in the 7 days before `at`."""
    in_day = col(CrawlRun.started_at) >= at - DAY
    is_sick = col(CrawlRun.status).in_(SICK)
    statement = (
        select(
            CrawlRun.source_id,
            _total(in_day, 1),
            _total(in_day & is_sick, 1),
            _total(in_day, col(CrawlRun.new)),
            func.count(),
            _total(is_sick, 1),
            func.coalesce(func.sum(CrawlRun.new), 0),
        )
        .where(col(CrawlRun.started_at) >= at - WEEK, col(CrawlRun.source_id).is_not(None))
        .group_by(col(CrawlRun.source_id))
    )
    return {
        int(source_id): RunSummary(
            source_id=int(source_id),
            day=WindowFigures(*(int(n) for n in figures[:3])),
            week=WindowFigures(*(int(n) for n in figures[3:])),
        )
        for source_id, *figures in session.exec(statement)
    }


def _total(condition: ColumnElement[bool], value: object) -> ColumnElement[int]:
    """SUM(value) over the rows meeting `condition` (0 when none do)."""
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)
