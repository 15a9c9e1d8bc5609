import csv
from pathlib import Path

from openpyxl import load_workbook
from sqlmodel import Session
from typer.testing import CliRunner

from models.clock import frozen_at
from models.db import make_engine
from models.incident import Incident, IncidentPost
from models.report import Report
from otklik.cli import app
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.reports import create_report, set_answer

runner = CliRunner()
AGENCIES = Path(__file__).resolve().parents[2] / "data" / "agencies.json"


def test_triage_run_then_reports_list_show_export_and_sla_check(
    configured: str, tmp_path: Path
) -> None:
    engine = make_engine(configured)
    with Session(engine, expire_on_commit=False) as session:
        f.taxonomy(session)
        perm = f.municipality(session, "Пермский городской округ")
        vk = f.source(session)
        post = f.annotated_post(
            session,
            source_id=vk,
            municipality_id=perm,
            category="roads",
            topic="roads_potholes",
            external_id="-1_5",
            text="Огромная яма на дороге по улице Мира 12",
        )
        session.commit()

    result = runner.invoke(app, ["triage", "run"])
    assert result.exit_code == 0, result.output
    assert "triaged: 1 of 1 annotated posts" in result.output
    loaded = runner.invoke(app, ["triage", "load-agencies", "--file", str(AGENCIES)])
    assert loaded.exit_code == 0, loaded.output
    assert "routing rules added: 1" in loaded.output  # the amenities rule needs its category

    with Session(engine, expire_on_commit=False) as session:
        incident = session.get_one(Incident, session.get_one(IncidentPost, post).incident_id)
        with frozen_at(f.MONDAY):
            report = create_report(
                session,
                incident_id=incident.id or 0,
                expected_version=incident.version,
                actor="anna",
                user_id=None,
                calendar=WorkCalendar(),
            )
        set_answer(
            session,
            report_id=report.id or 0,
            text="Яму заделали.",
            expected_version=report.version,
            actor="anna",
            user_id=None,
        )
        session.commit()
        report_id = report.id

    listed = runner.invoke(app, ["reports", "list"])
    assert f"#{report_id} [new]" in listed.output and "Пермблагоустройство" in listed.output
    shown = runner.invoke(app, ["reports", "show", str(report_id)])
    assert "answer_text: Яму заделали." in shown.output
    assert runner.invoke(app, ["reports", "show", "999"]).exit_code == 1

    out_csv = tmp_path / "reports.csv"
    assert (
        runner.invoke(
            app, ["reports", "export", "--format", "csv", "--out", str(out_csv)]
        ).exit_code
        == 0
    )
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8-sig")))
    assert [(r["№"], r["Ответ"]) for r in rows] == [(str(report_id), "Яму заделали.")]
    out_xlsx = tmp_path / "answers.xlsx"
    exported = runner.invoke(
        app, ["reports", "export", "--format", "xlsx", "--answers", "--out", str(out_xlsx)]
    )
    assert exported.exit_code == 0, exported.output
    sheet = load_workbook(out_xlsx).active
    assert sheet is not None
    header, first = list(sheet.iter_rows(values_only=True))
    assert dict(zip(header, first, strict=True))["Идентификатор поста"] == "-1_5"

    # the report was created in 2025, so by today's clock it is long overdue
    checked = runner.invoke(app, ["triage", "sla-check"])
    assert checked.exit_code == 0, checked.output
    assert f"overdue: 1 {report_id}" in checked.output
    assert f"escalated now: 1 {report_id}" in checked.output
    with Session(engine) as session:
        assert session.get_one(Report, report_id).escalation_level >= 1
    engine.dispose()
