"""The SLA engine and the state machine against real appeal lifecycles.

`../shared/data/appeals/spb_train.csv.gz` carries status histories of appeals to the portal
«Наш Санкт-Петербург» (read in place, never copied). Each history is mapped onto Otklik's
statuses and replayed.
"""

import csv
import gzip
import itertools
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from models.clock import frozen_at
from models.incident import Incident
from models.report import Report, ReportStatus
from triage import sla
from triage.calendar import WorkCalendar
from triage.lifecycle import can_transition, change_status
from triage.reports import DEFAULT_SLA_HOURS, create_report

SPB = WorkCalendar(timezone="Europe/Moscow", start_hour=9, end_hour=18)
MOSCOW = ZoneInfo("Europe/Moscow")
PORTAL_STATUS = {
    "Рассмотрение": ReportStatus.SENT,
    "Промежуточный ответ": ReportStatus.IN_PROGRESS,
    "Получен ответ": ReportStatus.ANSWERED,
}
Trace = list[tuple[datetime, str]]


def traces(shared_data: Path, limit: int) -> Iterator[Trace]:
    with gzip.open(shared_data / "appeals" / "spb_train.csv.gz", "rt", encoding="utf-8") as file:
        for number, row in enumerate(csv.DictReader(file)):
            if number >= limit:
                return
            if row["status_history"]:
                yield adapt_history(json.loads(row["status_history"]))


def adapt_history(history: list[list[str]]) -> Trace:
    """Portal statuses -> ours; moderation after the start means the citizen reopened it."""
    trace: Trace = []
    for stamp, portal in history:
        if portal.startswith("Завершено"):
            status = ReportStatus.RESOLVED
        elif portal == "Модерация":
            status = ReportStatus.REOPENED if trace else ReportStatus.NEW
        else:
            status = PORTAL_STATUS[portal]
        if not trace or trace[-1][1] != status:
            trace.append((datetime.fromisoformat(stamp).replace(tzinfo=MOSCOW), status))
    return trace


def test_every_real_lifecycle_is_a_valid_path(shared_data: Path) -> None:
    checked = 0
    for trace in traces(shared_data, 5000):
        assert trace[0][1] == ReportStatus.NEW
        for (_, current), (_, following) in itertools.pairwise(trace):
            assert can_transition(current, following), trace
        checked += 1
    assert checked > 4500


def test_working_time_round_trips_on_real_timestamps(shared_data: Path) -> None:
    answered = 0
    for trace in traces(shared_data, 3000):
        moments = {status: at for at, status in reversed(trace)}  # first occurrence wins
        if ReportStatus.SENT not in moments or ReportStatus.ANSWERED not in moments:
            continue
        start, answer = moments[ReportStatus.SENT], moments[ReportStatus.ANSWERED]
        worked = SPB.working_seconds(start, answer)
        assert worked <= (answer - start).total_seconds() + 1e-6
        due = SPB.add_working_seconds(start, worked)
        # the deadline lands on the answer, or at the end of the last working stretch before it
        assert due <= answer
        assert SPB.working_seconds(due, answer) == pytest.approx(0, abs=1e-3)
        answered += 1
    assert answered > 2000


@pytest.mark.parametrize("limit", [40])
def test_replaying_real_lifecycles_through_the_database(
    session: Session, shared_data: Path, limit: int
) -> None:
    replayed = 0
    for trace in traces(shared_data, limit):
        report = _replay(session, trace)
        created, first_answer = trace[0][0], _first(trace, ReportStatus.ANSWERED)
        expected_due = sla.deadline(SPB, start=created, hours=DEFAULT_SLA_HOURS, urgent=False)
        assert report.status == trace[-1][1]
        assert report.created_at == created
        if first_answer is not None:
            assert report.first_answer_at == first_answer
        on_time = first_answer is not None and first_answer <= expected_due
        assert (
            report.first_answer_at is not None
            and report.due_at is not None
            and report.first_answer_at <= report.due_at
        ) is on_time or _reopened(trace)
        replayed += 1
    assert replayed >= limit - 2


def _replay(session: Session, trace: Trace) -> Report:
    incident = Incident(title="appeal", post_count=1)  # a report needs a post behind it
    session.add(incident)
    session.commit()
    with frozen_at(trace[0][0]):
        report = create_report(
            session,
            incident_id=incident.id or 0,
            expected_version=incident.version,
            actor="replay",
            user_id=None,
            calendar=SPB,
        )
        session.commit()
    for at, status in trace[1:]:
        with frozen_at(at):
            report = change_status(
                session,
                report_id=report.id or 0,
                status=status,
                actor="replay",
                user_id=None,
                expected_version=report.version,
                calendar=SPB,
            )
            session.commit()
    return report


def _first(trace: Trace, status: str) -> datetime | None:
    return next((at for at, s in trace if s == status), None)


def _reopened(trace: Trace) -> bool:
    return any(s == ReportStatus.REOPENED for _, s in trace)
