"""`otklik triage …`: triage annotated posts, check SLA deadlines, load the agencies."""

from pathlib import Path

import typer
from sqlalchemy import select
from sqlmodel import Session

from models.post import PipelineStage, Post
from otklik import resources
from otklik.cli.progress import progress_bar
from otklik.runtime import get_engine
from otklik.settings import get_settings
from otklik.wiring import calendar_from_settings, thresholds_from_settings
from triage.notifications import record_deadline_notices
from triage.routing import load_agencies
from triage.sla_check import sla_check
from triage.stage import triage_posts

app = typer.Typer(help="Triage posts into incidents, check SLA deadlines.", no_args_is_help=True)

BATCH = 200


@app.command("run")
def run(
    lemmas: bool = typer.Option(
        True, "--lemmas/--no-lemmas", help="Compare texts by lemmas (loads pymorphy3)."
    ),
) -> None:
    """Triage every annotated post: review status, priority, incident, reopen of reports."""
    settings = get_settings()
    thresholds = thresholds_from_settings(settings)
    calendar = calendar_from_settings(settings)
    lemmatize = resources.lemmatize_text if lemmas else None
    with Session(get_engine(), expire_on_commit=False) as session:
        ids = list(
            session.execute(
                select(Post.id).where(Post.stage == PipelineStage.ANNOTATED).order_by(Post.id)
            ).scalars()
        )
        done: list[int] = []
        with progress_bar("triaging", total=len(ids)) as advance:
            for start in range(0, len(ids), BATCH):
                batch = [i for i in ids[start : start + BATCH] if i is not None]
                done += triage_posts(
                    session,
                    post_ids=batch,
                    thresholds=thresholds,
                    calendar=calendar,
                    lemmatize=lemmatize,
                )
                advance(len(batch))
    typer.echo(f"triaged: {len(done)} of {len(ids)} annotated posts")


@app.command("sla-check")
def sla_check_command() -> None:
    """List overdue and soon-due reports and escalate the overdue (run it on a schedule)."""
    settings = get_settings()
    with Session(get_engine(), expire_on_commit=False) as session:
        result = sla_check(
            session,
            soon_hours=settings.sla_soon_due_hours,
            calendar=calendar_from_settings(settings),
        )
        notices = record_deadline_notices(session, soon_due=result.soon_due, overdue=result.overdue)
        session.commit()
    typer.echo(f"overdue: {len(result.overdue)} {_ids(result.overdue)}")
    typer.echo(
        f"soon due (within {settings.sla_soon_due_hours} SLA hours): {len(result.soon_due)} "
        f"{_ids(result.soon_due)}"
    )
    typer.echo(f"escalated now: {len(result.escalated)} {_ids(result.escalated)}")
    typer.echo(f"notifications recorded: {len(notices)} (sent by `otklik notify send` or rq)")


@app.command("load-agencies")
def load_agencies_command(
    path: Path = typer.Option(
        None,
        "--file",
        exists=True,
        dir_okay=False,
        help="Agencies and routing JSON (default: agencies.json in OTKLIK_DATA_DIR).",
    ),
) -> None:
    """Load the responsible agencies and default routing rules (idempotent).

    Run it after `otklik nlp` has seeded the taxonomy and gazetteer: rules and municipal
    administrations need their topics and municipalities.
    """
    source = path or get_settings().data_dir / "agencies.json"
    with Session(get_engine(), expire_on_commit=False) as session:
        result = load_agencies(session, path=source)
        session.commit()
    typer.echo(f"agencies added: {result.agencies}, routing rules added: {result.rules}")
    for problem in result.skipped or []:
        typer.echo(f"skipped {problem}", err=True)


def _ids(ids: list[int]) -> str:
    return ", ".join(str(i) for i in ids[:20]) + (" …" if len(ids) > 20 else "")
