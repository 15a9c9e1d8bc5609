"""Populations for per-capita figures: shipped for the default region, loaded by `geo import`."""

import csv
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from models.geo import Municipality
from nlp.seed import seed_reference_data
from otklik.cli import app
from otklik.paths import ROOT

runner = CliRunner()
PERM_FILE = ROOT / "data" / "gazetteer" / "perm_krai.json"


def _populations(engine: Engine, region_code: str) -> dict[str, int | None]:
    with Session(engine) as session:
        rows = session.exec(select(Municipality).where(Municipality.region_code == region_code))
        return {row.name: row.population for row in rows}


def _city_population(shared_data: Path, city: str) -> int:
    with (shared_data / "gazetteer" / "hflabs_city.csv").open(encoding="utf-8") as handle:
        [row] = [r for r in csv.DictReader(handle) if r["city"] == city]
    return int(row["population"])


def test_the_default_region_ships_town_populations(
    configured: str, engine: Engine, shared_data: Path
) -> None:
    with Session(engine) as session:
        seed_reference_data(session, data_dir=ROOT / "data", region_code="57")
    shipped = _populations(engine, "57")
    assert shipped["Пермский городской округ"] == _city_population(shared_data, "Пермь")
    assert shipped["Березниковский городской округ"] == _city_population(
        shared_data, "Березники"
    ) + _city_population(shared_data, "Усолье")
    assert shipped["Бардымский муниципальный округ"] is None  # no town: no figure, not a guess
    assert sum(value is not None for value in shipped.values()) >= 20


def test_geo_import_loads_populations_into_a_database_seeded_without_them(
    configured: str, engine: Engine
) -> None:
    with Session(engine) as session:
        seed_reference_data(session, data_dir=ROOT / "data", region_code="57")
        for row in session.exec(select(Municipality)):
            row.population = None
            session.add(row)
        session.commit()
    result = runner.invoke(app, ["geo", "import", "--populations", str(PERM_FILE)])
    assert result.exit_code == 0, result.output
    loaded = _populations(engine, "57")
    assert f"populations set: {sum(v is not None for v in loaded.values())}" in result.output
    assert loaded["Краснокамский городской округ"] is not None
    again = runner.invoke(app, ["geo", "import", "--populations", str(PERM_FILE)])
    assert "populations set: 0" in again.output


def test_geo_import_sums_a_new_region_s_towns(
    configured: str, engine: Engine, shared_data: Path
) -> None:
    gazetteer = shared_data / "gazetteer"
    args = ["geo", "import", "--oktmo", str(gazetteer / "oktmo_municipal_formations_2019.json"),
            "--cities", str(gazetteer / "hflabs_city.csv"), "--region-code", "38"]  # fmt: skip
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    with Session(engine) as session:
        lgov = session.exec(select(Municipality).where(Municipality.center == "Льгов")).one()
    assert lgov.population == _city_population(shared_data, "Льгов")


def test_geo_import_without_files_says_what_to_give(configured: str) -> None:
    result = runner.invoke(app, ["geo", "import"])
    assert result.exit_code == 2
    assert "--populations" in result.output
