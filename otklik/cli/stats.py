"""`otklik stats`: counts of everything, for operators and scripts."""

import json

import typer
from sqlmodel import Session

from models.stats import system_stats
from otklik.runtime import get_engine


def stats(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Print counts of sources, posts, annotations, incidents and reports by status."""
    with Session(get_engine()) as session:
        counts = system_stats(session)
    if as_json:
        typer.echo(json.dumps(counts, ensure_ascii=False, sort_keys=True))
        return
    for key, value in counts.items():
        typer.echo(f"{key}: {value}")
