"""Villages known only through their поселение, shared names, routes and comparisons.

The gazetteer here is a small one written for the test (ОКТМО-style поселения of a few Kursk
districts, public facts): the rules are about how a text names a place, not about one region.
"""

from collections.abc import Iterator

import pytest
from sqlmodel import Session, SQLModel, create_engine

from models.geo import Municipality, Settlement
from nlp.gazetteer import Gazetteer, place_root
from nlp.lemmas import Lemmatizer
from nlp.resolver import MunicipalityResolver

DISTRICTS = {
    "город Курск (городской округ)": ("Курск", []),
    "город Льгов (городской округ)": ("Льгов", []),
    "Курский муниципальный район": (None, ["Рышковский", "Полевской", "Ворошневский"]),
    "Железногорский муниципальный район": (None, ["Рышковский", "Волковский"]),
    "Льговский муниципальный район": (None, ["Иванчиковский", "Марицкий"]),
    "Обоянский муниципальный район": (None, ["Быкановский"]),
}


@pytest.fixture(scope="module")
def kursk(lemmatizer: Lemmatizer) -> Iterator[MunicipalityResolver]:
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        for name, (town, councils) in DISTRICTS.items():
            municipality = Municipality(region_code="38", name=name, center=town)
            session.add(municipality)
            session.flush()
            mid = municipality.id or 0
            if town:
                session.add(Settlement(municipality_id=mid, name=town, kind="город"))
            for council in councils:
                session.add(Settlement(municipality_id=mid, name=council, kind="сельсовет"))
        session.commit()
        yield MunicipalityResolver(Gazetteer.from_session(session, lemmatizer=lemmatizer))
    engine.dispose()


@pytest.mark.parametrize(
    ("text", "expected", "why"),
    [
        # a village named without a type word, after a preposition, by its поселение's stem
        ("Я приезжаю к бабушке в Иванчиково, а там свалка", "Льговский", "settlement"),
        # «Полевом» has the root of «Полевской», but it is a dictionary word (a field's)
        ("Нет освещения в Верхнем Полевом", None, "no place named"),
        ("на дороге в Верхнем Гуторово нет фонарей, у Ворошнево тоже", "Курский", "settlement"),
        # …also when the only town named is a reference (the trip's origin)
        ("Я приезжаю из Курска к бабушке в Иванчиково: свалка", "Льговский", "settlement"),
        # «Полевской» is the adjective of «Полевая»: the «-ской» form meets the village
        ("На всем участке дороги в деревне Полевая нет освещения", "Курский", "settlement"),
        # a name two districts share is no answer, and says so
        ("рышковский сельсовет должен обслуживать этот участок", None, "a name shared"),
        ("в с.Рышково нет дороги", None, "no place named"),
        # …unless another place of the text picks one of them
        (
            "Курский район, рышковский сельсовет не чистит снег, у Ворошнево тоже",
            "Курский",
            "gazetteer",
        ),
        # a village the gazetteer lacks, named with its district in any case form
        ("жители с. Рудавец Обоянского района остались без воды", "Обоянский", "gazetteer"),
        ("В Обоянском районе, в селе Рудавец нет воды", "Обоянский", "gazetteer"),
        ("прошу помочь жителям деревни Кашары Курского района", "Курский", "gazetteer"),
        ("в д. Кашара Курского р-на нет света, жители ездят в Курск", "Курский", "gazetteer"),
        # …and the district picks which of two shared village stems is meant
        ("в с.Рышково Курского района нет дороги", "Курский", "gazetteer"),
        # a village in lower case after its type word, or after «сл.» / «слобода»
        ("в с.ворошнево нет дороги", "Курский", "settlement"),
        ("в слободе Быканово нет воды", "Обоянский", "settlement"),
        ("в деревне полевая нет света", None, "no place named"),  # a common word
        ("Письмо составлено с. уважением, ответа нет", None, "no place named"),
        # a district's power network is the district's
        ("начальник Льговского РЭС не реагирует, сидим без света", "Льговский", "gazetteer"),
        # a comparison names no place
        ("Перекрасить автобусы в туже цветовую гамму что и в Курске", None, "named only"),
        ("дороги у нас хуже, чем в Курске", None, "named only"),
        # a route whose ends both lie in one town is a problem in that town
        ("автобус Льгов — Льгов опять не пришёл", "город Льгов", "a route inside"),
        ("автобус Курск — Льгов опять не пришёл", None, "named only"),
        # …also when the other end is a numbered part of the town (a station)
        ("поставьте на маршрут Льгов (АС)-Льгов-1 автобус побольше", "город Льгов", "a route"),
        ("поставьте на маршрут Льгов (АС)-Курск-1 автобус побольше", None, "named only"),
        # a route from a town to a village is the town's district's: the village's stem is
        # unknown, or one of that district's поселения (which also picks a shared stem)
        ("автобус Курск — Рышково ходит раз в день", "Курский", "settlement"),
        ("дорога от Курска до Рышково разбита", "Курский", "settlement"),
        ("маршрут Льгов-Будановка отменили, люди ходят пешком", "Льговский", "settlement"),
        # …not when the village is another district's, or a town of another region
        ("автобус Льгов — Волково не ходит", None, "named only"),
        ("маршрут Курск-Москва отменили", None, "no place named"),
        ("автобус Курск — Северный не ходит", None, "named only"),
    ],
)
def test_village_and_reference_rules(
    kursk: MunicipalityResolver, text: str, expected: str | None, why: str
) -> None:
    found = kursk.resolve(text)
    if expected is None:
        assert found.municipality_id is None
    else:
        assert found.municipality_name is not None
        assert found.municipality_name.startswith(expected)
    assert found.why is not None and found.why.startswith(why), found.why


def test_an_uncued_village_is_weaker_evidence(kursk: MunicipalityResolver) -> None:
    found = kursk.resolve("в Волково нет воды")
    assert found.municipality_name == "Железногорский муниципальный район"
    assert 0.5 < found.confidence < 0.85  # weaker than a village named with «с.» or «деревня»


@pytest.mark.parametrize(
    ("one", "other"),
    [("Полевской", "Полевая"), ("Рышковский", "Рышково"), ("Иванчиковский", "Иванчиково")],
)
def test_a_councils_adjective_and_its_village_share_a_root(one: str, other: str) -> None:
    assert place_root(one) == place_root(other)
