"""`otklik reports …`: list, show and export the tracked reports."""

from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from sqlmodel import Session

from models.clock import now
from otklik.runtime import get_engine
from otklik.settings import get_settings
from triage.export import ExportFormat, column_names, export_rows, topic_names
from triage.report_list import (
    PublishRow,
    ReportRow,
    answers_for_publishing,
    get_report_row,
    list_reports,
)

app = typer.Typer(help="List, show and export reports to agencies.", no_args_is_help=True)


@app.command("list")
def list_command(
    status: list[str] = typer.Option(None, "--status", help="Only these statuses (repeatable)."),
    overdue: bool = typer.Option(False, "--overdue", help="Only reports past their deadline."),
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many rows."),
) -> None:
    """Reports, overdue first, then by deadline."""
    with Session(get_engine()) as session:
        rows = list_reports(
            session, now=now(), statuses=tuple(status or ()), overdue_only=overdue, limit=limit
        )
    for row in rows:
        flag = " ПРОСРОЧЕН" if row.overdue else ""
        due = row.due_at.isoformat(timespec="minutes") if row.due_at else "-"
        typer.echo(f"#{row.id} [{row.status}]{flag} due {due} | {row.agency or '-'} | {row.title}")
    if not rows:
        typer.echo("no reports")


@app.command("show")
def show_command(report_id: int = typer.Argument(..., help="The report's id.")) -> None:
    """Every field of one report, with its answer text."""
    with Session(get_engine()) as session:
        row = get_report_row(session, report_id=report_id, now=now())
    if row is None:
        typer.echo(f"report {report_id} does not exist", err=True)
        raise typer.Exit(1)
    for key, value in row.as_dict().items():
        typer.echo(f"{key}: {value if value is not None else '-'}")


@app.command("export")
def export_command(
    fmt: ExportFormat = typer.Option(ExportFormat.CSV, "--format", help="csv or xlsx."),
    out: Path = typer.Option(..., "--out", dir_okay=False, help="The file to write."),
    answers: bool = typer.Option(
        False, "--answers", help="Export answers for publishing: one row per post to answer."
    ),
    status: list[str] = typer.Option(None, "--status", help="Only these statuses (repeatable)."),
) -> None:
    """Write reports (or their answers, ready to publish where the posts came from)."""
    with Session(get_engine()) as session:
        names = topic_names(session)
        if answers:
            rows: list[ReportRow] | list[PublishRow] = answers_for_publishing(session)
            columns = column_names(PublishRow)
        else:
            rows = list_reports(session, now=now(), statuses=tuple(status or ()), limit=10**9)
            columns = column_names(ReportRow)
    zone = ZoneInfo(get_settings().timezone)
    written = export_rows(rows, columns=columns, path=out, fmt=fmt, zone=zone, topic_names=names)
    typer.echo(f"wrote {written} rows to {out}")
