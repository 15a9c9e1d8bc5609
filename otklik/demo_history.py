"""A month of a ЦУР's work on the demo posts: reports made from the demo's incidents as
operators would have made them, so `otklik demo` opens a console whose Обращения, deadlines,
history, rating and «По этому адресу» have something to show.

The earliest open incidents become reports, one per problem and place, each step through
`triage.reports` and `triage.lifecycle` at its own moment (`models.clock`), so deadlines,
answer times and the audit read as if it happened. The closed ones were made a few hours
after the incident's last post and answered within hours (one late, in days); the open
ones were made hours before the demo runs, so their deadlines are still ahead, whenever
that is. A step that would fall after now is not taken. One resolved is the Березники
hot-water outage, which residents write about again after its resolution: its later
incidents' pages offer to reopen it.

It runs only while the database holds no report: a second `otklik demo`, or a database
where operators work, is left alone.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from models.clock import frozen_at, now
from models.incident import Incident, IncidentStatus
from models.report import Report, ReportStatus
from models.user import User
from triage.calendar import WorkCalendar
from triage.lifecycle import change_status
from triage.reports import create_report, set_answer
from triage.same_place import neighbours

ACTOR = "operator"  # the demo operator login (`otklik.cli.demo.DEMO_USERS`)
ANSWER = "Работы выполнены, проблема устранена. Спасибо, что сообщили."


@dataclass(frozen=True)
class Step:
    status: ReportStatus
    after: timedelta  # since the report was made


CLOSED = (  # made a few hours after the incident's last post, answered within hours
    Step(ReportStatus.SENT, timedelta(hours=1)),
    Step(ReportStatus.IN_PROGRESS, timedelta(hours=2)),
    Step(ReportStatus.ANSWERED, timedelta(hours=6)),  # inside the shortest term, 8 hours
    Step(ReportStatus.RESOLVED, timedelta(days=2)),
)
# One agency was slow: it answered in days, after an urgent report's term, so «В срок» and
# the rating show a late answer beside the ones in time, as a real month does.
LATE_ANSWER = (
    Step(ReportStatus.SENT, timedelta(hours=1)),
    Step(ReportStatus.IN_PROGRESS, timedelta(days=1)),
    Step(ReportStatus.ANSWERED, timedelta(days=2)),
)
# The open ones are made hours ago, whenever the demo runs: their deadlines are still ahead
# (or just passing), as on a working day, not weeks overdue because the posts are old.
IN_PROGRESS = (Step(ReportStatus.SENT, timedelta(hours=1)),
               Step(ReportStatus.IN_PROGRESS, timedelta(hours=3)))  # fmt: skip
SENT = (Step(ReportStatus.SENT, timedelta(hours=2)),)
NEW: tuple[Step, ...] = ()
# (path, hours before now the report was made; None: after the incident's last post)
PLAN: tuple[tuple[tuple[Step, ...], int | None], ...] = (
    (CLOSED, None),
    (CLOSED, None),
    (LATE_ANSWER, None),
    (IN_PROGRESS, 6),
    (SENT, 5),
    (NEW, 2),
    (CLOSED, None),
    (IN_PROGRESS, 20),
    (SENT, 3),
    (NEW, 1),
)
MADE_AFTER = timedelta(hours=3)  # after the incident's last post


def add_demo_reports(session: Session, *, calendar: WorkCalendar) -> int:
    """Reports on the demo's earliest open incidents (one per problem and place: a later
    incident of a reported problem at its place is left for «По этому адресу»), unless any
    report exists; how many."""
    if session.execute(select(func.count()).select_from(Report)).scalar_one():
        return 0
    incidents = session.execute(
        select(Incident)
        .where(
            Incident.status == IncidentStatus.OPEN,
            Incident.post_count > 0,
            Incident.municipality_id.is_not(None),  # type: ignore[union-attr]
        )
        .order_by(Incident.first_post_at, Incident.id)  # type: ignore[arg-type]
    ).scalars()
    user = session.execute(select(User.id).where(User.username == ACTOR)).scalar_one_or_none()
    reported: set[int] = set()
    for incident in list(incidents):
        if len(reported) == len(PLAN):
            break
        nearby = neighbours(session, incident=incident)
        if any(n.same_problem and n.incident.id in reported for n in nearby):
            continue
        path, hours_ago = PLAN[len(reported)]
        if hours_ago is None:
            start = (incident.last_post_at or incident.created_at) + MADE_AFTER
        else:
            start = now() - timedelta(hours=hours_ago)
        if start > now():
            continue
        _report(session, incident, start=start, path=path, user_id=user, calendar=calendar)
        reported.add(incident.id or 0)
    return len(reported)


def _report(
    session: Session,
    incident: Incident,
    *,
    start: datetime,
    path: tuple[Step, ...],
    user_id: int | None,
    calendar: WorkCalendar,
) -> None:
    with frozen_at(start):
        report = create_report(session, incident_id=incident.id or 0,
                               expected_version=incident.version, actor=ACTOR, user_id=user_id,
                               calendar=calendar)  # fmt: skip
    for step in path:
        moment = start + step.after
        if moment > now():
            return
        with frozen_at(moment):
            if step.status == ReportStatus.ANSWERED:
                report = set_answer(session, report_id=report.id or 0, text=ANSWER,
                                    expected_version=report.version, actor=ACTOR,
                                    user_id=user_id)  # fmt: skip
            report = change_status(session, report_id=report.id or 0, status=step.status,
                                   actor=ACTOR, user_id=user_id, expected_version=report.version,
                                   calendar=calendar)  # fmt: skip
