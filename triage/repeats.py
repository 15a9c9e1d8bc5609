"""«Повторно после решения»: resolved reports whose problem came back at the same place.

A report resolved in the period counts as repeated when, within `REPEAT_DAYS` after its
resolution, either

- another incident of the same municipality at a compatible place
  (`triage.address.same_place`) about the same problem (`triage.same_place.same_problem`)
  received its first post — a new complaint grouping's 72 hours did not join to it; or
- the report itself was reopened: by a fresh complaint (`triage.reopening`: by grouping, a
  correction, a move or a merge) or by an operator's hand (a `status:reopened` audit event
  either way); or
- a fresh complaint reached it while another open report already carried the problem (a
  `repeat_evidence` audit event, `triage.reopening`): the comeback merged into that report.

A reopening records no reason of its own (the status change's audit event holds the fields
before and after, nothing more), so nothing tells an operator's correction of a resolution
made by mistake from a problem that came back: every reopening after a resolution counts.

A reopening clears `Report.resolved_at`, so a resolution is read both from the report and
from its `status:resolved` audit events (`triage.lifecycle.apply_transition`): a report
resolved in the period and reopened since is still one of the period's resolutions, and a
repeated one. A report resolved twice in the period is counted once, repeated when either
resolution was followed by the problem again.

Batched: the period's resolutions with their incidents in one query, the reopenings and
repeat evidence in one, the candidate incidents of those municipalities over the window in
one, then paired in Python by (municipality, street), each street's incidents sorted by
their first post.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from models.audit import AuditEvent
from models.incident import Incident, IncidentStatus
from models.report import Report, ReportStatus
from triage.address import same_place, streets
from triage.reopening import REOPEN_EVIDENCE, REPEAT_EVIDENCE
from triage.report_list import report_scope_clauses
from triage.same_place import same_problem
from triage.scope import EVERYWHERE, Scope

REPEAT_DAYS = 30  # a complaint this long after a resolution says the problem was not solved
RESOLVED_ACTION = f"status:{ReportStatus.RESOLVED}"
# The problem back on the report itself: reopened (by a complaint or an operator: the status
# change; a complaint's evidence beside it is read too, for stores holding only that), or a
# complaint that an open report of the same incident took instead.
CAME_BACK_ACTIONS = (f"status:{ReportStatus.REOPENED}", REOPEN_EVIDENCE, REPEAT_EVIDENCE)


@dataclass(frozen=True)
class RepeatCounts:
    """One municipality's reports resolved in the period, and how many of them repeated."""

    resolved: int
    repeated: int

    @property
    def share(self) -> float | None:
        return self.repeated / self.resolved if self.resolved else None


@dataclass(frozen=True)
class ReportRepeats:
    """What repeated one report: the incidents of the same problem at its place and whether
    the report itself was reopened (or took a complaint its open twin carries,
    `repeat_evidence`), each within `REPEAT_DAYS` of a resolution."""

    report_id: int
    resolved_at: tuple[datetime, ...]
    incidents: tuple[Incident, ...]
    reopened: bool

    @property
    def repeated(self) -> bool:
        return self.reopened or bool(self.incidents)


@dataclass(frozen=True, slots=True)
class _Place:
    """The columns of an incident the pairing reads (ORM objects cost ten times more)."""

    incident_id: int
    municipality_id: int
    address: str | None
    topic_code: str | None
    category_code: str | None
    first_post_at: datetime


@dataclass
class _Resolved:
    report_id: int
    municipality_id: int  # the report's: the rating's row (its incident's is `place`'s)
    place: _Place
    times: set[datetime] = field(default_factory=set)


_PLACE_COLUMNS = (
    Incident.id,
    Incident.municipality_id,
    Incident.address,
    Incident.topic_code,
    Incident.category_code,
    func.coalesce(Incident.first_post_at, Incident.created_at),
)


def repeat_counts(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    scope: Scope = EVERYWHERE,
    days: int = REPEAT_DAYS,
) -> dict[int, RepeatCounts]:
    """Per municipality id: its reports resolved in [since, until) and those repeated."""
    resolved = _resolutions(
        session,
        [*report_scope_clauses(scope), Report.municipality_id.is_not(None)],  # type: ignore[union-attr]
        since=since,
        until=until,
    )
    repeated = _repeats(session, resolved, days=days)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for item in resolved:
        row = counts[item.municipality_id]
        row[0] += 1
        row[1] += bool(repeated.get(item.report_id))
    return {m: RepeatCounts(resolved=n, repeated=r) for m, (n, r) in counts.items()}


def report_repeats(
    session: Session, *, report_id: int, days: int = REPEAT_DAYS
) -> ReportRepeats | None:
    """What followed each resolution of one report (None when it was never resolved)."""
    resolved = _resolutions(session, [Report.id == report_id])
    if not resolved:
        return None
    item = resolved[0]
    found = _repeats(session, resolved, days=days, keep_incidents=True).get(report_id)
    ids = [place.incident_id for place in found.incidents] if found else []
    incidents = session.execute(select(Incident).where(Incident.id.in_(ids))).scalars()  # type: ignore[union-attr]
    return ReportRepeats(
        report_id=report_id,
        resolved_at=tuple(sorted(item.times)),
        incidents=tuple(sorted(incidents, key=lambda i: i.first_post_at or i.created_at)),
        reopened=bool(found and found.reopened),
    )


@dataclass
class _Found:
    reopened: bool = False
    incidents: list[_Place] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.reopened or bool(self.incidents)


def _resolutions(
    session: Session,
    clauses: list[Any],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[_Resolved]:
    """The reports resolved in [since, until) (at any time without bounds), each with its
    incident and its resolution times: its `resolved_at` and its `status:resolved` events."""
    event_on = [
        AuditEvent.entity_type == "report",
        AuditEvent.entity_id == Report.id,
        AuditEvent.action == RESOLVED_ACTION,
    ]
    current = [Report.resolved_at.is_not(None)]  # type: ignore[union-attr]
    if since is not None and until is not None:
        event_on += [AuditEvent.at >= since, AuditEvent.at < until]
        current += [Report.resolved_at >= since, Report.resolved_at < until]  # type: ignore[operator]
    rows = session.execute(
        select(
            Report.id, Report.municipality_id, Report.resolved_at, AuditEvent.at, *_PLACE_COLUMNS
        )
        .join(Incident, Incident.id == Report.incident_id)  # type: ignore[arg-type]
        .outerjoin(AuditEvent, and_(*event_on))
        .where(*clauses)
        .where(or_(and_(*current), AuditEvent.id.is_not(None)))  # type: ignore[union-attr]
        .order_by(Report.id)
    ).all()
    found: dict[int, _Resolved] = {}
    for report_id, municipality_id, resolved_at, event_at, *place in rows:
        item = found.get(report_id)
        if item is None:
            item = found[report_id] = _Resolved(report_id, municipality_id or 0, _place(place))
        if event_at is not None:
            item.times.add(event_at)
        if resolved_at is not None and _within(resolved_at, since, until):
            item.times.add(resolved_at)
    return list(found.values())


def _repeats(
    session: Session, resolved: list[_Resolved], *, days: int, keep_incidents: bool = False
) -> dict[int, _Found]:
    """Per report id, what repeated it; `keep_incidents` lists every repeating incident,
    otherwise the first found is enough."""
    if not resolved:
        return {}
    span = timedelta(days=days)
    first = min(t for item in resolved for t in item.times)
    last = max(t for item in resolved for t in item.times) + span
    found: dict[int, _Found] = defaultdict(_Found)
    by_id = {item.report_id: item for item in resolved}
    for report_id, at in _reopenings(session, list(by_id), first, last):
        found[report_id].reopened |= any(t < at <= t + span for t in by_id[report_id].times)
    places = {item.place.municipality_id for item in resolved}
    by_street = _candidates(session, places, first, last)
    for item in resolved:
        if found[item.report_id] and not keep_incidents:
            continue
        found[item.report_id].incidents.extend(_same_problem_after(item, by_street, span))
    return {k: v for k, v in found.items() if v}


def _reopenings(
    session: Session, report_ids: list[int], first: datetime, last: datetime
) -> Iterable[tuple[int, datetime]]:
    """The reopenings and repeat evidence in (first, last] of the given reports (read by
    time, not by a list of ids: they are few, and the ids may be thousands)."""
    wanted = set(report_ids)
    rows = session.execute(
        select(AuditEvent.entity_id, AuditEvent.at).where(
            AuditEvent.entity_type == "report",
            AuditEvent.action.in_(CAME_BACK_ACTIONS),  # type: ignore[attr-defined]
            AuditEvent.at > first,  # type: ignore[operator]
            AuditEvent.at <= last,  # type: ignore[operator]
        )
    ).all()
    return [(entity_id, at) for entity_id, at in rows if entity_id in wanted]


_Street = tuple[int, str]
_ByStreet = dict[_Street, tuple[list[datetime], list[_Place]]]


def _candidates(session: Session, places: set[int], first: datetime, last: datetime) -> _ByStreet:
    """The incidents of `places` first posted in (first, last], by (municipality, street),
    each street's sorted by their first post."""
    if not places:
        return {}
    rows = session.execute(
        select(*_PLACE_COLUMNS).where(
            Incident.municipality_id.in_(places),  # type: ignore[union-attr]
            Incident.status != IncidentStatus.MERGED,
            Incident.post_count > 0,
            Incident.address.is_not(None),  # type: ignore[union-attr]
            Incident.first_post_at > first,  # type: ignore[operator]
            Incident.first_post_at <= last,  # type: ignore[operator]
        )
    ).all()
    by_street: dict[_Street, list[_Place]] = defaultdict(list)
    for row in rows:
        place = _place(row)
        for street in streets(place.address):
            by_street[(place.municipality_id, street)].append(place)
    result = {}
    for key, listed in by_street.items():
        listed.sort(key=lambda place: place.first_post_at)
        result[key] = ([place.first_post_at for place in listed], listed)
    return result


def _same_problem_after(item: _Resolved, by_street: _ByStreet, span: timedelta) -> list[_Place]:
    """The incidents of the same problem at the report's place first posted within `span`
    after one of its resolutions."""
    here = item.place
    seen: dict[int, _Place] = {}
    for street in streets(here.address):
        times, listed = by_street.get((here.municipality_id, street), ([], []))
        for resolved_at in item.times:
            start = bisect_right(times, resolved_at)
            stop = bisect_right(times, resolved_at + span)
            for other in listed[start:stop]:
                if (
                    other.incident_id != here.incident_id
                    and other.incident_id not in seen
                    and same_problem(here, other)  # the cheaper test first
                    and same_place(here.address, other.address)
                ):
                    seen[other.incident_id] = other
    return list(seen.values())


def _place(row: Any) -> _Place:
    incident_id, municipality_id, address, topic_code, category_code, first_post_at = row
    return _Place(incident_id, municipality_id or 0, address, topic_code, category_code,
                  first_post_at)  # fmt: skip


def _within(at: datetime, since: datetime | None, until: datetime | None) -> bool:
    return (since is None or at >= since) and (until is None or at < until)
