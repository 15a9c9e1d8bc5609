"""`otklik reports …`: list, show, export the tracked reports and publish their answers."""

from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from redis.exceptions import RedisError
from sqlmodel import Session

from models.clock import now
from models.publication import PublicationStatus
from otklik.publishing import publish_anyway_now, publish_report
from otklik.runtime import get_engine
from otklik.settings import get_settings
from otklik.wiring import answer_writers_from_settings
from triage.errors import TriageError
from triage.export import ExportFormat, column_names, export_rows, topic_names
from triage.publishing import report_publications
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
    """Every field of one report, with its answer text and where it was published."""
    with Session(get_engine(), expire_on_commit=False) as session:
        row = get_report_row(session, report_id=report_id, now=now())
        publications = report_publications(session, report_id=report_id)
    if row is None:
        typer.echo(f"report {report_id} does not exist", err=True)
        raise typer.Exit(1)
    for key, value in row.as_dict().items():
        typer.echo(f"{key}: {value if value is not None else '-'}")
    for publication in publications:
        when = (
            publication.published_at.isoformat(timespec="minutes")
            if publication.published_at
            else "-"
        )
        typer.echo(f"publication: answer {publication.answer_revision}, post "
                   f"{publication.post_id} [{publication.network}] {publication.status} "
                   f"{publication.url or '-'} at {when} by {publication.requested_by}")  # fmt: skip


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
            rows: list[ReportRow] | list[PublishRow] = answers_for_publishing(
                session, statuses=tuple(status or ())
            )
            columns = column_names(PublishRow)
        else:
            rows = list_reports(session, now=now(), statuses=tuple(status or ()), limit=10**9)
            columns = column_names(ReportRow)
    zone = ZoneInfo(get_settings().timezone)
    written = export_rows(rows, columns=columns, path=out, fmt=fmt, zone=zone, topic_names=names)
    typer.echo(f"wrote {written} rows to {out}")


@app.command("publish")
def publish_command(
    report_id: int = typer.Argument(..., help="The report's id."),
    anyway: bool = typer.Option(
        False,
        "--anyway",
        help="Also send the answers that wait for a decision (needs_decision): do this only "
        "after checking on the network that our earlier answer is not under the post.",
    ),
) -> None:
    """Post the report's current answer under each of its posts (VK, Telegram), once each.

    With OTKLIK_REDIS_URL the posts are queued on the `publish` queue and retried with
    backoff; without it they are sent now (run the command again to retry what is left).
    An answer whose earlier attempt was interrupted and that is not found on the network is
    never sent again on its own (status needs_decision): check the post, then use --anyway.
    """
    settings = get_settings()
    publisher = answer_writers_from_settings(settings)
    try:
        outcome = publish_report(
            get_engine(), report_id=report_id, actor="cli", user_id=None,
            publisher=publisher, settings=settings,
        )  # fmt: skip
        publications = outcome.publications
        if anyway:
            publications = [
                publish_anyway_now(get_engine(), publication_id=p.id or 0, actor="cli",
                                   user_id=None, publisher=publisher, settings=settings)
                if p.status == PublicationStatus.NEEDS_DECISION else p
                for p in publications
            ]  # fmt: skip
    except TriageError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error
    except RedisError as error:
        typer.echo(f"error: cannot reach Redis to queue the publications ({error})", err=True)
        raise typer.Exit(1) from error
    for publication in publications:
        where = publication.url or publication.external_id or "-"
        detail = f" ({publication.detail})" if publication.detail else ""
        typer.echo(f"post {publication.post_id} [{publication.network}]: "
                   f"{publication.status} {where}{detail}")  # fmt: skip
    if outcome.queued:
        typer.echo(f"queued: {outcome.queued} on the publish queue")
    if any(p.status == PublicationStatus.NEEDS_DECISION for p in publications):
        typer.echo(NEEDS_DECISION_HELP.format(report_id=report_id))


NEEDS_DECISION_HELP = (
    "needs_decision: an earlier attempt was interrupted while sending, and the network shows "
    "no answer of ours under the post: it was either never sent, or sent and deleted since. "
    "It is not sent again on its own. Check the post; to send it anyway run "
    "`otklik reports publish {report_id} --anyway`."
)
