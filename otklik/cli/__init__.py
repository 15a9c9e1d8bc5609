"""The `otklik` command: subcommands grouped by stage."""

import logging

import typer

from otklik.cli import (
    dashboard,
    db,
    demo,
    geo,
    ingest,
    nlp,
    privacy,
    reports,
    sources,
    stats,
    triage,
    users,
    worker,
)
from otklik.settings import get_settings

app = typer.Typer(
    name="otklik",
    help="Otklik: collect public posts, classify them, and track the reports they become.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(db.app, name="db")
app.add_typer(ingest.app, name="ingest")
app.add_typer(nlp.app, name="nlp")
app.add_typer(geo.app, name="geo")
app.add_typer(sources.app, name="sources")
app.add_typer(triage.app, name="triage")
app.add_typer(reports.app, name="reports")
app.command("stats")(stats.stats)
app.command("demo")(demo.demo)
app.add_typer(users.app, name="users")
app.command("dashboard")(dashboard.dashboard)
app.add_typer(privacy.app, name="privacy")
app.command("worker")(worker.worker)
app.command("scheduler")(worker.scheduler)


@app.callback()
def _configure() -> None:
    """Configure logging once for every subcommand."""
    logging.basicConfig(
        level=get_settings().log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)


def main() -> None:
    app()
