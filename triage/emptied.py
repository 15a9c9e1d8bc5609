"""An incident left with no posts closes itself, and its open report goes where its posts went.

What a ЦУР expects of the report, by why the incident emptied:

- its posts were not signals («Не сигнал»): there is nothing left for the agency to do, so
  the report is **withdrawn** («отозвано»), with the reason in the audit log; the agency sees
  it closed in the API;
- its posts moved to another incident (a correction re-grouped them, or a moderator moved
  them): the report **follows the posts** when that incident has no open report of its own,
  and is closed as a **duplicate** («дубликат») of that incident's open report when it has one
  — or of its resolved report the moved post brings back into work (published after the
  resolution, `triage.reopening`), which reopens next: its agency knows the problem;
- a report the agency has already **answered** is closed the same way (withdrawn, or a
  duplicate when the posts' new incident has an open report; it follows the posts into one
  that has none): the agency's work is done, and its answer stays on the report, on record
  (`answer_text`, `first_answer_at`: the SLA figures still count it). The reason says so,
  and the operators of its territory are told as well as the agency: they were to act on
  that answer (check it, publish it) and now must not;
- a report the agency is working on (in progress, waiting for the citizen) follows its
  posts even into an incident that has its own open report: the audit log says the operator
  decides. Into an incident whose resolved report the post brings back, it follows first and
  carries the problem: the resolved report stays resolved and records the post
  (`repeat_evidence`), and its agency is not told of a reopening. One problem, one open
  report: the emptied incident is settled before the reopening is considered.

A post that comes back into an incident closed because it emptied (a moderator moves it
back, or takes back his «Не сигнал») opens the incident again (`reopen_if_refilled`): its
withdrawn report stays closed — the agency was told — and the operator sees the incident
among the open ones, where a new report can be created.

Every step is audited (with the reason in Russian, as the agency reads it) and bumps the
report's version. A report closed that way is a change the agency must hear of: its e-mail
and webhook get a `report_withdrawn` / `report_closed_duplicate` notification through the
outbox (`triage.notifications`), carrying the same reason.
"""

from sqlalchemy import select
from sqlmodel import Session

from models.clock import now
from models.incident import Incident, IncidentStatus
from models.notification import NoticeKind
from models.report import Report, ReportStatus
from triage.audit import record_event
from triage.calendar import WorkCalendar
from triage.errors import InvalidTransition
from triage.lifecycle import apply_transition, can_close_with_incident
from triage.notifications import record_report_notice
from triage.reports import CLOSED_STATUSES

# The audit action of a report closed with its emptied incident (read back by the console's
# list of reports closed with their answer kept, `triage.report_list`).
CLOSE_ACTION = "close_with_incident"
# Why a report left its incident, for the audit log and the console's sentences.
NOT_SIGNALS = "not_signals"
POSTS_MOVED = "posts_moved"
# The reasons, in Russian: the audit log and the agency's notification say the same.
NOT_SIGNALS_REASON = (
    "Обращение отозвано: в его инциденте не осталось постов — модератор признал их не сигналами."
)
DUPLICATE_REASON = (
    "Обращение закрыто как дубликат обращения №{report}: посты перенесены в инцидент №{incident}."
)
MOVED_REASON = "Посты перенесены в этот инцидент, обращение — вслед за ними."
ALSO_THERE = " Там есть и обращение №{report}: решает оператор."
ANSWER_KEPT = " Ответ исполнителя сохранён в обращении."
REFILLED_REASON = "В инцидент вернулся пост: инцидент снова открыт."


def is_empty(incident: Incident) -> bool:
    """No posts of its own any more: merged into another (`merged_into_id`), or emptied by
    «Не сигнал» and corrections (closed by `close_if_empty`). Kept for the record and reachable
    by its link, it takes no part in a merge, either way (a post of its own may still come
    back: `reopen_if_refilled`)."""
    return incident.status == IncidentStatus.MERGED or incident.post_count == 0


def close_if_empty(
    session: Session,
    *,
    incident: Incident,
    actor: str,
    user_id: int | None,
    moved_to: Incident | None = None,
    comeback: Report | None = None,
    calendar: WorkCalendar | None = None,
) -> bool:
    """Close `incident` if it has no posts left (audited) and settle its open reports;
    `moved_to` is where its last post went (None: the post was no signal), `comeback` the
    resolved report of `moved_to` that post is evidence against (`triage.reopening`), to be
    settled after this. Whether it closed."""
    session.refresh(incident)
    if incident.post_count > 0 or incident.status in (IncidentStatus.CLOSED, IncidentStatus.MERGED):
        return False
    close_emptied(session, incident=incident, reports=None, actor=actor, user_id=user_id,
                  moved_to=moved_to, comeback=comeback, calendar=calendar)  # fmt: skip
    return True


def close_emptied(
    session: Session,
    *,
    incident: Incident,
    reports: list[Report] | None,
    actor: str,
    user_id: int | None,
    moved_to: Incident | None = None,
    comeback: Report | None = None,
    calendar: WorkCalendar | None = None,
) -> None:
    """Close `incident`, known to be open with no posts left (audited), and settle its open
    `reports` (None: read them here), as `close_if_empty` describes."""
    before = {"status": incident.status}
    incident.status = IncidentStatus.CLOSED
    incident.version += 1
    incident.updated_at = now()
    session.add(incident)
    record_event(session, actor=actor, user_id=user_id, entity_type="incident",
                 entity_id=incident.id or 0, action="close_empty", before=before,
                 after={"status": IncidentStatus.CLOSED, "reason": "no posts left"})  # fmt: skip
    # the reports the agency works on first: they follow the posts whatever waits there
    if reports is None:
        reports = open_reports(session, incident_id=incident.id or 0)
    for report in sorted(reports, key=_closable):
        if moved_to is None:
            _withdraw(session, report, actor=actor, user_id=user_id,
                      calendar=calendar or WorkCalendar())  # fmt: skip
        else:
            _follow(session, report, target=moved_to, comeback=comeback, actor=actor,
                    user_id=user_id, calendar=calendar or WorkCalendar())  # fmt: skip


def open_reports(session: Session, *, incident_id: int) -> list[Report]:
    statement = select(Report).where(
        Report.incident_id == incident_id,
        Report.status.not_in(CLOSED_STATUSES),  # type: ignore[attr-defined]
    )
    return list(session.execute(statement).scalars())


def _closable(report: Report) -> bool:
    return can_close_with_incident(report.status, ReportStatus.DUPLICATE)


def _withdraw(
    session: Session, report: Report, *, actor: str, user_id: int | None, calendar: WorkCalendar
) -> None:
    if not can_close_with_incident(report.status, ReportStatus.WITHDRAWN):
        raise InvalidTransition(report.id or 0, report.status, ReportStatus.WITHDRAWN)
    _close(session, report, ReportStatus.WITHDRAWN, actor=actor, user_id=user_id,
           calendar=calendar, reason=NOT_SIGNALS_REASON)  # fmt: skip


def _follow(
    session: Session,
    report: Report,
    *,
    target: Incident,
    comeback: Report | None,
    actor: str,
    user_id: int | None,
    calendar: WorkCalendar,
) -> None:
    """The report goes with its posts: into `target`, or closed as a duplicate of its open
    report, or of the resolved `comeback` there that the posts bring back into work."""
    existing = [r for r in open_reports(session, incident_id=target.id or 0) if r.id != report.id]
    kept = existing[0] if existing else comeback
    if kept is not None and _closable(report):
        reason = DUPLICATE_REASON.format(incident=target.id, report=kept.id)
        _close(session, report, ReportStatus.DUPLICATE, actor=actor, user_id=user_id,
               calendar=calendar, reason=reason, duplicate_of=kept.id,
               target_incident_id=target.id)  # fmt: skip
        return
    source_id = report.incident_id
    report.incident_id = target.id or 0
    report.version += 1
    report.updated_at = now()
    session.add(report)
    # in work again, even an incident closed with its resolved report
    if target.status in (IncidentStatus.OPEN, IncidentStatus.CLOSED):
        target.status = IncidentStatus.REPORTED
        session.add(target)
    after: dict[str, object] = {"incident_id": target.id, "cause": POSTS_MOVED,
                                "reason": MOVED_REASON}  # fmt: skip
    if existing:
        after["other_report_id"] = existing[0].id
        after["reason"] += ALSO_THERE.format(report=existing[0].id)
    record_event(session, actor=actor, user_id=user_id, entity_type="report",
                 entity_id=report.id or 0, action="move", before={"incident_id": source_id},
                 after=after)  # fmt: skip


def _close(
    session: Session,
    report: Report,
    status: ReportStatus,
    *,
    actor: str,
    user_id: int | None,
    calendar: WorkCalendar,
    reason: str,
    duplicate_of: int | None = None,
    target_incident_id: int | None = None,
) -> None:
    answered = report.status == ReportStatus.ANSWERED
    reason += ANSWER_KEPT if answered else ""
    report.version += 1
    apply_transition(session, report, status=status, actor=actor, user_id=user_id,
                     calendar=calendar)  # fmt: skip
    cause = NOT_SIGNALS if duplicate_of is None else POSTS_MOVED
    after: dict[str, object] = {"status": status, "cause": cause, "reason": reason}
    if answered:
        after["answer_kept"] = True
    if duplicate_of is not None:
        after["duplicate_of_report_id"] = duplicate_of
        after["incident_id"] = target_incident_id
    record_event(session, actor=actor, user_id=user_id, entity_type="report",
                 entity_id=report.id or 0, action=CLOSE_ACTION, before=None,
                 after=after)  # fmt: skip
    kind = NoticeKind.WITHDRAWN if status == ReportStatus.WITHDRAWN else NoticeKind.CLOSED_DUPLICATE
    record_report_notice(session, report=report, kind=kind, reason=reason, operators=answered)


def reopen_if_refilled(
    session: Session, *, incident: Incident, post_id: int, actor: str, user_id: int | None
) -> bool:
    """Open again an incident `close_if_empty` closed, now that post `post_id` is back in it
    (audited); whether it did. Its closed reports stay closed: the operator may create a new
    one, and the agency hears of it as of any new report."""
    if incident.status != IncidentStatus.CLOSED:
        return False
    reported = bool(open_reports(session, incident_id=incident.id or 0))
    incident.status = IncidentStatus.REPORTED if reported else IncidentStatus.OPEN
    incident.version += 1
    incident.updated_at = now()
    session.add(incident)
    record_event(session, actor=actor, user_id=user_id, entity_type="incident",
                 entity_id=incident.id or 0, action="reopen_refilled",
                 before={"status": IncidentStatus.CLOSED},
                 after={"status": incident.status, "post_id": post_id,
                        "reason": REFILLED_REASON})  # fmt: skip
    return True
