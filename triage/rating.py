"""A municipality rating that is fair to small municipalities.

Each municipality's shares (resolved, answered on time) are shrunk toward the regional
share with the weight of `prior_reports` imaginary average reports (empirical Bayes), so
two lucky reports cannot top the table; below `min_reports` a municipality is listed but
not ranked. Where the population is known, signals per 10,000 people are given too.

A municipal user's rating reads only their territory (`scope`): their municipalities, ranked
among themselves and shrunk toward their own mean, so nothing of other territories is read.

«Повторно после решения» (`triage.repeats`): of the reports resolved in the period, those
whose problem came back at the same place within `triage.repeats.REPEAT_DAYS` (a new
incident, or the report reopened by a fresh complaint). It is shown beside the score, not
in it: the score and the ranks stay what they were (no rank changes silently), and a
resolution of the period's last days has not yet had its 30 days to repeat, so the figure
is still moving where the score's shares are not.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from models.annotation import Annotation
from models.geo import Municipality
from models.post import Post
from models.report import Report
from triage.analytics import SIGNAL_STATUSES
from triage.repeats import RepeatCounts, repeat_counts
from triage.report_list import report_scope_clauses
from triage.scope import EVERYWHERE, Scope


@dataclass(frozen=True)
class MunicipalityRating:
    municipality_id: int
    name: str
    reports: int
    resolved: int
    on_time: int
    score: float  # 0..100, shrunk toward the regional mean; meaningful only when `rated`
    resolved_share: float
    on_time_share: float
    signals: int
    signals_per_10k: float | None
    rated: bool  # enough reports to be ranked
    rank: int | None
    # «Повторно после решения»: reports resolved in the period (whenever created), and those
    # whose problem came back at the same place; beside the score, not in it
    resolved_in_period: int = 0
    repeated: int = 0

    @property
    def repeated_share(self) -> float | None:
        return self.repeated / self.resolved_in_period if self.resolved_in_period else None


def municipality_rating(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    min_reports: int = 5,
    prior_reports: float = 10.0,
    scope: Scope = EVERYWHERE,
    repeats: bool = True,
) -> list[MunicipalityRating]:
    """Every municipality of `scope`, the ranked first; `repeats=False` leaves the
    «Повторно после решения» counts at 0 (they cost three more queries)."""
    counts = _report_counts(session, since, until, scope)
    repeated = repeat_counts(session, since=since, until=until, scope=scope) if repeats else {}
    signals = _signal_counts(session, since, until, scope)
    total = sum(c["reports"] for c in counts.values())
    regional_resolved = _ratio(sum(c["resolved"] for c in counts.values()), total)
    regional_on_time = _ratio(sum(c["on_time"] for c in counts.values()), total)
    rows = []
    places = select(Municipality)
    if scope.municipality_ids is not None:
        places = places.where(Municipality.id.in_(scope.municipality_ids))  # type: ignore[union-attr]
    for municipality in session.execute(places).scalars():
        c = counts.get(municipality.id, {"reports": 0, "resolved": 0, "on_time": 0})
        resolved = _shrink(c["resolved"], c["reports"], regional_resolved, prior_reports)
        on_time = _shrink(c["on_time"], c["reports"], regional_on_time, prior_reports)
        n_signals = signals.get(municipality.id, 0)
        again = repeated.get(municipality.id or 0, RepeatCounts(resolved=0, repeated=0))
        rows.append(
            MunicipalityRating(
                municipality_id=municipality.id or 0,
                name=municipality.name,
                reports=c["reports"],
                resolved=c["resolved"],
                on_time=c["on_time"],
                score=round(100 * (resolved + on_time) / 2, 1),
                resolved_share=resolved,
                on_time_share=on_time,
                signals=n_signals,
                signals_per_10k=(
                    round(n_signals * 10_000 / municipality.population, 2)
                    if municipality.population
                    else None
                ),
                rated=c["reports"] >= min_reports,
                rank=None,
                resolved_in_period=again.resolved,
                repeated=again.repeated,
            )
        )
    return _ranked(rows)


def _report_counts(
    session: Session, since: datetime, until: datetime, scope: Scope
) -> dict[int, dict[str, int]]:
    on_time = case(
        (
            and_(
                Report.first_answer_at.is_not(None),  # type: ignore[union-attr]
                Report.first_answer_at <= Report.due_at,
            ),
            1,
        ),
        else_=0,
    )  # type: ignore[operator]
    rows = session.execute(
        select(
            Report.municipality_id, func.count(), func.count(Report.resolved_at), func.sum(on_time)
        )
        .where(Report.created_at >= since, Report.created_at < until)  # type: ignore[operator]
        .where(Report.municipality_id.is_not(None))  # type: ignore[union-attr]
        .where(*report_scope_clauses(scope))
        .group_by(Report.municipality_id)
    ).all()
    return {m: {"reports": n, "resolved": r, "on_time": int(t or 0)} for m, n, r, t in rows}


def _signal_counts(
    session: Session, since: datetime, until: datetime, scope: Scope
) -> dict[int, int]:
    if scope.agency_id is not None:
        return {}  # an agency's token sees reports, not posts
    statement = (
        select(Annotation.municipality_id, func.count())
        .join(Post, Post.id == Annotation.post_id)
        .where(Annotation.is_current.is_(True), Annotation.municipality_id.is_not(None))  # type: ignore[attr-defined,union-attr]
        .where(Post.review_status.in_(SIGNAL_STATUSES))  # type: ignore[attr-defined]
        .where(Post.published_at >= since, Post.published_at < until)  # type: ignore[operator]
    )
    if scope.municipality_ids is not None:
        statement = statement.where(Annotation.municipality_id.in_(scope.municipality_ids))  # type: ignore[union-attr]
    rows = session.execute(statement.group_by(Annotation.municipality_id)).all()
    return {m: n for m, n in rows}


def _shrink(hits: int, n: int, regional: float, prior: float) -> float:
    return (hits + prior * regional) / (n + prior) if n + prior > 0 else regional


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _ranked(rows: list[MunicipalityRating]) -> list[MunicipalityRating]:
    rated = sorted((r for r in rows if r.rated), key=lambda r: (-r.score, r.name))
    unrated = sorted(
        (r for r in rows if not r.rated), key=lambda r: (-r.reports, -r.signals, r.name)
    )
    result: list[Any] = [
        MunicipalityRating(**{**r.__dict__, "rank": i}) for i, r in enumerate(rated, start=1)
    ]
    return result + unrated
