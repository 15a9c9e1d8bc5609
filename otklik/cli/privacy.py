"""`otklik privacy …`: retention purge, export and erasure of an author's data (152-ФЗ)."""

import json
from pathlib import Path

import typer
from sqlmodel import Session

from otklik import privacy
from otklik.runtime import get_engine
from otklik.settings import get_settings

app = typer.Typer(help="Personal data: retention purge, export and erasure (152-ФЗ).")


@app.command()
def purge(
    days: int = typer.Option(None, "--days", help="Override OTKLIK_RETENTION_DAYS."),
) -> None:
    """Empty raw vendor payloads older than the retention period (posts themselves stay)."""
    older_than = get_settings().retention_days if days is None else days
    with Session(get_engine()) as session:
        purged = privacy.purge_raw_payloads(session, older_than_days=older_than)
    typer.echo(f"raw payloads purged: {purged} (older than {older_than} days)")


@app.command("export")
def export(
    author_id: str = typer.Argument(..., help="The author's VK or Telegram id as stored."),
    output: Path = typer.Option(None, "--output", "-o", help="Write JSON here (default: stdout)."),
) -> None:
    """Export everything stored about one author as JSON (a subject access request)."""
    with Session(get_engine()) as session:
        document = privacy.export_author(session, author_id=author_id)
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if output is None:
        typer.echo(text)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"posts exported: {len(document['posts'])} -> {output}")


@app.command()
def erase(
    author_id: str = typer.Argument(..., help="The author's VK or Telegram id as stored."),
    yes: bool = typer.Option(False, "--yes", help="Do it without asking."),
    actor: str = typer.Option("operator", "--actor", help="Who asked, for the audit log."),
) -> None:
    """Erase one author's personal data from their posts (text, ids, URL, raw payload)."""
    if not yes:
        typer.confirm(f"Erase the personal data of author {author_id}?", abort=True)
    with Session(get_engine()) as session:
        erased = privacy.erase_author(session, author_id=author_id, actor=actor, user_id=None)
    typer.echo(f"posts erased: {erased}")
