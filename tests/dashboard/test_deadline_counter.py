"""The shift's counter in the sidebar and `otklik sla-check` count by one rule
(`triage.deadlines`): soon due is at most OTKLIK_SLA_SOON_DUE_HOURS of SLA time left —
working hours of the calendar, calendar hours for urgent reports."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from models.clock import frozen_at
from models.incident import Incident
from models.report import Report, ReportStatus
from otklik.cli import app as cli
from otklik.settings import get_settings
from tests.triage.factories import MONDAY

# Page logic: the deadline query itself is tested on both databases in tests/triage.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

FRIDAY_16 = MONDAY - timedelta(days=3) + timedelta(hours=5)  # Friday 16:00 in Perm
SOON_HOURS = 6


def _report(engine: Engine, *, due: datetime, urgent: bool = False) -> int:
    with Session(engine) as session:
        incident = Incident(title="Прорыв трубы")
        session.add(incident)
        session.flush()
        report = Report(incident_id=incident.id or 0, status=ReportStatus.SENT, due_at=due,
                        urgent=urgent)  # fmt: skip
        session.add(report)
        session.commit()
        return report.id or 0


def test_the_sidebar_and_sla_check_count_soon_due_by_one_rule(
    signed_in: Callable[[str], AppTest], engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTKLIK_SLA_SOON_DUE_HOURS", str(SOON_HOURS))
    get_settings.cache_clear()
    overdue = _report(engine, due=FRIDAY_16 - timedelta(hours=1))
    # Monday 12:00: 68 calendar hours away, 5 working hours (2 on Friday, 3 on Monday)
    monday_12 = _report(engine, due=MONDAY + timedelta(hours=1))
    _report(engine, due=MONDAY + timedelta(hours=3))  # 7 working hours: not yet
    urgent = _report(engine, due=FRIDAY_16 + timedelta(hours=5), urgent=True)  # 5 calendar h
    _report(engine, due=FRIDAY_16 + timedelta(hours=8), urgent=True)  # 8 calendar hours
    with frozen_at(FRIDAY_16):
        app = signed_in("operator")
        labels = [link.label for link in app.sidebar.get("page_link")]
        checked = CliRunner().invoke(cli, ["triage", "sla-check"])
    # 4 calendar hours, the sidebar's old window, would have found neither soon-due report
    assert "Просрочено: 1" in labels and "Срок истекает: 2" in labels
    assert checked.exit_code == 0, checked.output
    assert f"overdue: 1 {overdue}" in checked.output
    soon = f"{urgent}, {monday_12}"  # by deadline: Friday 21:00, then Monday 12:00
    assert f"soon due (within {SOON_HOURS} SLA hours): 2 {soon}" in checked.output
