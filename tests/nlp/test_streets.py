"""A street list: a street known in one municipality only names that municipality."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, SQLModel, create_engine

from nlp.address import AddressParser
from nlp.gazetteer import Gazetteer
from nlp.geo_import import GazetteerImportError, import_streets
from nlp.lemmas import Lemmatizer
from nlp.resolver import MunicipalityResolver
from nlp.seed import seed_reference_data
from otklik.paths import DATA_DIR

STREETS = """municipality,street
Краснокамский городской округ,улица Шоссейная
Краснокамский городской округ,улица Ленина
Пермский городской округ,улица Ленина
Пермский городской округ,Комсомольский проспект
"""


@pytest.fixture
def streets_session(tmp_path: Path, lemmatizer: Lemmatizer) -> Iterator[Session]:
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    path = tmp_path / "streets.csv"
    path.write_text(STREETS, encoding="utf-8")
    with Session(engine, expire_on_commit=False) as session:
        seed_reference_data(session, data_dir=DATA_DIR, region_code="57")
        parser = AddressParser(lemmatizer)
        assert import_streets(session, path=path, region_code="57", parser=parser) == 4
        assert import_streets(session, path=path, region_code="57", parser=parser) == 0
        yield session
    engine.dispose()


@pytest.mark.parametrize(
    ("text", "municipality", "method"),
    [
        ("Шоссейная 5 — третий день нет воды", "Краснокамский городской округ", "street"),
        ("на Комсомольском проспекте 20 яма", "Пермский городской округ", "street"),
        ("ул. Ленина 5 — нет воды", None, "unknown"),  # in two municipalities: no evidence
        ("в Перми на Шоссейной 5 нет воды", "Пермский городской округ", "gazetteer"),
    ],
)
def test_a_street_known_in_one_municipality_names_it(
    streets_session: Session, lemmatizer: Lemmatizer, text: str, municipality: str | None,
    method: str,
) -> None:  # fmt: skip
    gazetteer = Gazetteer.from_session(streets_session, lemmatizer=lemmatizer)
    found = MunicipalityResolver(gazetteer).resolve(text)
    assert (found.municipality_name, found.method) == (municipality, method)


def test_a_street_list_naming_an_unknown_municipality_is_refused(
    tmp_path: Path, lemmatizer: Lemmatizer
) -> None:
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    path = tmp_path / "streets.csv"
    path.write_text("municipality,street\nГотэм,улица Ленина\n", encoding="utf-8")
    with Session(engine) as session, pytest.raises(GazetteerImportError, match="Готэм"):
        import_streets(session, path=path, region_code="57", parser=AddressParser(lemmatizer))
