"""`otklik geo …`: load a region's gazetteer and resolve texts to municipalities."""

import json
from pathlib import Path

import typer
from sqlmodel import Session

from ingest.exports.table import TableError, TableMapping, check_mapping, read_table
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
from nlp.settlement_learning import (
    DEFAULT_MIN_SIGHTINGS,
    LearningSummary,
    LearningText,
    SettlementLearner,
    confirmed_posts,
    count_confirmed_posts,
    municipality_of_executor,
)
from otklik.cli.progress import progress_bar
from otklik.runtime import get_engine
from otklik.settings import get_settings

app = typer.Typer(
    help="The gazetteer: import regions, learn villages, resolve municipalities.",
    no_args_is_help=True,
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


@app.command("learn-settlements")
def geo_learn_settlements(
    appeals: Path | None = typer.Option(
        None,
        exists=True,
        dir_okay=False,
        help="An appeals export (CSV or XLSX, read as `otklik ingest table` reads) whose "
        "executor column names the body that answered, e.g. «Администрация Льговского района».",
    ),
    text_column: str = typer.Option("text", help="The export's column with the appeal's text."),
    executor_column: str = typer.Option(
        "executor",
        help="The export's column with the executor: a municipal administration or a "
        "municipality's name (other bodies teach only villages the text puts in a district).",
    ),
    posts: bool = typer.Option(
        True, "--posts/--no-posts", help="Read the posts whose place a person confirmed."
    ),
    min_sightings: int = typer.Option(
        DEFAULT_MIN_SIGHTINGS, min=1, help="Texts a village must be seen in to be learned."
    ),
    region_code: str | None = typer.Option(
        None, help="ОКТМО region prefix (default: OTKLIK_REGION_CODE)."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Report what would change; store nothing."
    ),
    listed: int = typer.Option(20, "--list", min=0, help="Names listed per group of the summary."),
) -> None:
    """Learn villages the gazetteer lacks from texts whose municipality is known.

    A village named with its type word («с. Мокрецово», «в деревне Теплухино») in a confirmed
    post, in an appeal answered by a district administration, or followed by its district
    («… Льговского района») becomes a settlement of kind «<type> (выучено)» of that
    municipality. Names seen in several municipalities are refused (a village learned before
    is withdrawn), names the gazetteer knows are not learned again; re-runs add only new
    names. The resolver reads learned villages like the gazetteer's own.
    """
    settings = get_settings()
    region = region_code or settings.region_code
    if not posts and appeals is None:
        typer.echo("error: give --appeals FILE, or leave --posts on", err=True)
        raise typer.Exit(2)
    with Session(get_engine(), expire_on_commit=False) as session:
        seed_reference_data(session, data_dir=settings.data_dir, region_code=settings.region_code)
        gazetteer = Gazetteer.from_session(session, lemmatizer=Lemmatizer(), region_code=region)
        if not gazetteer.municipalities:
            typer.echo(f"error: no municipalities of region {region}: run `otklik geo import`",
                       err=True)  # fmt: skip
            raise typer.Exit(2)
        learner = SettlementLearner(gazetteer)
        counts = {"posts": 0, "appeal rows": 0}
        if posts:
            ids = list(gazetteer.municipalities)
            with progress_bar("confirmed posts", total=count_confirmed_posts(session, ids)) as step:
                for item in confirmed_posts(session, ids):
                    learner.read(item)
                    counts["posts"] += 1
                    step()
        if appeals is not None:
            counts["appeal rows"] = _read_appeals(
                learner, MunicipalityResolver(gazetteer), appeals, text_column, executor_column
            )
        with progress_bar("names", total=len(learner.sightings)) as step:
            summary = learner.store(session, region_code=region, min_sightings=min_sightings,
                                    advance=step)  # fmt: skip
        if dry_run:
            session.rollback()
        else:
            session.commit()
    _print_learning(summary, counts, min_sightings=min_sightings, listed=listed, dry_run=dry_run)


def _read_appeals(
    learner: SettlementLearner,
    resolver: MunicipalityResolver,
    path: Path,
    text_column: str,
    executor_column: str,
) -> int:
    """Feed an export's rows to the learner; a row that cannot be used is reported, with why."""
    mapping = TableMapping(text=text_column, date="", municipality=executor_column)
    read = 0
    try:
        table = read_table(path)
        try:
            check_mapping(table, mapping, name=path.name)
            with progress_bar(f"reading {path.name}") as step:
                for number, cells in table.rows:
                    step()
                    read += 1
                    origin = f"{path.name}:{number}"
                    if isinstance(cells, str):
                        learner.bad_row(origin, cells)
                        continue
                    text = cells.get(text_column, "")
                    if not text.strip():
                        learner.bad_row(origin, "no text")
                        continue
                    executor = cells.get(executor_column, "")
                    mid = municipality_of_executor(resolver, executor) if executor else None
                    learner.read(LearningText(text, mid, origin))
        finally:
            table.close()
    except TableError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    return read


def _print_learning(
    summary: LearningSummary,
    counts: dict[str, int],
    *,
    min_sightings: int,
    listed: int,
    dry_run: bool,
) -> None:
    read = ", ".join(f"{name}: {count}" for name, count in counts.items())
    typer.echo(f"texts read: {summary.texts} ({read}); village sightings: {summary.sightings}")
    verb = "would learn" if dry_run else "learned"
    groups: list[tuple[str, list[str]]] = [
        (verb, [f"{name} — {place}, {n} text(s)" for name, place, n in summary.learned]),
        ("already learned", summary.already_learned),
        ("already in the gazetteer, not learned", summary.already_known),
        (
            "refused: seen in several municipalities",
            [f"{name} — {', '.join(places)}" for name, places in summary.ambiguous],
        ),
        (
            "withdrawn: learned before, now seen in several municipalities",
            [f"{name} — {', '.join(places)}" for name, places in summary.withdrawn],
        ),
        (
            f"refused: seen in fewer than {min_sightings} text(s)",
            [f"{name} ({n})" for name, n in summary.too_few],
        ),
        ("rows not read", [f"{origin}: {why}" for origin, why in summary.bad_rows]),
    ]
    for title, items in groups:
        typer.echo(f"{title}: {len(items)}")
        for item in items[:listed]:
            typer.echo(f"  {item}")
        if len(items) > listed:
            typer.echo(f"  … and {len(items) - listed} more")
    if summary.rejected:
        why = "; ".join(f"{reason}: {n}" for reason, n in summary.rejected.most_common())
        typer.echo(f"mentions that were no sighting: {why}")
