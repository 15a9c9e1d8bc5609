"""A resolved report reopens on evidence that its problem is back: a resident's post about
it, published after the resolution, arriving in the report's incident.

The post arrives by grouping (`triage.stage`), by a moderator's correction
(`triage.regroup`) or by a moderator's merge (`triage.incidents.merge_incidents`): residents
who write again a week after a resolution make a new incident (grouping joins within 72
hours), and joining it to the reported one («По этому адресу») is the moderator saying the
problem is the same. The report then goes back to the agency with a new deadline; every
reopening is audited with the post that was the evidence, and its agency and the territory's
operators are told (`report_reopened`, `triage.notifications`): the agency closed it and
would otherwise not know.

One problem stays in one open report. When the incident the post reaches already holds an
open report (a merge brought it, it was created after the resolution, or — after a
correction or a move — it followed the post out of the incident the post emptied,
`triage.emptied`, settled first), that report carries the problem: the resolved one stays
resolved and records the post as evidence that its problem came back (a `repeat_evidence`
audit event naming the open report, read by the rating, `triage.repeats`), and nobody is
told a second time. When several resolved reports would reopen and none is open, only the
latest resolved reopens; the others record the evidence against it.
"""

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from models.incident import Incident, IncidentPost
from models.notification import NoticeKind
from models.post import Post
from models.report import Report, ReportStatus
from triage.audit import record_event
from triage.calendar import WorkCalendar
from triage.lifecycle import apply_transition
from triage.notifications import record_report_notice
from triage.reports import open_report_among

SYSTEM = "system"
REOPEN_EVIDENCE = "reopen_evidence"  # the post that reopened the report
REPEAT_EVIDENCE = "repeat_evidence"  # the post that would have, had no open report had it
REASON = (
    "Жители снова пишут о проблеме после её решения: обращение возвращено в работу с новым сроком."
)


def reopen_if_resolved(
    session: Session,
    *,
    incident: Incident,
    post: Post,
    calendar: WorkCalendar,
    actor: str = SYSTEM,
    user_id: int | None = None,
) -> list[Report]:
    """A fresh complaint on a resolved report is evidence the problem is back; the report
    reopened (none when an open report of the incident already carries the problem)."""
    due = [(report, post.id or 0) for report in _resolved_before(session, incident, post)]
    if not due:
        return []
    in_work = open_report_among(session, incident_ids=[incident.id or 0])
    return _settle(session, due, in_work=in_work, calendar=calendar, actor=actor,
                   user_id=user_id)  # fmt: skip


def comeback_report(session: Session, *, incident: Incident, post: Post) -> Report | None:
    """The resolved report of the incident that `post`, published after its resolution, is
    evidence against: the latest resolved of them, the one `reopen_if_resolved` reopens when
    no open report carries the problem. Read before the post's old incident is settled
    (`triage.emptied`), so that a report it leaves behind can be closed as its duplicate."""
    due = _resolved_before(session, incident, post)
    return min(due, key=_latest_resolved_first, default=None)


def _resolved_before(session: Session, incident: Incident, post: Post) -> list[Report]:
    return [
        report
        for report in resolved_reports(session, [incident.id or 0])
        if report.resolved_at is None or post.published_at > report.resolved_at
    ]


def newest_posts(session: Session, incident_ids: list[int]) -> dict[int, tuple[int, datetime]]:
    """Each incident's newest post: (post id, published at). Read before a merge, while each
    post still sits in the incident it came from."""
    rows = session.execute(
        select(IncidentPost.incident_id, Post.id, Post.published_at)
        .join(Post, Post.id == IncidentPost.post_id)  # type: ignore[arg-type]
        .where(IncidentPost.incident_id.in_(incident_ids))  # type: ignore[attr-defined]
        .order_by(Post.published_at)  # type: ignore[arg-type]
    ).all()
    return {incident_id: (post_id or 0, at) for incident_id, post_id, at in rows}  # newest wins


def resolved_reports(session: Session, incident_ids: list[int]) -> list[Report]:
    return list(
        session.execute(
            select(Report).where(
                Report.incident_id.in_(incident_ids),  # type: ignore[attr-defined]
                Report.status == ReportStatus.RESOLVED,
            )
        ).scalars()
    )


def reopen_after_merge(
    session: Session,
    *,
    reports: list[Report],
    origins: dict[int, int],
    newest: dict[int, tuple[int, datetime]],
    in_work: Report | None,
    calendar: WorkCalendar,
    actor: str,
    user_id: int | None,
) -> list[Report]:
    """After a merge, a resolved report (`origins`: report id → the incident it came from)
    is due to reopen when another merged incident brought a post published after its
    resolution; its own incident's posts are no new evidence. `in_work`: the merged
    incidents' open report, which then carries the problem instead (`_settle`)."""
    due = []
    for report in reports:
        brought = [
            newest[incident_id]
            for incident_id in newest
            if incident_id != origins.get(report.id or 0)
        ]
        if not brought:
            continue
        post_id, at = max(brought, key=lambda pair: pair[1])
        if report.resolved_at is not None and at <= report.resolved_at:
            continue
        due.append((report, post_id))
    return _settle(session, due, in_work=in_work, calendar=calendar, actor=actor,
                   user_id=user_id)  # fmt: skip


def _settle(
    session: Session,
    due: list[tuple[Report, int]],
    *,
    in_work: Report | None,
    calendar: WorkCalendar,
    actor: str,
    user_id: int | None,
) -> list[Report]:
    """Keep one open report per problem: the latest resolved of the `due` (report, post id)
    reopens unless a report is already `in_work`; every other records its evidence against
    the open one. The reports reopened (one at most)."""
    reopened = []
    for report, post_id in sorted(due, key=lambda pair: _latest_resolved_first(pair[0])):
        if in_work is None:
            in_work = _reopen(session, report, post_id=post_id, calendar=calendar, actor=actor,
                              user_id=user_id)  # fmt: skip
            reopened.append(in_work)
        else:
            record_event(session, actor=actor, user_id=user_id, entity_type="report",
                         entity_id=report.id or 0, action=REPEAT_EVIDENCE, before=None,
                         after={"post_id": post_id, "open_report_id": in_work.id})  # fmt: skip
    return reopened


def _latest_resolved_first(report: Report) -> tuple[float, int]:
    """The sort key that puts the latest resolution first (the newest report on a tie)."""
    resolved = report.resolved_at.timestamp() if report.resolved_at is not None else 0.0
    return -resolved, -(report.id or 0)


def _reopen(
    session: Session,
    report: Report,
    *,
    post_id: int,
    calendar: WorkCalendar,
    actor: str,
    user_id: int | None,
) -> Report:
    report.version += 1
    apply_transition(session, report, status=ReportStatus.REOPENED, actor=actor,
                     user_id=user_id, calendar=calendar)  # fmt: skip
    record_event(session, actor=actor, user_id=user_id, entity_type="report",
                 entity_id=report.id or 0, action=REOPEN_EVIDENCE, before=None,
                 after={"post_id": post_id})  # fmt: skip
    record_report_notice(session, report=report, kind=NoticeKind.REOPENED, reason=REASON)
    return report
