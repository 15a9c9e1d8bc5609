"""Street addresses in post texts: found, normalised, compared, and taken out of the text."""

import re

_STREET_TYPE = (
    r"(?:ул\.?|улиц[аеуы]|пр-т|пр\.|проспект[аеу]?|пер\.|переул(?:ок|ке|ка)|бульвар[аеу]?|"
    r"б-р|шоссе|наб\.|набережн(?:ая|ой|ую)|пл\.|площад[ьи]|тракт[аеу]?|микрорайон[аеу]?|мкр\.?)"
)
_NAME = r"(?:[А-ЯЁ0-9][\w-]*\.?)(?:\s+[А-ЯЁ][\w-]*)?"
_HOUSE = r"(?:,?\s*(?:д\.|дом[аеу]?)?\s*(\d+[а-яА-Я]?)(?![\w.]))?"
ADDRESS = re.compile(rf"\b{_STREET_TYPE}\s+({_NAME}){_HOUSE}")


def find_address(text: str) -> str | None:
    """The first address in the text, normalised ("ленин 5"), or None."""
    match = ADDRESS.search(text)
    if match is None:
        return None
    street = _stem(match.group(1))
    house = match.group(2)
    return f"{street} {house.lower()}" if house else street


def strip_addresses(text: str) -> str:
    return ADDRESS.sub(" ", text)


def same_place(left: str | None, right: str | None) -> bool | None:
    """True/False when both addresses are known; None when either is missing."""
    if left is None or right is None:
        return None
    left_street, _, left_house = left.partition(" ")
    right_street, _, right_house = right.partition(" ")
    if left_street != right_street:
        return False
    return not (left_house and right_house and left_house != right_house)


def _stem(name: str) -> str:
    word = name.lower().replace("ё", "е").split()[0].rstrip(".")
    return word[:5] if len(word) > 5 else word
