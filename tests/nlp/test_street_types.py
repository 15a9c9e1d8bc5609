"""The street-type table and the parser agree: what the console writes is read back."""

import pytest

from dashboard.address_names import human_address
from nlp.address import AddressParser
from nlp.lemmas import Lemmatizer
from nlp.street_types import STREET_TYPES, StreetType


@pytest.fixture(scope="module")
def parser(lemmatizer: Lemmatizer) -> AddressParser:
    return AddressParser(lemmatizer)


@pytest.mark.parametrize(
    "street_type", [t for t in STREET_TYPES if t.before_name], ids=lambda t: t.word
)
def test_a_type_cued_before_a_name_is_read_back_in_its_abbreviation(
    parser: AddressParser, street_type: StreetType
) -> None:
    assert parser.keys(f"{street_type.abbreviation} Мира 3") == ["мир 3"]
    assert parser.keys(f"{street_type.word} Мира 3") == ["мир 3"]


@pytest.mark.parametrize("written", ["тупик Садовый, д. 3", "тер. Садовый, д. 3"])
def test_what_the_console_writes_before_a_name_is_read_back(
    parser: AddressParser, written: str
) -> None:
    assert parser.keys(written) == ["садовый 3"]


@pytest.mark.parametrize(
    "street_type", [t for t in STREET_TYPES if t.after_name], ids=lambda t: t.word
)
def test_a_type_cued_after_a_name_is_read_in_its_nominative(
    parser: AddressParser, street_type: StreetType
) -> None:
    assert parser.keys(f"яма: Сибирская {street_type.word} 3") == ["сибирский 3"]


@pytest.mark.parametrize(
    "street_type", [t for t in STREET_TYPES if t.after_name_abbreviated], ids=lambda t: t.word
)
def test_a_type_abbreviated_after_a_name_is_read_with_a_house(
    parser: AddressParser, street_type: StreetType
) -> None:
    assert parser.keys(f"яма: Сибирская {street_type.abbreviation}, д. 3") == ["сибирский 3"]
    assert parser.keys(f"яма у дома 3 по Сибирской {street_type.abbreviation}") == ["сибирский 3"]


@pytest.mark.parametrize("street_type", STREET_TYPES, ids=lambda t: t.word)
def test_the_console_writes_each_type_as_its_abbreviation(street_type: StreetType) -> None:
    shown = f"{street_type.abbreviation} Мира, д. 3"
    assert human_address("мир 3", f"{street_type.word} Мира 3") == shown
    assert human_address("мир 3", f"{street_type.abbreviation} Мира 3") == shown
