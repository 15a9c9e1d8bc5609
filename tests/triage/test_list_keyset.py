"""The reports and incidents lists page by cursor (keyset) as the queue does: the same rows
as OFFSET through ties, and nothing skipped when an earlier row leaves the list."""

from datetime import timedelta

from sqlmodel import Session

from dashboard.queries import IncidentFilters, incident_cursor, incidents_page
from models.incident import Incident, IncidentStatus
from models.report import Report, ReportStatus
from tests.triage import factories as f
from triage.report_list import list_reports, report_cursor

NOW = f.MONDAY + timedelta(days=3)


def _reports(session: Session) -> list[int]:
    """Fifteen reports: overdue, running, paused, closed, without a deadline, tied
    deadlines (only the id tells them apart). Their ids in the list's order."""
    incident = Incident(title="Яма на дороге")
    session.add(incident)
    session.flush()
    shapes = [
        (ReportStatus.SENT, -2, False),  # overdue
        (ReportStatus.SENT, -2, False),
        (ReportStatus.IN_PROGRESS, -1, False),
        (ReportStatus.SENT, 5, False),  # running, not yet due
        (ReportStatus.NEW, 5, False),
        (ReportStatus.NEW, 5, False),
        (ReportStatus.NEW, None, False),  # running without a deadline: last of the running
        (ReportStatus.WAITING_CITIZEN, -3, True),  # waiting for the resident: not running
        (ReportStatus.SENT, -3, True),  # past due but paused: running, not overdue
        (ReportStatus.RESOLVED, -4, False),  # closed
        (ReportStatus.RESOLVED, -4, False),
        (ReportStatus.REJECTED, None, False),
        (ReportStatus.SENT, 7, False),
        (ReportStatus.DUPLICATE, 1, False),
        (ReportStatus.NEW, None, False),
    ]
    reports = []
    for status, days, paused in shapes:
        due = None if days is None else NOW + timedelta(days=days)
        report = Report(
            incident_id=incident.id or 0,
            status=status,
            due_at=due,
            paused_at=NOW - timedelta(days=5) if paused else None,
        )
        session.add(report)
        reports.append(report)
    session.commit()
    running = {"new", "sent", "in_progress", "reopened"}  # the SLA clock runs

    def rank(report: Report) -> tuple[int, object, int]:
        overdue = (
            report.status in running
            and report.paused_at is None
            and report.due_at is not None
            and report.due_at < NOW
        )
        kind = 0 if overdue else 1 if report.status in running else 2
        return kind, report.due_at or f.MONDAY + timedelta(days=10**5), report.id or 0

    reports.sort(key=rank)
    return [r.id or 0 for r in reports]


def _walk_reports(session: Session, *, size: int) -> tuple[list[int], list[int]]:
    """The whole list by cursor and by OFFSET, page by page (asserting each page agrees)."""
    by_cursor: list[int] = []
    by_offset: list[int] = []
    after = None
    for number in range(6):
        page = list_reports(session, now=NOW, limit=size, after=after)
        offset = list_reports(session, now=NOW, limit=size, offset=number * size)
        assert [r.id for r in page] == [r.id for r in offset]
        by_cursor += [r.id for r in page]
        by_offset += [r.id for r in offset]
        if page:
            after = report_cursor(session, report_id=page[-1].id, at=NOW)
    return by_cursor, by_offset


def test_report_pages_by_cursor_list_what_offset_lists(session: Session) -> None:
    order = _reports(session)
    by_cursor, by_offset = _walk_reports(session, size=4)
    assert by_cursor == by_offset == order  # every report once, overdue first, closed last


def test_report_pages_by_cursor_skip_nothing_when_an_earlier_report_closes(
    session: Session,
) -> None:
    order = _reports(session)
    first = list_reports(session, now=NOW, limit=4)
    cursor = report_cursor(session, report_id=first[-1].id, at=NOW)
    closed = session.get_one(Report, first[0].id)
    closed.status = ReportStatus.RESOLVED  # it moves to the end of the list
    session.add(closed)
    session.commit()
    by_cursor = list_reports(session, now=NOW, limit=4, after=cursor)
    by_offset = list_reports(session, now=NOW, limit=4, offset=4)
    assert [r.id for r in by_cursor] == order[4:8]
    assert [r.id for r in by_offset] == order[5:9]  # OFFSET skips one


def test_a_report_falling_due_mid_walk_keeps_the_walk_s_order(session: Session) -> None:
    """The cursor orders as of the first page: a report that falls due afterwards does not
    jump back over the cursor (and out of the walk)."""
    order = _reports(session)
    first = list_reports(session, now=NOW, limit=4)
    cursor = report_cursor(session, report_id=first[-1].id, at=NOW)
    later = NOW + timedelta(days=6)  # reports due in 5 days are overdue by then
    rest = list_reports(session, now=later, limit=100, after=cursor)
    assert [r.id for r in rest] == order[4:]
    assert any(r.overdue for r in rest)  # shown as overdue as of now


def _incidents(session: Session) -> list[int]:
    """Twelve incidents with tied priorities and post times (one without a post time): their
    ids in the list's order."""
    incidents = []
    for number in range(12):
        incident = Incident(
            title=f"Прорвало трубу, дом {number}",
            priority=float(number % 3),
            last_post_at=None if number == 7 else f.MONDAY + timedelta(hours=number % 2),
        )
        session.add(incident)
        incidents.append(incident)
    session.commit()
    oldest = f.MONDAY - timedelta(days=10**4)
    incidents.sort(key=lambda i: (i.priority, i.last_post_at or oldest, i.id or 0), reverse=True)
    return [i.id or 0 for i in incidents]


def test_incident_pages_by_cursor_list_what_offset_lists(session: Session) -> None:
    order = _incidents(session)
    filters = IncidentFilters()
    walked: list[int] = []
    after = None
    for number in range(4):
        page, total = incidents_page(
            session, filters=filters, page=number, page_size=5, after=after
        )
        offset, _ = incidents_page(session, filters=filters, page=number, page_size=5)
        assert [i.id for i in page] == [i.id for i in offset]
        assert total == 12
        walked += [i.id or 0 for i in page]
        after = incident_cursor(page) or after
    assert walked == order


def test_incident_pages_by_cursor_skip_nothing_when_an_earlier_incident_closes(
    session: Session,
) -> None:
    order = _incidents(session)
    filters = IncidentFilters()  # open incidents only
    first, _ = incidents_page(session, filters=filters, page=0, page_size=5)
    closed = session.get_one(Incident, first[0].id)
    closed.status = IncidentStatus.CLOSED
    session.add(closed)
    session.commit()
    after = incident_cursor(first)
    by_cursor, _ = incidents_page(session, filters=filters, page=1, page_size=5, after=after)
    by_offset, _ = incidents_page(session, filters=filters, page=1, page_size=5)
    assert [i.id for i in by_cursor] == order[5:10]
    assert [i.id for i in by_offset] == order[6:11]
