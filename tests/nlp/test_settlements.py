"""A village list: villages ОКТМО lacks are loaded by `otklik geo import --settlements` and
then name their municipality; a name several districts share names none."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, SQLModel, create_engine, select
from typer.testing import CliRunner

from models.geo import Municipality, Settlement
from nlp.gazetteer import Gazetteer
from nlp.geo_import import GazetteerImportError, import_settlements
from nlp.lemmas import Lemmatizer
from nlp.resolver import MunicipalityResolver
from otklik.cli import app

runner = CliRunner()
DISTRICTS = ("Конышевский муниципальный район", "Хомутовский муниципальный район",
             "Льговский муниципальный район")  # fmt: skip
VILLAGES = """municipality,settlement,kind
Конышевский муниципальный район,Кашара,деревня
Хомутовский муниципальный район,Юдовка,деревня
Льговский муниципальный район,Шерекино,
Льговский муниципальный район,Ивановка,село
Хомутовский муниципальный район,Ивановка,деревня
Льговский муниципальный район,,деревня
Льговский муниципальный район,Марицкий,сельсовет
"""


@pytest.fixture
def villages(tmp_path: Path) -> Path:
    path = tmp_path / "villages.csv"
    path.write_text(VILLAGES, encoding="utf-8")
    return path


@pytest.fixture
def kursk(villages: Path, lemmatizer: Lemmatizer) -> Iterator[MunicipalityResolver]:
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        for name in DISTRICTS:
            session.add(Municipality(region_code="38", name=name))
        session.commit()
        first = import_settlements(session, path=villages, region_code="38")
        assert (first.added, first.already_known, first.skipped) == (5, 0, 2)
        again = import_settlements(session, path=villages, region_code="38")
        assert (again.added, again.already_known, again.skipped) == (0, 5, 2)
        yield MunicipalityResolver(Gazetteer.from_session(session, lemmatizer=lemmatizer))
    engine.dispose()


@pytest.mark.parametrize(
    ("text", "expected", "why"),
    [
        ("свалка, которая образовалась в начале д. Кашара", "Конышевский", "gazetteer"),
        (
            "Разрушается мост, соединяющий деревню Юдовка с районным центром",
            "Хомутовский",
            "gazetteer",
        ),
        ("у деревни Шерекино нужна подсыпка", "Льговский", "gazetteer"),
        # a village of the same name in two districts is no answer, and says so
        ("в селе Ивановка нет воды", None, "a name shared by several municipalities"),
        # …unless the district is named too
        ("Хомутовский район, в селе Ивановка нет воды", "Хомутовский", "gazetteer"),
    ],
)
def test_a_loaded_village_names_its_municipality(
    kursk: MunicipalityResolver, text: str, expected: str | None, why: str
) -> None:
    found = kursk.resolve(text)
    if expected is None:
        assert found.municipality_id is None
    else:
        assert (found.municipality_name or "").startswith(expected)
    assert (found.why or "").startswith(why), found.why


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("municipality,village\nЛьговский муниципальный район,Кашара\n", "lacks"),
        ("municipality,settlement\nГотэм,Кашара\n", "Готэм"),
    ],
)
def test_a_bad_village_list_is_refused_whole(tmp_path: Path, content: str, message: str) -> None:
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    path = tmp_path / "villages.csv"
    path.write_text(content, encoding="utf-8")
    with Session(engine) as session:
        session.add(Municipality(region_code="38", name="Льговский муниципальный район"))
        session.commit()
        with pytest.raises(GazetteerImportError, match=message):
            import_settlements(session, path=path, region_code="38")
        assert session.exec(select(Settlement)).all() == []
    engine.dispose()


def test_geo_import_takes_a_village_list(
    configured: str, shared_data: Path, villages: Path
) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    gazetteer = shared_data / "gazetteer"
    args = ["geo", "import", "--oktmo", str(gazetteer / "oktmo_municipal_formations_2019.json"),
            "--cities", str(gazetteer / "hflabs_city.csv"), "--region-code", "38"]  # fmt: skip
    assert runner.invoke(app, args).exit_code == 0
    text = "Свалка в начале д. Кашара, местная администрация бездействует"
    before = runner.invoke(app, ["geo", "resolve", text, "--json"])
    assert json.loads(before.stdout.strip().splitlines()[-1])["municipality"] is None

    loaded = runner.invoke(app, ["geo", "import", "--settlements", str(villages),
                                 "--region-code", "38"])  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    assert "settlements: 5, already known: 0, skipped" in loaded.output

    after = runner.invoke(app, ["geo", "resolve", text, "--json"])
    payload = json.loads(after.stdout.strip().splitlines()[-1])
    assert payload["municipality"] == "Конышевский муниципальный район"
    missing = runner.invoke(app, ["geo", "import", "--settlements", str(villages)])
    assert missing.exit_code == 2 and "--region-code" in missing.output
