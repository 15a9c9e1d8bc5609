"""An agency's own update of its report (through the HTTP API): status and answer.

Agencies move a report only through the steps that are theirs to take; sending, resolving,
rejecting and reopening stay with the ЦУР. Every change goes through the lifecycle and the
version check like an operator's, and is audited under the agency's name.
"""

from dataclasses import dataclass

from sqlmodel import Session

from models.agency import Agency
from models.report import Report, ReportStatus
from triage.calendar import WorkCalendar
from triage.errors import TriageError
from triage.lifecycle import change_status
from triage.reports import set_answer
from triage.scope import agency_scope

AGENCY_STATUSES = frozenset(
    {
        ReportStatus.IN_PROGRESS,
        ReportStatus.WAITING_CITIZEN,
        ReportStatus.ANSWERED,
        ReportStatus.NOT_IN_COMPETENCE,
    }
)


class StatusNotAllowed(TriageError):
    def __init__(self, status: str) -> None:
        super().__init__(f"an agency cannot set the status {status!r}")
        self.status = status


@dataclass(frozen=True)
class AgencyUpdate:
    expected_version: int
    status: str | None = None
    answer: str | None = None


def apply_agency_update(
    session: Session,
    *,
    agency_id: int,
    report_id: int,
    update: AgencyUpdate,
    calendar: WorkCalendar,
) -> Report:
    """The answer first, then the status, each checked; all or nothing. Commits."""
    if update.status is None and update.answer is None:
        raise TriageError("the update has neither a status nor an answer")
    if update.status is not None and update.status not in AGENCY_STATUSES:
        raise StatusNotAllowed(update.status)
    agency = session.get(Agency, agency_id)
    actor = f"agency:{agency.name if agency else agency_id}"
    scope = agency_scope(agency_id)
    version = update.expected_version
    try:
        report: Report | None = None
        if update.answer is not None:
            report = set_answer(
                session,
                report_id=report_id,
                text=update.answer,
                expected_version=version,
                actor=actor,
                user_id=None,
                scope=scope,
            )
            version = report.version
        if update.status is not None:
            report = change_status(
                session,
                report_id=report_id,
                status=update.status,
                actor=actor,
                user_id=None,
                expected_version=version,
                calendar=calendar,
                scope=scope,
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    assert report is not None
    return report
