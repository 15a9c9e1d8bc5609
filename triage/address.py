"""Places compared: the annotation's normalised address keys (`nlp.address`), and the
street addresses taken out of a text before its words are compared.

A key is «street lemmas house» («коммунистический 44») or the street alone; a post or an
incident may hold several, "; "-joined. The municipality is compared beside it (grouping
only looks at incidents of the post's municipality), so the full key is (municipality,
street, house).
"""

import re

_STREET_TYPE = (
    r"(?:ул\.?|улиц[аеуы]|пр-т|пр\.|проспект[аеу]?|пер\.|переул(?:ок|ке|ка)|бульвар[аеу]?|"
    r"б-р|шоссе|наб\.|набережн(?:ая|ой|ую)|пл\.|площад[ьи]|тракт[аеу]?|микрорайон[аеу]?|мкр\.?)"
)
_NAME = r"(?:[А-ЯЁ0-9][\w-]*\.?)(?:\s+[А-ЯЁ][\w-]*)?"
_HOUSE = r"(?:,?\s*(?:д\.|дом[аеу]?)?\s*(\d+[а-яА-Я]?)(?![\w.]))?"
ADDRESS = re.compile(rf"\b{_STREET_TYPE}\s+({_NAME}){_HOUSE}")
_HOUSE_ONLY = re.compile(r"\b(?:д\.|дом[аеу]?)\s*\d+[а-я]?\b|\b\d+-?(?:й|го|м)?\s+дом(?:а|е|у)?\b")


def strip_addresses(text: str) -> str:
    """The text without its street addresses: what is left says what the problem is."""
    return _HOUSE_ONLY.sub(" ", ADDRESS.sub(" ", text))


def keys(value: str | None) -> list[str]:
    return [key for key in (value or "").split("; ") if key]


def same_place(left: str | None, right: str | None) -> bool | None:
    """True when an address of one side is the other's (a house missing on a side still
    matches its street); False when both name addresses and none match — when both name a
    building, only the same building matches; None when either names none."""
    left_keys, right_keys = keys(left), keys(right)
    if not left_keys or not right_keys:
        return None
    left_houses, right_houses = (
        [k for k in left_keys if _house(k)],
        [k for k in right_keys if _house(k)],
    )
    if left_houses and right_houses:
        # both sides name a building: the buildings decide, not a street named in passing
        # («…Маяковского, 1/96; ресторан на Невском» is not «Невский, 102»)
        return bool(set(left_houses) & set(right_houses))
    return any(_compatible(a, b) for a in left_keys for b in right_keys)


def streets(value: str | None) -> set[str]:
    """The streets an address value names, without their houses («юбилейный 25» -> «юбилейный»)."""
    return {_split(key)[0] for key in keys(value)}


def same_address(left: str | None, right: str | None) -> str | None:
    """The street-and-house key both sides share («коммунистический 44»), or None."""
    shared = set(keys(left)) & set(keys(right))
    with_house = sorted(key for key in shared if _house(key))
    return with_house[0] if with_house else None


def _compatible(left: str, right: str) -> bool:
    left_street, left_house = _split(left)
    right_street, right_house = _split(right)
    if left_street != right_street:
        return False
    return not (left_house and right_house and left_house != right_house)


def _split(key: str) -> tuple[str, str | None]:
    """«карла маркс 12а» -> («карла маркс», «12а»); a street alone has no house."""
    head, _, last = key.rpartition(" ")
    if head and last[:1].isdigit():
        return head, last
    return key, None


def _house(key: str) -> str | None:
    return _split(key)[1]
