"""Counts operators and scripts use to check the system (`otklik stats --json`)."""

from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from models.annotation import Annotation
from models.incident import Incident
from models.post import Post
from models.quarantine import QuarantineRecord
from models.report import Report
from models.source import Source


def system_stats(session: Session) -> dict[str, Any]:
    return {
        "sources": _count(session, Source),
        "posts": _count(session, Post),
        "posts_by_stage": _count_by(session, Post.stage),  # type: ignore[arg-type]
        "posts_by_review_status": _count_by(session, Post.review_status),  # type: ignore[arg-type]
        "annotations": _count(session, Annotation),
        "incidents": _count(session, Incident),
        "incidents_by_status": _count_by(session, Incident.status),  # type: ignore[arg-type]
        "reports": _count(session, Report),
        "reports_by_status": _count_by(session, Report.status),  # type: ignore[arg-type]
        "quarantined": _count(session, QuarantineRecord),
    }


def _count(session: Session, table: type) -> int:
    return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def _count_by(session: Session, column: Any) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).group_by(column)).all()
    return {str(key): int(count) for key, count in sorted(rows)}
