"""`otklik ingest …`: bring posts in from files and crawlers."""

from pathlib import Path

import typer
from sqlmodel import Session

from ingest import jsonl
from ingest.batch import ImportResult, import_records
from ingest.sources import get_or_create_source
from models.source import SourceCreate, SourceKind
from otklik.cli.progress import progress_bar
from otklik.runtime import get_engine

app = typer.Typer(help="Import posts from files and crawl sources.", no_args_is_help=True)


@app.command("jsonl")
def ingest_jsonl(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A .jsonl file."),
    source_name: str = typer.Option(None, "--source", help="Source name (default: file name)."),
) -> None:
    """Import Otklik's own JSON-lines format: one post object per line."""
    with Session(get_engine()) as session:
        source = get_or_create_source(
            session,
            source=SourceCreate(
                kind=SourceKind.JSONL,
                name=source_name or path.name,
                target=str(path.resolve()),
            ),
        )
        session.commit()
        with progress_bar(f"importing {path.name}") as advance:
            result = import_records(
                session,
                source_id=source.id or 0,
                records=jsonl.read_lines(path),
                adapt=jsonl.adapt_line,
                on_record=advance,
            )
    report(result)


def report(result: ImportResult) -> None:
    typer.echo(result.summary())
