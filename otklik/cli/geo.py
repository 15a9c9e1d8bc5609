"""`otklik geo …`: load a region's gazetteer and resolve texts to municipalities."""

import json
from pathlib import Path

import typer
from sqlmodel import Session

from nlp.address import AddressParser
from nlp.gazetteer import Gazetteer
from nlp.geo_import import (
    GazetteerImportError,
    import_region,
    import_settlements,
    import_streets,
    load_populations,
)
from nlp.lemmas import Lemmatizer
from nlp.ner import LocationTagger
from nlp.resolver import MunicipalityResolver
from nlp.seed import seed_reference_data
from otklik.runtime import get_engine
from otklik.settings import get_settings

app = typer.Typer(
    help="The gazetteer: import regions, resolve municipalities.", no_args_is_help=True
)


@app.command("import")
def geo_import(
    oktmo: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="ОКТМО JSON: code -> name."
    ),
    cities: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="City CSV (hflabs/city)."
    ),
    region_code: str | None = typer.Option(
        None,
        help="ОКТМО region prefix, e.g. 38 = Курская область (with --oktmo, --streets or "
        "--settlements).",
    ),
    streets: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="Street list CSV: municipality,street."
    ),
    settlements: Path | None = typer.Option(
        None,
        exists=True,
        dir_okay=False,
        help="Village list CSV: municipality,settlement[,kind] (villages ОКТМО lacks).",
    ),
    populations: Path | None = typer.Option(
        None,
        exists=True,
        dir_okay=False,
        help="Set populations from an authored gazetteer file, e.g. "
        "data/gazetteer/perm_krai.json (the default region's, shipped).",
    ),
) -> None:
    """Load a region's municipal formations, поселения and cities, a street list, a village
    list, and/or the populations of known municipalities (for per-capita figures)."""
    if oktmo is None and populations is None and streets is None and settlements is None:
        typer.echo(
            "error: give --oktmo, --cities and --region-code, or --streets, or --settlements,"
            " or --populations",
            err=True,
        )
        raise typer.Exit(2)
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            if oktmo is not None:
                _import_formations(session, oktmo=oktmo, cities=cities, region_code=region_code)
            if streets is not None:
                if region_code is None:
                    raise GazetteerImportError("--streets needs --region-code too")
                parser = AddressParser(Lemmatizer())
                added = import_streets(
                    session, path=streets, region_code=region_code, parser=parser
                )
                typer.echo(f"streets: {added}")
            if settlements is not None:
                if region_code is None:
                    raise GazetteerImportError("--settlements needs --region-code too")
                summary = import_settlements(session, path=settlements, region_code=region_code)
                typer.echo(
                    f"settlements: {summary.added}, already known: {summary.already_known}, "
                    f"skipped (no name, or a поселение's kind): {summary.skipped}"
                )
            if populations is not None:
                changed = load_populations(session, path=populations)
                typer.echo(f"populations set: {changed}")
        except GazetteerImportError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2) from error


def _import_formations(
    session: Session, *, oktmo: Path, cities: Path | None, region_code: str | None
) -> None:
    if cities is None or region_code is None:
        raise GazetteerImportError("--oktmo needs --cities and --region-code too")
    summary = import_region(session, oktmo_path=oktmo, cities_path=cities, region_code=region_code)
    typer.echo(
        f"municipalities: {summary.municipalities}, settlements: {summary.settlements}, "
        f"already known: {summary.already_known}"
    )


@app.command("resolve")
def geo_resolve(
    text: str = typer.Argument(..., help="The text to resolve."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Print the municipality a text is about, the matched span and the confidence."""
    settings = get_settings()
    with Session(get_engine(), expire_on_commit=False) as session:
        seed_reference_data(session, data_dir=settings.data_dir, region_code=settings.region_code)
        gazetteer = Gazetteer.from_session(session, lemmatizer=Lemmatizer())
    result = MunicipalityResolver(gazetteer, LocationTagger()).resolve(text)
    payload = {
        "municipality": result.municipality_name,
        "municipality_id": result.municipality_id,
        "span": result.span,
        "confidence": result.confidence,
        "method": result.method,
        "why": result.why,
    }
    if as_json:
        typer.echo(json.dumps(payload, ensure_ascii=False))
    else:
        typer.echo(
            f"{result.municipality_name or 'unknown'}\t{result.span or '-'}\t{result.confidence}"
        )
