"""A city of federal significance: the ОКТМО list names its formations by type and own name
(«муниципальный округ Митино», «поселок Шушары»), and residents write the own name. Read with
the real ОКТМО list of Москва (45) and Санкт-Петербург (40), imported as `otklik geo import`
does."""

import gzip
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import Session, SQLModel, create_engine

from nlp.address import AddressParser
from nlp.gazetteer import Gazetteer, formation_own_name
from nlp.geo_import import import_region
from nlp.lemmas import Lemmatizer
from nlp.resolver import MunicipalityResolver


def _region(shared_data: Path, lemmatizer: Lemmatizer, code: str) -> Iterator[Gazetteer]:
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        import_region(
            session,
            oktmo_path=shared_data / "gazetteer" / "oktmo_municipal_formations_2019.json",
            cities_path=shared_data / "gazetteer" / "hflabs_city.csv",
            region_code=code,
        )
        yield Gazetteer.from_session(session, lemmatizer=lemmatizer)
    engine.dispose()


@pytest.fixture(scope="module")
def moscow(shared_data: Path, lemmatizer: Lemmatizer) -> Iterator[Gazetteer]:
    yield from _region(shared_data, lemmatizer, "45")


@pytest.fixture(scope="module")
def petersburg(shared_data: Path, lemmatizer: Lemmatizer) -> Iterator[Gazetteer]:
    yield from _region(shared_data, lemmatizer, "40")


@pytest.mark.parametrize(
    ("name", "own"),
    [
        ("муниципальный округ Митино", "Митино"),
        ("муниципальный округ Восточное Измайлово", "Восточное Измайлово"),
        ("муниципальный округ округ Морской", "Морской"),
        ("поселок Лисий Нос", "Лисий Нос"),
        ("поселение «Мосрентген»", "Мосрентген"),
        ("муниципальное образование Савелки", "Савелки"),
        ("муниципальный округ № 7", None),  # a number is no name
        ("муниципальный округ Проспект Вернадского", None),  # an avenue across several okrugs
        ("Чусовской городской округ", None),
        ("город Колпино", None),  # a town: its centre is already its name
    ],
)
def test_formation_own_name(name: str, own: str | None) -> None:
    assert formation_own_name(name) == own


# (region fixture, text, the municipality or None); None where the words name no place
MOSCOW = "moscow"
PETERSBURG = "petersburg"
CASES = [
    (MOSCOW, "В Митино выпал первый снег", "муниципальный округ Митино"),
    (MOSCOW, "во дворе в Митине не убирают снег", "муниципальный округ Митино"),
    (
        MOSCOW,
        "В Северном Бутово пенсионерка застряла в лифте",
        "муниципальный округ Северное Бутово",
    ),
    (MOSCOW, "💡В Останкинском районе нет электричества", "муниципальный округ Останкинский"),
    (MOSCOW, "в Печатниках прорвало трубу", "муниципальный округ Печатники"),
    (MOSCOW, "Москва, Печатники, ул. Гурьянова 4 — яма", "муниципальный округ Печатники"),
    (MOSCOW, "Сосенское поселение: не вывозят мусор", "поселение Сосенское"),
    (MOSCOW, "V Mitino net sveta", "муниципальный округ Митино"),  # transliterated
    (MOSCOW, "на Тверской улице яма", None),  # a street, not the okrug Тверской
    (MOSCOW, "на Тверской опять пробка", None),
    (MOSCOW, "По адресу Союза Печатников 3 не горит свет", None),  # common words: after «в»…
    (MOSCOW, "печатники из типографии жалуются", None),
    (MOSCOW, "улица Митина, 5 — прорвало трубу", None),  # a surname's form, not «Митино»
    (MOSCOW, "Аэропорт закрыт на прилёт", None),
    (MOSCOW, "в Восточном округе Москвы отключили воду", None),  # the administrative okrug
    (PETERSBURG, "п. Шушары, ул. Школьная 8 — мусор", "поселок Шушары"),
    (PETERSBURG, "Шушары, на выезде неисправен светофор", "поселок Шушары"),
    (PETERSBURG, "Прошу настроить освещение улиц в Горелово", "муниципальный округ Горелово"),
    (PETERSBURG, "МО Рыбацкое убирают снег во дворах плохо", "муниципальный округ Рыбацкое"),
    (PETERSBURG, "в школе 475 в п. Парголово мало мест", "поселок Парголово"),
    (PETERSBURG, "огромное количество комаров в парадной №2", None),  # not «Комарово»
    (PETERSBURG, "обрезка кустов у дома по улице Смолячкова 14", None),  # a person's street
    (PETERSBURG, "в лифте 5 секции ЖК Полюстрово парк сломан поручень", None),  # an estate
    (PETERSBURG, "у входа со стороны улицы Академика Павлова рассыпан песок", None),  # Павловск
    (PETERSBURG, "Звёздная улица, дом 5: протекает крыша", None),
]


@pytest.mark.parametrize(("region", "text", "expected"), CASES)
def test_formations_by_their_own_names(
    request: pytest.FixtureRequest, region: str, text: str, expected: str | None
) -> None:
    places: Gazetteer = request.getfixturevalue(region)
    found = MunicipalityResolver(places).resolve(text)
    assert found.municipality_name == expected, found.why


def test_two_okrugs_are_no_answer(moscow: Gazetteer) -> None:
    found = MunicipalityResolver(moscow).resolve("в Митино и в Марьино нет света")
    assert found.municipality_name is None
    assert found.why == (
        "several places named: муниципальный округ Марьино, муниципальный округ Митино"
    )


def test_an_okrugs_name_leaves_its_streets_alone(moscow: Gazetteer, lemmatizer: Lemmatizer) -> None:
    """«ул. Арбат, 10» is a street of the okrug Арбат: its address key stays."""
    parser = AddressParser(lemmatizer, is_place=moscow.names_place)
    assert parser.keys("ул. Арбат, 10 — не убран снег") == ["арбат 10"]


# Real appeals of «Наш Санкт-Петербург» (data row of spb_train.csv.gz -> the portal's okrug)
REAL = {4748: "поселок Шушары", 21186: "муниципальный округ Горелово", 12664: None}


def test_real_petersburg_appeals(petersburg: Gazetteer, shared_data: Path) -> None:
    with gzip.open(shared_data / "appeals" / "spb_train.csv.gz", "rt", encoding="utf-8") as f:
        frame = pd.read_csv(f, dtype=str, usecols=["text", "municipality"])
    resolver = MunicipalityResolver(petersburg)
    for row, expected in REAL.items():
        assert resolver.resolve(frame["text"][row]).municipality_name == expected, row
    assert frame["municipality"][12664] == "муниципальный округ Аптекарский остров"
