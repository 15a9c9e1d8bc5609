"""The `otklik` command: subcommands grouped by stage."""

import logging
from collections.abc import Mapping
from typing import Any, ClassVar

import typer
from pydantic import ValidationError
from typer import _click as click

from otklik.cli.lazy import LazyCommand, LazyGroup
from otklik.settings import get_settings


class OtklikGroup(LazyGroup):
    """Each subcommand's module (and its libraries) is imported only when that command runs."""

    lazy_commands: ClassVar[Mapping[str, LazyCommand]] = {
        "stats": LazyCommand(
            "otklik.cli.stats:stats",
            "Print counts of sources, posts, annotations, incidents and reports by status.",
        ),
        "demo": LazyCommand(
            "otklik.cli.demo:demo",
            "Create the database, load the bundled demo posts through the pipeline, "
            "start the console.",
        ),
        "dashboard": LazyCommand(
            "otklik.cli.dashboard:dashboard",
            "Start the console (Streamlit, headless) on the configured database.",
        ),
        "worker": LazyCommand(
            "otklik.cli.worker:worker",
            "Run one rq worker (with rq's scheduler, so delayed retries run) on the chosen queues.",
        ),
        "scheduler": LazyCommand(
            "otklik.cli.worker:scheduler",
            "Run the rq cron scheduler with Otklik's schedule (otklik/cron.py).",
        ),
        "db": LazyCommand("otklik.cli.db:app", "Create and migrate the database schema."),
        "ingest": LazyCommand(
            "otklik.cli.ingest:app", "Import posts from files and crawl sources."
        ),
        "nlp": LazyCommand(
            "otklik.cli.nlp:app", "Train, evaluate and run the classifier; manage its versions."
        ),
        "geo": LazyCommand(
            "otklik.cli.geo:app",
            "The gazetteer: import regions, learn villages, resolve municipalities.",
        ),
        "taxonomy": LazyCommand(
            "otklik.cli.taxonomy:app",
            "The rubricator: list, export and import categories and topics.",
        ),
        "sources": LazyCommand(
            "otklik.cli.sources:app", "Register, list, disable and re-enable crawl sources."
        ),
        "triage": LazyCommand(
            "otklik.cli.triage:app", "Triage posts into incidents, check SLA deadlines."
        ),
        "reports": LazyCommand(
            "otklik.cli.reports:app", "List, show and export reports to agencies."
        ),
        "users": LazyCommand("otklik.cli.users:app", "Create, list and deactivate console users."),
        "signals": LazyCommand(
            "otklik.cli.signals:app",
            "Signals entered by hand (a call, an ЕДДС message, a visit).",
        ),
        "privacy": LazyCommand(
            "otklik.cli.privacy:app",
            "Personal data: retention purge, export and erasure (152-ФЗ).",
        ),
        "notify": LazyCommand(
            "otklik.cli.notify:app",
            "Send pending notifications and show the outbox (e-mail, signed webhooks).",
        ),
        "api": LazyCommand(
            "otklik.cli.api:app",
            "Serve the HTTP API (Open311 GeoReport v2); issue and revoke agencies' tokens.",
        ),
    }

    def invoke(self, ctx: click.Context) -> Any:
        """A database whose schema is behind, or a setting that is not valid, is a few lines on
        screen, not a traceback."""
        from otklik.runtime import SchemaBehind

        try:
            return super().invoke(ctx)
        except SchemaBehind as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from error
        except ValidationError as error:
            typer.echo(settings_problems(error), err=True)
            raise typer.Exit(2) from error


def settings_problems(error: ValidationError) -> str:
    """Which `OTKLIK_*` variables are not valid and why; never their values (some are secrets)."""
    lines = ["error: settings are not valid (environment or .env):"]
    for problem in error.errors(include_input=False, include_url=False):
        name = "_".join(str(part) for part in problem["loc"]).upper()
        lines.append(f"  OTKLIK_{name}: {problem['msg']}" if name else f"  {problem['msg']}")
    return "\n".join(lines)


app = typer.Typer(
    name="otklik",
    help="Otklik: collect public posts, classify them, and track the reports they become.",
    cls=OtklikGroup,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


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
