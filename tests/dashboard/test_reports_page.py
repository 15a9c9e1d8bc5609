"""Обращения: move a report through its statuses, write the answer, see the timeline."""

from collections.abc import Callable
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from models.audit import AuditEvent
from models.incident import Incident
from models.report import Report, ReportStatus
from tests.dashboard.conftest import open_page
from triage.calendar import WorkCalendar
from triage.reports import create_report


def _report(engine: Engine) -> Report:
    with Session(engine, expire_on_commit=False) as session:
        incident = session.exec(select(Incident).order_by(col(Incident.id))).first()
        assert incident is not None and incident.id is not None
        report = create_report(
            session,
            incident_id=incident.id,
            expected_version=incident.version,
            actor="moderator",
            user_id=None,
            calendar=WorkCalendar(),
        )
        session.commit()
        return report


def test_move_a_report_through_its_statuses(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    report = _report(engine)
    app = open_page(signed_in("operator"), "reports")
    app.selectbox(key="rep_pick").select(report.id).run()
    assert not app.exception
    for status in (ReportStatus.SENT, ReportStatus.IN_PROGRESS, ReportStatus.ANSWERED):
        app.selectbox(key="rep_status").select(status).run()
        app.button(key="rep_change").click().run()
        assert not app.exception
        with Session(engine) as session:
            assert session.get(Report, report.id).status == status  # type: ignore[union-attr]
    app.text_area(key="rep_answer").input("Трубу заменили 5 мая.").run()
    app.button(key="rep_save_answer").click().run()
    app.selectbox(key="rep_status").select(ReportStatus.RESOLVED).run()
    app.button(key="rep_change").click().run()
    with Session(engine) as session:
        stored = session.get(Report, report.id)
        assert stored is not None
        assert (stored.status, stored.answer_text) == ("resolved", "Трубу заменили 5 мая.")
        assert stored.resolved_at is not None
        events = session.exec(
            select(AuditEvent).where(
                AuditEvent.entity_type == "report", AuditEvent.actor == "operator"
            )
        ).all()
        assert len(events) >= 5
        assert all(event.user_id is not None for event in events)
    timeline = app.dataframe[-1].value
    assert "set_answer" in set(timeline["Действие"])


def test_moderator_reads_reports_without_controls(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    report = _report(engine)
    app = open_page(signed_in("moderator"), "reports")
    app.selectbox(key="rep_pick").select(report.id).run()
    assert not app.exception
    assert "новое" in "\n".join(m.value for m in app.markdown)
    assert not [b for b in app.button if b.key == "rep_change"]


def test_export_honours_the_filters(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    report = _report(engine)
    app = open_page(signed_in("operator"), "reports")
    assert "новое" in set(app.dataframe[0].value["Статус"])
    app.button(key="export_prepare").click().run()
    assert not app.exception
    name, data, count = app.session_state["export_file"]
    assert name.endswith(".csv") and count == 1
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("№,Статус,Инцидент,Заголовок")
    assert lines[1].startswith(f"{report.id},новое,{report.incident_id},")

    app.radio(key="export_fmt").set_value("xlsx").run()
    app.button(key="export_prepare").click().run()
    name, data, count = app.session_state["export_file"]
    sheet = load_workbook(BytesIO(data)).active
    assert name.endswith(".xlsx")
    assert [cell.value for cell in sheet[2]][:3] == [report.id, "новое", report.incident_id]

    app.multiselect(key="rep_statuses").select("resolved").run()
    assert "Обращений с такими условиями нет." in app.info[0].value
    # the export of the filtered list is empty as well
    with Session(engine) as session:
        assert session.get(Report, report.id).status == "new"  # type: ignore[union-attr]
