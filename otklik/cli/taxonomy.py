"""`otklik taxonomy …`: list, export and import the rubricator (categories and topics).

Edits are audit events (entity `topic` / `category`, the acting name as actor), as in the
console's Рубрикатор page.
"""

import json
from pathlib import Path

import typer
from sqlmodel import Session, select

from models.taxonomy import Category, Topic
from nlp.seed import seed_reference_data
from otklik.runtime import get_engine
from otklik.settings import get_settings
from triage.taxonomy import TaxonomyError, export_taxonomy, import_taxonomy

app = typer.Typer(
    help="The rubricator: list, export and import categories and topics.", no_args_is_help=True
)


def _session() -> Session:
    settings = get_settings()
    session = Session(get_engine(), expire_on_commit=False)
    seed_reference_data(session, data_dir=settings.data_dir, region_code=settings.region_code)
    return session


@app.command("list")
def taxonomy_list(
    inactive: bool = typer.Option(False, "--inactive", help="Include deactivated items."),
) -> None:
    """Print categories and their topics: code, SLA hours (U = urgent), agency type, name."""
    with _session() as session:
        categories = session.exec(select(Category).order_by(Category.position, Category.code))
        topics = session.exec(select(Topic).order_by(Topic.position, Topic.code)).all()
        for category in categories:
            if not (category.active or inactive):
                continue
            mark = "" if category.active else " [inactive]"
            typer.echo(f"{category.code}: {category.name}{mark}")
            for topic in topics:
                if topic.category_code != category.code or not (topic.active or inactive):
                    continue
                sla = f"{topic.sla_hours}h{' U' if topic.urgent else ''}"
                mark = "" if topic.active else " [inactive]"
                typer.echo(f"  {topic.code}  {sla}  {topic.agency_type}  {topic.name}{mark}")


@app.command("export")
def taxonomy_export(
    output: Path = typer.Option(None, help="JSON file to write (default: stdout)."),
) -> None:
    """Write the rubricator in Otklik's format (data/taxonomy.json), inactive items marked."""
    with _session() as session:
        text = json.dumps(export_taxonomy(session), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"written: {output}")


@app.command("import")
def taxonomy_import(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Rubricator JSON file."),
    replace: bool = typer.Option(
        False, "--replace", help="Deactivate the categories and topics the file leaves out."
    ),
    actor: str = typer.Option("cli", "--actor", help="Who acted, for the audit log."),
) -> None:
    """Add and update categories and topics from a file; nothing is applied if any is invalid.

    Codes are the keys: a known code is updated, a new one added. Nothing is deleted, since
    posts, reports and routing rules refer to topics; with --replace, items missing from the
    file are deactivated. The classifier learns new and renamed topics at the next retrain.
    """
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        typer.echo(f"error: {path} is not a UTF-8 JSON file: {error}", err=True)
        raise typer.Exit(2) from error
    with _session() as session:
        try:
            result = import_taxonomy(session, document, replace=replace, actor=actor, user_id=None)
        except TaxonomyError as error:
            session.rollback()
            typer.echo(f"error: {path} was not imported:", err=True)
            for problem in error.problems:
                typer.echo(f"  - {problem}", err=True)
            raise typer.Exit(2) from error
        session.commit()
    typer.echo(
        f"added: {len(result.added)}, updated: {len(result.updated)}, "
        f"deactivated: {len(result.deactivated)}, unchanged: {result.unchanged}"
    )
