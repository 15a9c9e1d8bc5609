"""`otklik ingest …`: bring posts in from files and crawlers."""

from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from sqlmodel import Session

from ingest import jsonl
from ingest.batch import ImportResult, import_records
from ingest.crawl import CrawlOutcome, NotCrawlable, crawl_source
from ingest.exports.csv_table import ColumnMapping, import_csv
from ingest.exports.telegram_desktop import import_telegram_export
from ingest.exports.vk_dump import import_vk_dump
from ingest.sources import get_or_create_source
from models.source import Source, SourceCreate, SourceKind
from otklik.cli.progress import progress_bar
from otklik.runtime import get_engine
from otklik.settings import get_settings
from otklik.wiring import clients_from_settings

app = typer.Typer(help="Import posts from files and crawl sources.", no_args_is_help=True)

ANNOTATE = typer.Option(
    True, "--annotate/--no-annotate", help="Send the new posts on to NLP and triage."
)


@app.command("jsonl")
def ingest_jsonl(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A .jsonl file."),
    source_name: str = typer.Option(None, "--source", help="Source name (default: file name)."),
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
    report(result)


@app.command("telegram-export")
def ingest_telegram_export(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A result.json."),
    source_name: str = typer.Option(None, "--source", help="Source name (default: file name)."),
    annotate: bool = ANNOTATE,
) -> None:
    """Import a Telegram Desktop export (one chat, or a whole account with chats.list)."""
    with Session(get_engine()) as session:
        source = _file_source(session, SourceKind.TELEGRAM_EXPORT, path, source_name)
        with progress_bar(f"importing {path.name}") as advance:
            result = import_telegram_export(
                session, source_id=source.id or 0, path=path, on_record=advance
            )
    report(result, annotate=annotate)


@app.command("vk-dump")
def ingest_vk_dump(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A saved VK response."),
    source_name: str = typer.Option(None, "--source", help="Source name (default: file name)."),
    annotate: bool = ANNOTATE,
) -> None:
    """Import saved wall.get / newsfeed.search / wall.getComments responses (or a list)."""
    with Session(get_engine()) as session:
        source = _file_source(session, SourceKind.VK_DUMP, path, source_name)
        with progress_bar(f"importing {path.name}") as advance:
            result = import_vk_dump(session, source_id=source.id or 0, path=path, on_record=advance)
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


@app.command("vk-wall")
def ingest_vk_wall(
    owner_id: int = typer.Option(..., "--owner-id", help="Wall owner: -123 for a community."),
    comments: bool = typer.Option(False, "--comments", help="Crawl the comments instead."),
    annotate: bool = ANNOTATE,
) -> None:
    """Crawl a VK wall (or the comments under its recent posts) once, incrementally."""
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
    """Crawl a Telegram channel once, from the last message seen."""
    _crawl(SourceKind.TELEGRAM, channel.lstrip("@"), annotate=annotate)


def _crawl(kind: SourceKind, target: str, *, annotate: bool) -> None:
    with Session(get_engine(), expire_on_commit=False) as session:
        source = get_or_create_source(
            session, source=SourceCreate(kind=kind, name=target, target=target)
        )
        session.commit()
        try:
            outcome = crawl_source(
                session, source_id=source.id or 0, clients=clients_from_settings(get_settings())
            )
        except NotCrawlable as error:
            typer.echo(str(error), err=True)
            raise typer.Exit(1) from error
    _report_crawl(outcome, annotate=annotate)


def _file_source(session: Session, kind: SourceKind, path: Path, name: str | None) -> Source:
    source = get_or_create_source(
        session, source=SourceCreate(kind=kind, name=name or path.name, target=str(path.resolve()))
    )
    session.commit()
    return source


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
