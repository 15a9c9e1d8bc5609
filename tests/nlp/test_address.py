import pytest

from nlp.address import AddressParser
from nlp.gazetteer import Gazetteer

FORMS = [
    # street then house, with and without cues and commas
    ("ул. Ленина, 15 прорвало трубу", ["ленин 15"]),
    ("Ленина 15 нет воды", ["ленин 15"]),
    ("на Ленина, 15 нет воды", ["ленин 15"]),
    ("на улице Ленина 15 яма", ["ленин 15"]),
    ("проспекте Ленина 15 не горят фонари", ["ленин 15"]),
    ("ул. Ленина, д. 15", ["ленин 15"]),
    # house then street
    ("дом 15 по улице Ленина без воды", ["ленин 15"]),
    # «в» after a space is the preposition, not the house's letter; an attached one is a letter
    ("В Чусовом на Мира, 12 в квартирах холодно", ["мир 12"]),
    ("ул. Радищева, д. 66 в здании ЗАГСа", ["радищев 66"]),
    ("Малыгина 5 в удручающем состоянии", ["малыгин 5"]),
    ("Малыгина 5в в удручающем состоянии", ["малыгин 5в"]),
    ("ул. Мира, 12 В", ["мир 12в"]),
    ("по адресу Заводская 15 а был перенесён ремонт", ["заводский 15а"]),
    ("возле д. 44 на ул. Мира", ["мир 44"]),
    ("44-й дом на улице Мира", ["мир 44"]),
    # a house with no street cue, the street named elsewhere in the sentence
    ("На Коммунистической в Перми у 44 дома яму так и не заделали", ["коммунистический 44"]),
    ("Пермь, улица Коммунистическая возле дома 44 огромная яма", ["коммунистический 44"]),
    ("на Сибирской улице 5 течёт крыша", ["сибирский 5"]),
    # abbreviations of street types
    ("пр-т Комсомольский 3", ["комсомольский 3"]),
    ("б-р Гагарина, д. 5/1", ["гагарин 5/1"]),
    ("ш. Космонавтов 111", ["космонавт 111"]),
    ("наб. Камы 7", ["кама 7"]),
    ("пер. Суворова, дом 3, корпус 2", ["суворов 3к2"]),
    ("пр. Мира 3 к1 стр 2 лит А", ["мир 3к1с2лита"]),
    ("ул. Карла Маркса 12а", ["карла маркс 12а"]),
    ("улица 25 Октября, 3", ["25 октябрь 3"]),
    # case forms of one street give one key
    ("на Советской улице 10", ["советский 10"]),
    ("ул. Советская, 10", ["советский 10"]),
    ("улицы Советской 10", ["советский 10"]),
    # St Petersburg's lines, alleys and «территория» (portal addresses)
    ("18-я линия В.О., дом 21, литера А", ["18 линия 21лита"]),
    ("Кадетская линия В.О., дом 3, корпус 2", ["кадетский линия 3к2"]),
    ("на 5-й линии у дома 7 грязно", ["5 линия 7"]),
    ("посёлок Шушары, территория Ленсоветовский, дом 25", ["ленсоветовский 25"]),
    ("аллея Поликарпова, дом 6, корпус 2", ["поликарпов 6к2"]),
    # a tract named as Perm writes it, before or after its name, in any case
    ("Казанский тракт, 12 — нет света", ["казанский 12"]),
    ("на Казанском тракте 5 яма", ["казанский 5"]),
    ("тракт Казанский, д. 5", ["казанский 5"]),
    # a dead end and a territory before their name, as the console writes them
    ("тупик Садовый, д. 3", ["садовый 3"]),
    ("Шушары, тер. Ленсоветовский, д. 2", ["ленсоветовский 2"]),
    # «переулку» (dative) before and after a name
    ("по переулку Суворова, д. 3", ["суворов 3"]),
    ("во дворе дома 22 по Дровяному переулку", ["дровяной 22"]),
    # an abbreviated type after its name, with a house or a punctuation mark next
    ("Ленина ул. 5", ["ленин 5"]),
    ("Мира пр. 10", ["мир 10"]),
    ("Невский пр., д. 136, лит. Б", ["невский 136литб"]),
    ("Красносельское ш., д 29", ["красносельский 29"]),
    ("дома 9к3 по Тихорецкому пр.", ["тихорецкий 9к3"]),
    ("г. Курск ул. Ленина, 5 и Невский пр., д. 136", ["ленин 5", "невский 136"]),
    # «аллеи» (genitive) before a name
    ("у аллеи Поликарпова, дом 6, корпус 2", ["поликарпов 6к2"]),
    # no address at all
    ("Вчера 5 человек ждали автобус", []),
    ("в 2023 году обещали дорогу", []),
    ("Пермь 15 градусов мороза, нет отопления", []),
    # a preposition or a pronoun before a street's type is no street's name
    ("На улице холодно, а отопления нет", []),
    ("На площади 3 фонаря не горят", []),
    ("Эта улица давно без света", []),
    ("На улице Ленина 5 яма", ["ленин 5"]),
]


@pytest.fixture(scope="module")
def parser(gazetteer: Gazetteer) -> AddressParser:
    return AddressParser(gazetteer.lemmatizer, is_place=gazetteer.names_place)


@pytest.mark.parametrize(("text", "keys"), FORMS)
def test_address_forms_give_one_key(parser: AddressParser, text: str, keys: list[str]) -> None:
    assert parser.keys(text) == keys


def test_two_addresses_in_one_post_are_two_places(parser: AddressParser) -> None:
    assert parser.keys("ул. Ленина 5 и ул. Мира 7: обе ямы") == ["ленин 5", "мир 7"]


@pytest.mark.parametrize("number", ["0", "15000"])
def test_an_impossible_house_number_is_dropped_with_its_reason(
    parser: AddressParser, number: str
) -> None:
    (address,) = parser.parse(f"ул. Ленина, {number} нет воды")
    assert address.key == "ленин"
    assert address.problem == f"impossible house number {number}"


def test_a_street_named_after_a_town_is_a_street(parser: AddressParser) -> None:
    (address,) = parser.parse("ул. Перми 4 прорвало трубу")
    assert address.key == "пермь 4"


def test_a_town_before_a_number_is_no_street(parser: AddressParser) -> None:
    assert parser.keys("Березники 5 дней без воды") == []


def test_transliterated_text_gives_no_address_and_no_error(parser: AddressParser) -> None:
    assert parser.parse("Vchera na ulitse Lenina 5 ne bylo vody") == []
