"""The other incidents at an incident's place: the address's history beside it, and the open
report a second report would duplicate.

Grouping joins posts within `group_window_hours` (72 hours, the issue's rule). A hot-water
outage on one street written about on the 1st, the 10th and the 19th of a month is then
three incidents, and the first may already be in a report. A moderator sees them together
here: the same place (`triage.address.same_place`: the same street, the same house when both
name one) in the same municipality, whose posts came within `HISTORY_DAYS` of this
incident's; the same problem first.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import or_, select
from sqlmodel import Session

from models.incident import Incident, IncidentStatus
from models.report import Report, ReportStatus
from triage.address import same_place, streets
from triage.related import TWIN_TOPICS
from triage.reports import CLOSED_STATUSES

HISTORY_DAYS = 90
SHOWN = 8
SCANNED = 200  # incidents of the street read per look-up, latest first


@dataclass(frozen=True)
class Neighbour:
    incident: Incident
    same_problem: bool
    report: Report | None  # its latest report, open or not

    @property
    def open_report(self) -> Report | None:
        if self.report is None or self.report.status in CLOSED_STATUSES:
            return None
        return self.report


def neighbours(
    session: Session, *, incident: Incident, days: int = HISTORY_DAYS, shown: int = SHOWN
) -> list[Neighbour]:
    """The incidents at `incident`'s place, the same problem first, then the latest."""
    named = streets(incident.address)
    anchor_first = incident.first_post_at or incident.created_at
    anchor_last = incident.last_post_at or incident.created_at
    if incident.id is None or incident.municipality_id is None or not named:
        return []
    span = timedelta(days=days)
    rows = session.execute(
        select(Incident)
        .where(
            Incident.id != incident.id,
            Incident.municipality_id == incident.municipality_id,
            Incident.status != IncidentStatus.MERGED,
            Incident.post_count > 0,
            Incident.last_post_at >= anchor_first - span,  # type: ignore[operator]
            Incident.first_post_at <= anchor_last + span,  # type: ignore[operator]
            or_(*(Incident.address.contains(street, autoescape=True) for street in named)),  # type: ignore[union-attr]
        )
        .order_by(Incident.last_post_at.desc())  # type: ignore[union-attr]
        .limit(SCANNED)
    ).scalars()
    found = [
        (other, same_problem(incident, other))
        for other in rows
        if same_place(incident.address, other.address)
    ]
    # the same problem first; `sorted` is stable: the latest first within each
    kept = sorted(found, key=lambda pair: not pair[1])[:shown]
    reports = _latest_reports(session, [other.id or 0 for other, _ in kept])
    return [Neighbour(other, same, reports.get(other.id or 0)) for other, same in kept]


class Problem(Protocol):
    """What `same_problem` reads of an incident (`triage.repeats` passes lighter rows)."""

    @property
    def topic_code(self) -> str | None: ...

    @property
    def category_code(self) -> str | None: ...


def same_problem(incident: Problem, other: Problem) -> bool:
    """The same topic (or twin topics, `triage.related.TWIN_TOPICS`); without both topics,
    the same category. A confused category pair is not enough here: a flooded road and a
    leaking roof on one street are two problems for the agencies."""
    if incident.topic_code and other.topic_code:
        pair = frozenset((incident.topic_code, other.topic_code))
        return len(pair) == 1 or pair in TWIN_TOPICS
    return bool(incident.category_code) and incident.category_code == other.category_code


def duplicated_report(listed: list[Neighbour]) -> Neighbour | None:
    """The first incident of the same problem at this place whose report is still open: a
    new report would send the agency the same problem twice."""
    return next((n for n in listed if n.same_problem and n.open_report is not None), None)


def returned_problem(incident: Incident, listed: list[Neighbour]) -> Neighbour | None:
    """The first incident of the same problem at this place whose latest report was resolved
    before this incident's residents last wrote: the problem is back. Joining this incident
    to it reopens that report with a new deadline (`triage.reopening`)."""
    wrote = incident.last_post_at or incident.created_at
    return next((n for n in listed if n.same_problem and resolved_before(n.report, wrote)), None)


def resolved_before(report: Report | None, moment: datetime | None) -> bool:
    """The report is resolved, and was before `moment` (a post's time)."""
    return (
        report is not None
        and report.status == ReportStatus.RESOLVED
        and report.resolved_at is not None
        and moment is not None
        and report.resolved_at < moment
    )


def _latest_reports(session: Session, incident_ids: list[int]) -> dict[int, Report]:
    if not incident_ids:
        return {}
    rows = session.execute(
        select(Report)
        .where(Report.incident_id.in_(incident_ids))  # type: ignore[attr-defined]
        .order_by(Report.created_at)  # type: ignore[arg-type]
    ).scalars()
    return {report.incident_id: report for report in rows}  # the latest wins
