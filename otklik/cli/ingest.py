"""`otklik ingest …`: bring posts in from files and crawlers."""

import logging
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from ingest import jsonl
from ingest.batch import ImportResult, import_records
from ingest.crawl import CrawlOutcome, NotCrawlable, crawl_source
from ingest.exports.csv_table import ColumnMapping, import_csv
from ingest.exports.table import (
    TableError,
    check_mapping,
    import_table,
    is_workbook,
    parse_mapping,
    read_table,
)
from ingest.exports.telegram_desktop import import_telegram_export
from ingest.exports.vk_dump import dump_owner, import_vk_dump
from ingest.sources import get_or_create_source, page_dump_source, set_source_role
from ingest.telegram.client import make_telegram_client
from ingest.telegram.login import (
    MAX_CODE_ATTEMPTS,
    LoginFailed,
    LoginPrompts,
    log_in,
    restrict_session_file,
)
from models.crawl import close_abandoned_runs
from models.source import Source, SourceCreate, SourceKind, SourceRole
from nlp.context import guess_again
from otklik.cli.progress import progress_bar
from otklik.crawl_guard import guard_for
from otklik.runtime import get_engine
from otklik.settings import Settings, get_settings
from otklik.wiring import clients_from_settings
from triage.imported_labels import Names, apply_imported_labels

log = logging.getLogger(__name__)
app = typer.Typer(help="Import posts from files and crawl sources.", no_args_is_help=True)

ROLE = typer.Option(
    None,
    "--role",
    help="Whose page it is: authority, residents or media (default: guessed, see `sources`).",
)
ANNOTATE = typer.Option(
    True, "--annotate/--no-annotate", help="Send the new posts on to NLP and triage."
)


@app.command("jsonl")
def ingest_jsonl(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A .jsonl file."),
    source_name: str = typer.Option(None, "--source", help="Source name (default: file name)."),
    annotate: bool = ANNOTATE,
) -> None:
    """Import Otklik's own JSON-lines format: one post object per line."""
    with Session(get_engine()) as session:
        source = _file_source(session, SourceKind.JSONL, path, source_name)
        with progress_bar(f"importing {path.name}") as advance:
            result = import_records(
                session,
                source_id=source.id or 0,
                records=jsonl.read_lines(path),
                adapt=jsonl.adapt_line,
                on_record=advance,
            )
    report(result, annotate=annotate)


@app.command("telegram-export")
def ingest_telegram_export(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A result.json."),
    source_name: str = typer.Option(None, "--source", help="Source name (default: file name)."),
    role: SourceRole = ROLE,
    annotate: bool = ANNOTATE,
) -> None:
    """Import a Telegram Desktop export (one chat, or a whole account with chats.list)."""
    with Session(get_engine()) as session:
        source = _file_source(session, SourceKind.TELEGRAM_EXPORT, path, source_name, role)
        with progress_bar(f"importing {path.name}") as advance:
            result = import_telegram_export(
                session, source_id=source.id or 0, path=path, on_record=advance
            )
    report(result, annotate=annotate)


@app.command("vk-dump")
def ingest_vk_dump(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A saved VK response."),
    source_name: str = typer.Option(None, "--source", help="Source name (default: file name)."),
    role: SourceRole = ROLE,
    annotate: bool = ANNOTATE,
) -> None:
    """Import saved wall.get / newsfeed.search / wall.getComments responses (or a list).

    A file of one page joins that page's source (its VK owner id), whichever file came first."""
    with Session(get_engine()) as session:
        source = page_dump_source(
            session,
            kind=SourceKind.VK_DUMP,
            owner=dump_owner(path),
            name=source_name or path.name,
            path=str(path.resolve()),
        )
        _set_role(session, source, role)
        with progress_bar(f"importing {path.name}") as advance:
            result = import_vk_dump(session, source_id=source.id or 0, path=path, on_record=advance)
        if result.new_ids:  # the page's guess sees its new items too (its comments file)
            guess_again(session, source_id=source.id or 0)
            session.commit()
    report(result, annotate=annotate)


@app.command("csv")
def ingest_csv(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A CSV file with a header."),
    text_column: str = typer.Option(..., "--text-column", help="Column with the post text."),
    date_column: str = typer.Option(..., "--date-column", help="Column with the date."),
    id_column: str = typer.Option(None, "--id-column", help="Column with a stable row id."),
    author_column: str = typer.Option(None, "--author-column", help="Column with the author."),
    url_column: str = typer.Option(None, "--url-column", help="Column with a link."),
    delimiter: str = typer.Option(",", "--delimiter", help="Field separator, e.g. ';'."),
    timezone: str = typer.Option(
        None, "--timezone", help="Zone of dates without one (default: OTKLIK_TIMEZONE)."
    ),
    source_name: str = typer.Option(None, "--source", help="Source name (default: file name)."),
    annotate: bool = ANNOTATE,
) -> None:
    """Import a CSV table through a column mapping (appeals, spreadsheet exports)."""
    if is_workbook(path):
        typer.echo(
            f"error: {path.name} is an XLSX workbook, not CSV; use `otklik ingest table`", err=True
        )
        raise typer.Exit(2)
    columns = ColumnMapping(
        text=text_column, date=date_column, id=id_column, author=author_column, url=url_column
    )
    zone = ZoneInfo(timezone or get_settings().timezone)
    with Session(get_engine()) as session:
        source = _file_source(session, SourceKind.CSV, path, source_name)
        with progress_bar(f"importing {path.name}") as advance:
            try:
                result = import_csv(
                    session,
                    source_id=source.id or 0,
                    path=path,
                    columns=columns,
                    timezone=zone,
                    delimiter=delimiter,
                    on_record=advance,
                )
            except ValueError as error:
                typer.echo(str(error), err=True)
                raise typer.Exit(1) from error
    report(result, annotate=annotate)


MAP_HELP = (
    'Then field="Column" pairs: text and date, and any of id, author, url, municipality, '
    "topic, category."
)


@app.command("table")
def ingest_table(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="An .xlsx or .csv file."),
    pairs: list[str] = typer.Argument(None, help='field="Column" pairs (after --map).'),
    _map: bool = typer.Option(False, "--map", help=MAP_HELP),
    timezone: str = typer.Option(
        None, "--timezone", help="Zone of dates without one (default: OTKLIK_TIMEZONE)."
    ),
    source_name: str = typer.Option(None, "--source", help="Source name (default: file name)."),
    annotate: bool = ANNOTATE,
) -> None:
    """Import a ЦУР export (XLSX or CSV): posts, their places and the operators' labels.

    Example: otklik ingest table cur_export.xlsx --map text="Текст инцидента"
    date="Дата создания" municipality="Муниципалитет" topic="Тема" category="Группа тем".
    A mapped municipality sets the post's place; a mapped topic and group (by name, as in
    the rubricator) become training labels. Unknown names are listed; bad rows quarantined.
    """
    zone = ZoneInfo(timezone or get_settings().timezone)
    try:
        header = table_preflight(path, pairs or [])
    except TableError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    mapping = parse_mapping(pairs or [])
    with Session(get_engine()) as session:
        source = _file_source(session, SourceKind.CSV, path, source_name)
        with progress_bar(f"importing {path.name}") as advance:
            imported = import_table(session, source_id=source.id or 0, path=path,
                                    mapping=mapping, timezone=zone, on_record=advance)  # fmt: skip
        outcome = apply_imported_labels(session, labels=imported.labels, names=Names.load(session))
        session.commit()
    typer.echo(f"training labels: {outcome.labelled}, posts placed: {outcome.placed}")
    for kind, names in outcome.unknown.items():
        if names:
            listed = ", ".join(f"{name!r} ({count})" for name, count in names.most_common())
            typer.echo(f"unknown {kind} names: {listed}")
    unmapped = [column for column in header if column not in mapping.columns().values()]
    if unmapped:
        listed = ", ".join(repr(column) for column in unmapped)
        typer.echo(f"columns not mapped (kept in each post's raw row only): {listed}")
    report(imported.result, annotate=annotate)


def table_preflight(path: Path, pairs: list[str]) -> list[str]:
    """Check the file and the mapping before anything is stored; the file's columns."""
    table = read_table(path)
    try:
        try:
            mapping = parse_mapping(pairs)
        except TableError as error:
            columns = ", ".join(repr(column) for column in table.header)
            raise TableError(f"{error}. {path.name} has the columns: {columns}") from error
        check_mapping(table, mapping, name=path.name)
        return table.header
    finally:
        table.close()


@app.command("vk-wall")
def ingest_vk_wall(
    owner_id: int = typer.Option(..., "--owner-id", help="Wall owner: -123 for a community."),
    comments: bool = typer.Option(
        False, "--comments", help="Crawl the comments and their reply threads instead."
    ),
    annotate: bool = ANNOTATE,
) -> None:
    """Crawl a VK wall (or the comments under its recent posts) once, incrementally.

    With --comments, the comments of the OTKLIK_VK_COMMENTS_POSTS most recent posts and their
    reply threads; a post whose comment count grew has its older comments paged through for
    the threads that grew, at most OTKLIK_VK_THREAD_SCAN_PAGES pages a post a run (the cursor
    resumes the rest).
    """
    kind = SourceKind.VK_COMMENTS if comments else SourceKind.VK_WALL
    _crawl(kind, str(owner_id), annotate=annotate)


@app.command("vk-search")
def ingest_vk_search(
    query: str = typer.Option(..., "--query", help="Keywords, as in VK's news search."),
    annotate: bool = ANNOTATE,
) -> None:
    """Crawl VK's newsfeed.search for a query once, incrementally by time window."""
    _crawl(SourceKind.VK_SEARCH, query, annotate=annotate)


@app.command("telegram")
def ingest_telegram(
    channel: str = typer.Option(..., "--channel", help="A public channel or chat username."),
    annotate: bool = ANNOTATE,
) -> None:
    """Crawl a Telegram channel once, from the last message seen, and the comments of its
    posts in the linked discussion group.

    Every post among the latest OTKLIK_TELEGRAM_WATCH_POSTS whose comment count grew has its
    new comments read, oldest post first, at most OTKLIK_TELEGRAM_THREADS_PER_RUN threads a
    run (the rest on the next run). A linked group found private is tried again after
    OTKLIK_TELEGRAM_GROUP_RETRY_HOURS.
    """
    _crawl(SourceKind.TELEGRAM, channel.lstrip("@"), annotate=annotate)


@app.command("telegram-login")
def ingest_telegram_login(
    phone: str = typer.Option(
        None, "--phone", help="The account's phone, e.g. +79991234567 (prompted if left out)."
    ),
) -> None:
    """Authorise the Telegram session file the crawler uses (phone, code, 2FA password).

    Uses OTKLIK_TELEGRAM_API_ID, OTKLIK_TELEGRAM_API_HASH and OTKLIK_TELEGRAM_SESSION. A
    session that is already authorised is only reported. Otherwise Telegram sends a code to
    the account; type it (hidden; three attempts), then the two-step verification password if
    the account has one (hidden). The session file is left readable by its owner only (0600).
    Run it again whenever the crawler reports the session as not authorised.
    """
    settings = get_settings()
    api_hash = settings.telegram_api_hash.get_secret_value() if settings.telegram_api_hash else ""
    if not (settings.telegram_api_id and api_hash):
        typer.echo(
            "error: set OTKLIK_TELEGRAM_API_ID and OTKLIK_TELEGRAM_API_HASH "
            "(from my.telegram.org, API development tools)",
            err=True,
        )
        raise typer.Exit(1)
    client = make_telegram_client(
        api_id=settings.telegram_api_id, api_hash=api_hash, session_path=settings.telegram_session
    )
    try:
        result = log_in(client, phone=phone, prompts=_TERMINAL_PROMPTS)
    except LoginFailed as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error
    finally:
        path = restrict_session_file(settings.telegram_session)
    state = "already authorised" if result.already_authorised else "authorised"
    typer.echo(f"{path}: {state} as {result.account.describe()}")


def _prompt_code(attempt: int) -> str:
    if attempt == 1:
        return typer.prompt("Code Telegram sent to the account", hide_input=True)
    label = f"Wrong code; try again ({attempt} of {MAX_CODE_ATTEMPTS})"
    return typer.prompt(label, hide_input=True)


_TERMINAL_PROMPTS = LoginPrompts(
    phone=lambda: typer.prompt("Phone, e.g. +79991234567"),
    code=_prompt_code,
    password=lambda: typer.prompt("Two-step verification password", hide_input=True),
)


def _crawl(kind: SourceKind, target: str, *, annotate: bool) -> None:
    """One crawl under the source's lock (the one the workers take), like a crawl job."""
    settings, engine = get_settings(), get_engine()
    with Session(engine, expire_on_commit=False) as session:
        source = get_or_create_source(
            session, source=SourceCreate(kind=kind, name=target, target=target)
        )
        session.commit()
        source_id = source.id or 0
        guard = guard_for(
            redis_url=settings.redis_url,
            engine=engine,
            ttl_seconds=settings.crawl_lock_ttl_seconds,
        )
        with guard(source_id) as acquired:
            if not acquired:
                typer.echo(f"error: source {source_id} is already being crawled", err=True)
                raise typer.Exit(1)
            close_abandoned_runs(session, source_id=source_id)
            outcome = _crawl_once(session, source_id, settings)
    _report_crawl(outcome, annotate=annotate)


def _crawl_once(session: Session, source_id: int, settings: Settings) -> CrawlOutcome:
    try:
        return crawl_source(session, source_id=source_id, clients=clients_from_settings(settings))
    except NotCrawlable as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error
    except SQLAlchemyError as error:  # the run and the source already say so, where possible
        log.exception("crawl of source %s failed on a database error", source_id)
        typer.echo(f"error: database error: {str(error).splitlines()[0]}", err=True)
        raise typer.Exit(1) from error


def _file_source(
    session: Session, kind: SourceKind, path: Path, name: str | None, role: SourceRole | None = None
) -> Source:
    source = get_or_create_source(
        session, source=SourceCreate(kind=kind, name=name or path.name, target=str(path.resolve()))
    )
    _set_role(session, source, role)
    return source


def _set_role(session: Session, source: Source, role: SourceRole | None) -> None:
    """The operator's `--role`, if given; commits the source either way."""
    if role is not None:
        set_source_role(session, source_id=source.id or 0, role=role)
    session.commit()


def report(result: ImportResult, *, annotate: bool = False) -> None:
    typer.echo(result.summary())
    _forward(result.new_ids, annotate)


def _report_crawl(outcome: CrawlOutcome, *, annotate: bool) -> None:
    typer.echo(outcome.summary())
    _forward(outcome.new_ids, annotate)
    if outcome.error:
        typer.echo(f"error: {outcome.error}", err=True)
        raise typer.Exit(1)


def _forward(post_ids: list[int], annotate: bool) -> None:
    if annotate and post_ids:
        forward: Callable[[list[int]], object] = _pipeline_forwarder()
        typer.echo(f"sent on: {forward(post_ids)}")


def _pipeline_forwarder() -> Callable[[list[int]], object]:
    from otklik.pipeline import forward_new_posts

    return forward_new_posts
