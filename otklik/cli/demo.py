"""`otklik demo`: the product on the embedded default, end to end."""

import typer
from sqlmodel import Session

from models.stats import system_stats
from otklik import migrate
from otklik.runtime import get_engine
from otklik.settings import get_settings


def demo() -> None:
    """Create the database, load the bundled demo posts through the pipeline, show the result."""
    settings = get_settings()
    engine = get_engine()
    migrate.upgrade(engine)
    typer.echo(f"database: {engine.url.render_as_string(hide_password=True)}")
    with Session(engine) as session:
        counts = system_stats(session)
    typer.echo(f"posts: {counts['posts']}, data: {settings.data_dir}")
