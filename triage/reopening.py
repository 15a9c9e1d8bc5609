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

SYSTEM = "system"
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
    """A fresh complaint on a resolved report is evidence the problem is back; the reports
    reopened."""
    return [
        _reopen(
            session, report, post_id=post.id or 0, calendar=calendar, actor=actor, user_id=user_id
        )
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
    calendar: WorkCalendar,
    actor: str,
    user_id: int | None,
) -> list[Report]:
    """After a merge, each resolved report (`origins`: report id → the incident it came
    from) reopens when another merged incident brought a post published after its
    resolution; its own incident's posts are no new evidence."""
    reopened = []
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
        reopened.append(_reopen(session, report, post_id=post_id, calendar=calendar,
                                actor=actor, user_id=user_id))  # fmt: skip
    return reopened


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
                 entity_id=report.id or 0, action="reopen_evidence", before=None,
                 after={"post_id": post_id})  # fmt: skip
    record_report_notice(session, report=report, kind=NoticeKind.REOPENED, reason=REASON)
    return report
