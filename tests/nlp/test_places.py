"""Street or yard: the side of the roads / amenities border a text's place nouns name."""

import numpy as np
import pytest
import scipy.sparse as sp

from nlp.address import AddressParser
from nlp.features import prepare
from nlp.lemmas import Lemmatizer
from nlp.places import HOUSE, STREET, TRADE, YARD, place_side, street_or_yard, with_place_sides
from nlp.social import SocialCategoryModel


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Кузнечный переулок завален снегом, не пройти к остановке", STREET),
        ("На ул. Некрасова и Восстания ледяные наросты", STREET),
        ("Тротуары Лиговского проспекта во льду", STREET),
        ("Во дворе не чистят снег, у парадной сугроб", YARD),
        ("Придомовая территория вся во льду", YARD),
        ("Детская площадка засыпана снегом", YARD),
        ("Снег у дома 13 по ул. Чудновского не чистят", None),  # a house: by the rubric, yard
        ("Дворы по улицам Достоевского и Правды не убраны", None),  # both sides named
        ("Гололёд, опасно", None),  # no place at all
        ("Во дворе на крыше висят сосульки", HOUSE),  # a house's part: wherever it stands
        ("Фасад дома на улице Марата весь в надписях", HOUSE),
        ("На улице Марата все стены исписаны граффити", HOUSE),  # marks on a house's walls
        ("Во дворе расклеили наклейки с рекламой", HOUSE),
        ("Незаконная реклама на тротуаре у перекрёстка", STREET),  # a structure, not a mark
        ("На перекрёстке у метро опять поставили ларёк", TRADE),  # street trading
        ("Во дворе торгуют с рук прямо у подъезда", TRADE),
        ("У магазина на углу улицы не убран снег", STREET),  # a shop is a place, not trading
    ],
)
def test_place_side(text: str, side: str | None, lemmatizer: Lemmatizer) -> None:
    [(lemmas, _)] = prepare([text], lemmatizer)
    assert place_side(lemmas) == side


def test_marks_on_walls_can_be_left_unread(lemmatizer: Lemmatizer) -> None:
    [(lemmas, _)] = prepare(["Улица Восстания вся заклеена объявлениями"], lemmatizer)
    assert place_side(lemmas) == HOUSE
    assert place_side(lemmas, marks=False) == STREET
    assert place_side(lemmas, house=False) == STREET
    [(lemmas, _)] = prepare(["На тротуаре улицы Марата стоит киоск"], lemmatizer)
    assert place_side(lemmas) == TRADE
    assert place_side(lemmas, trade=False) == STREET


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Улица Седова не убирается всю зиму", STREET),
        ("Уберите лёд и снег от пр. Науки 15, всю зиму ни одной уборки", None),  # a house
        ("На Композиторов 29 корпус 3 не убирается дорога", None),
        ("Во дворе лёд", YARD),
    ],
)
def test_a_street_with_a_house_number_is_not_the_street_side(
    text: str, side: str | None, lemmatizer: Lemmatizer
) -> None:
    [(lemmas, _)] = prepare([text], lemmatizer)
    assert street_or_yard(lemmas, text, AddressParser(lemmatizer)) == side


def test_addresses_already_parsed_are_used_as_they_are(lemmatizer: Lemmatizer) -> None:
    text = "Уберите лёд и снег от пр. Науки 15, всю зиму ни одной уборки"
    [(lemmas, _)] = prepare([text], lemmatizer)
    parser = AddressParser(lemmatizer)
    found = parser.parse(text)
    assert any(a.house for a in found)
    assert street_or_yard(lemmas, text, parser, found) is None
    # the given list is what is read: none with a house, the street side stands
    assert street_or_yard(lemmas, text, parser, []) == STREET


CLASSES = ["amenities", "housing", "roads"]
PROBS = np.array([[0.6, 0.1, 0.3], [0.2, 0.2, 0.6], [0.5, 0.2, 0.3], [0.3, 0.5, 0.2]])


def test_a_named_side_takes_the_pairs_mass_and_nothing_else_moves() -> None:
    moved = with_place_sides(PROBS, CLASSES, [STREET, YARD, None, STREET], keep=0.25)
    assert np.allclose(moved.sum(axis=1), 1)
    assert np.allclose(moved[:, 1], PROBS[:, 1])  # housing untouched
    assert np.allclose(moved[0], [0.15, 0.1, 0.75])  # street: amenities keeps a quarter
    assert np.allclose(moved[1], [0.65, 0.2, 0.15])  # yard: roads keeps a quarter
    assert np.allclose(moved[2], PROBS[2])  # no side: as it was
    # housing first: the side does not decide whether the text is about a street or a yard
    assert np.allclose(moved[3], PROBS[3])
    assert np.allclose(with_place_sides(PROBS, CLASSES, [STREET] * 4, keep=1.0), PROBS)


def test_the_house_side_gives_housing_a_share_of_the_pair() -> None:
    moved = with_place_sides(PROBS, CLASSES, [HOUSE, HOUSE, None, HOUSE], keep=0.5)
    assert np.allclose(moved.sum(axis=1), 1)
    assert np.allclose(moved[0], [0.3, 0.55, 0.15])  # amenities on top: housing takes half
    assert np.allclose(moved[1], [0.1, 0.6, 0.3])
    assert np.allclose(moved[3], PROBS[3])  # housing already on top: nothing moves
    # a model without housing: the pair stays as it was
    assert np.allclose(with_place_sides(PROBS[:, [0, 2]], ["amenities", "roads"], [HOUSE] * 4),
                       PROBS[:, [0, 2]])  # fmt: skip


def test_trades_side_gives_trade_a_share_of_the_pair() -> None:
    classes = ["amenities", "roads", "trade"]
    probs = np.array([[0.5, 0.3, 0.2], [0.2, 0.2, 0.6]])
    moved = with_place_sides(probs, classes, [TRADE, TRADE], keep=0.5)
    assert np.allclose(moved[0], [0.25, 0.15, 0.6])  # amenities on top: trade takes half
    assert moved[0].argmax() == classes.index("trade")
    assert np.allclose(moved[1], probs[1])  # trade already on top: nothing moves
    # a model without trade: the pair stays as it was
    assert np.allclose(with_place_sides(probs, ["amenities", "roads", "waste"], [TRADE] * 2),
                       probs)  # fmt: skip


def test_a_model_without_both_categories_is_left_alone() -> None:
    probs = np.array([[0.7, 0.3]])
    assert np.allclose(with_place_sides(probs, ["amenities", "waste"], [STREET]), probs)


def test_the_category_model_applies_the_sides_it_is_given() -> None:
    weights = np.array([[2.0, 0.0, 1.0]], dtype=np.float16)
    model = SocialCategoryModel(np.array(CLASSES), np.array([0], dtype=np.int32), weights,
                                np.zeros(3))  # fmt: skip
    rows = sp.csr_matrix(np.array([[1.0], [1.0]]))
    plain = model.probabilities(rows)
    sided = model.probabilities(rows, [STREET, None])
    assert plain[0].argmax() == CLASSES.index("amenities")
    assert sided[0].argmax() == CLASSES.index("roads")
    assert np.allclose(sided[1], plain[1])
