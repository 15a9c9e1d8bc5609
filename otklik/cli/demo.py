"""`otklik demo` (`make demo`): the product on the embedded default, end to end.

Schema, reference data, demo logins, the bundled demo posts (a saved VK `wall.get`
response and a Telegram Desktop export in `data/demo/`) through the real importers and the
whole pipeline in-process, reports on the earliest incidents (`otklik.demo_history`), the
counts, then the console. A piece of the product that is not installed (a module that does
not exist) is named and skipped, never a crash.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import typer
from sqlalchemy import Engine
from sqlmodel import Session

from ingest.sources import get_or_create_source
from models.clock import now
from models.source import SourceCreate, SourceKind
from models.stats import system_stats
from otklik import migrate, resources
from otklik.demo_history import add_demo_reports
from otklik.pipeline import InProcessPipeline, Progress, resume_stalled
from otklik.runtime import get_engine
from otklik.settings import Settings, get_settings
from triage.calendar import calendar_from_settings

Echo = Callable[[str], None]

# The demo logins, printed for whoever runs the demo (console roles: see triage/accounts.py).
DEMO_USERS = (
    ("admin", "admin-demo", "admin"),
    ("moderator", "moderator-demo", "moderator"),
    ("operator", "operator-demo", "operator"),
)


@dataclass
class DemoSummary:
    imported: int = 0
    known: int = 0
    quarantined: int = 0
    progress: Progress = field(default_factory=Progress)
    reports: int = 0  # made from the demo's incidents (`otklik.demo_history`)
    skipped: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)


def demo(
    console: bool = typer.Option(
        True, "--console/--no-console", help="Start the console at the end (default: yes)."
    ),
) -> None:
    """Create the database, load the bundled demo posts through the pipeline, start the console."""
    settings = get_settings()
    engine = get_engine()
    typer.echo(f"database: {engine.url.render_as_string(hide_password=True)}")
    summary = prepare_demo(engine=engine, settings=settings, echo=typer.echo)
    with Session(engine) as session:
        counts = system_stats(session)
    for key, value in counts.items():
        typer.echo(f"{key}: {value}")
    for missing in summary.skipped:
        typer.echo(f"skipped (not available yet): {missing}")
    if console:
        _start_console(summary, echo=typer.echo)


def prepare_demo(*, engine: Engine, settings: Settings, echo: Echo) -> DemoSummary:
    """Everything but the console: schema, reference data, logins, demo posts, the pipeline."""
    summary = DemoSummary()
    migrate.upgrade(engine)
    _seed(engine, settings, summary, echo)
    create_demo_logins(engine, summary)
    new_ids = _import_demo_files(engine, settings.data_dir / "demo", summary, echo)
    pipeline = _pipeline(engine, settings, summary)
    if pipeline is not None:
        summary.progress = pipeline.after_ingest(new_ids)
        # Posts an interrupted earlier run left behind go through too.
        leftover = resume_stalled(pipeline, engine, fetched_before=now())
        summary.progress.annotated += leftover.annotated
        summary.progress.triaged += leftover.triaged
        summary.progress.quarantined += leftover.quarantined
        echo(
            f"pipeline: annotated {summary.progress.annotated}, "
            f"triaged {summary.progress.triaged}, quarantined {summary.progress.quarantined}"
        )
        with Session(engine, expire_on_commit=False) as session:
            summary.reports = add_demo_reports(session, calendar=calendar_from_settings(settings))
            session.commit()
        if summary.reports:
            echo(f"demo reports made from the earliest incidents: {summary.reports}")
    return summary


def _seed(engine: Engine, settings: Settings, summary: DemoSummary, echo: Echo) -> None:
    seed = _optional("nlp.seed", summary)
    if seed is None:
        return
    with Session(engine) as session:
        added = seed.seed_reference_data(
            session, data_dir=settings.data_dir, region_code=settings.region_code
        )
    echo(f"reference data added: {added}")
    routing = _optional("triage.routing", summary)
    agencies_file = settings.data_dir / "agencies.json"
    if routing is None or not agencies_file.exists():
        return
    with Session(engine, expire_on_commit=False) as session:
        loaded = routing.load_agencies(session, path=agencies_file)
        session.commit()
    echo(f"agencies added: {loaded.agencies}, routing rules added: {loaded.rules}")


def create_demo_logins(engine: Engine, summary: DemoSummary) -> None:
    """The demo logins with their printed passwords, unless real users exist (then none)."""
    accounts = _optional("triage.accounts", summary)
    if accounts is None:
        return
    with Session(engine) as session:
        demo_names = {username for username, _, _ in DEMO_USERS}
        real = [u.username for u in accounts.list_users(session) if u.username not in demo_names]
        if real:
            # known passwords must never open a database that real people sign in to
            summary.skipped.append(
                f"demo logins (the database has real users: {', '.join(sorted(real)[:3])}…)"
            )
            return
        for username, password, role in DEMO_USERS:
            if accounts.get_user(session, username=username) is None:
                accounts.create_user(session, username=username, password=password, role=role)
            summary.users.append(f"{username} / {password} ({role})")


def _import_demo_files(engine: Engine, folder: Path, summary: DemoSummary, echo: Echo) -> list[int]:
    new_ids: list[int] = []
    for path, kind, importer_name in _demo_files(folder):
        module_name, function_name = importer_name.rsplit(".", 1)
        module = _optional(module_name, summary)
        if module is None:
            continue
        with Session(engine) as session:
            source = get_or_create_source(
                session,
                source=SourceCreate(
                    kind=kind, name=f"Демо: {path.name}", target=str(path.resolve())
                ),
            )
            session.commit()
            result = getattr(module, function_name)(
                session,
                source_id=source.id or 0,
                path=path,
                lemmatize=_lemmatizer(summary),
            )
            session.commit()
        echo(f"{path.relative_to(folder)}: {result.summary()}")
        summary.imported += result.new
        summary.known += result.known
        summary.quarantined += result.quarantined
        new_ids.extend(result.new_ids)
    if not new_ids and not summary.known:
        summary.skipped.append(f"demo posts ({folder} has no VK dump or Telegram export)")
    return new_ids


def _demo_files(folder: Path) -> list[tuple[Path, SourceKind, str]]:
    """The VK dumps and Telegram exports under `data/demo/`, told apart by their content."""
    found: list[tuple[Path, SourceKind, str]] = []
    for path in sorted(folder.rglob("*.json")):
        head = path.read_text(encoding="utf-8", errors="replace")[:4000]
        if '"messages"' in head or '"chats"' in head:
            found.append(
                (
                    path,
                    SourceKind.TELEGRAM_EXPORT,
                    "ingest.exports.telegram_desktop.import_telegram_export",
                )
            )
        elif '"response"' in head or '"items"' in head:
            found.append((path, SourceKind.VK_DUMP, "ingest.exports.vk_dump.import_vk_dump"))
    return found


def _lemmatizer(summary: DemoSummary) -> Callable[[str], str] | None:
    if _optional("nlp.lemmas", summary) is None:
        return None
    return resources.lemmatize_text


def _pipeline(engine: Engine, settings: Settings, summary: DemoSummary) -> InProcessPipeline | None:
    """The in-process pipeline (the demo never needs Redis), if NLP and triage are there."""
    stages = [_optional(name, summary) for name in ("nlp.annotator", "nlp.stage", "triage.stage")]
    if any(stage is None for stage in stages):
        return None
    return InProcessPipeline(
        engine=engine,
        annotator=resources.annotator,
        triage_tools=resources.triage_tools,
        batch_size=settings.pipeline_batch_size,
    )


def _optional(module_name: str, summary: DemoSummary) -> Any:
    """The module, or None (noted in the summary) when that very module does not exist yet."""
    try:
        module: ModuleType = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name is None or not module_name.startswith(error.name):
            raise  # a dependency of an existing module is missing: a real error
        if module_name not in summary.skipped:
            summary.skipped.append(module_name)
        return None
    return module


def _start_console(summary: DemoSummary, *, echo: Echo) -> None:
    dashboard = _optional("otklik.cli.dashboard", summary)
    if dashboard is None or not (dashboard.APP).exists():
        echo("the console is not available yet")
        return
    echo("demo logins: " + "; ".join(summary.users) if summary.users else "no demo logins")
    dashboard.dashboard(port=None, address="127.0.0.1")
