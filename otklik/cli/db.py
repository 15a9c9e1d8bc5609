"""`otklik db …`: the schema."""

import typer

from otklik import migrate
from otklik.runtime import get_engine

app = typer.Typer(help="Create and migrate the database schema.", no_args_is_help=True)


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply migrations up to REVISION (default: the newest). Running it again is a no-op."""
    engine = get_engine(check_schema=False)
    before = migrate.current_revision(engine)
    migrate.upgrade(engine, revision)
    after = migrate.current_revision(engine)
    typer.echo(f"schema at {after}" + ("" if before != after else " (already up to date)"))


@app.command()
def current() -> None:
    """Print the schema revision the database is at, and the newest one available."""
    engine = get_engine(check_schema=False)
    typer.echo(
        f"current: {migrate.current_revision(engine)}, head: {migrate.head_revision(engine)}"
    )
