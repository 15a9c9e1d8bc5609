"""Street or yard: which side of the roads / amenities border a text's own place nouns name.

The labelling rubric (benchmarks/labels/README_labels_b.md, "Category boundaries used") puts
snow, ice, potholes and cleaning on named streets, their sidewalks, carriageways and crossings
in `roads`, and the same problems in yards, drives inside blocks, by entrances, on
playgrounds, in squares and parks in `amenities`. Residents rarely say which rubric they mean,
but they do name the place: a text that names only street-type places is on the roads side,
one that names only yard-type places (or a house: «у дома») on the amenities side; one that
names both, or neither, is left to the models. A street named with a house number («пр. Науки
15», «Композиторов 29 к3») is where a house is, and the rubric puts house-side paths with the
yards: such a text is not read as the street side either (`street_or_yard`). An embankment
(«набережная») is in neither list: the taxonomy has it among public spaces (amenities),
residents write it as a street's name.
"""

from collections.abc import Sequence

import numpy as np

from nlp.address import MAX_ADDRESS_CHARS, Address, AddressParser

STREET = "street"
YARD = "yard"
# Lemmas as nlp.features.prepare yields them (abbreviations «ул.», «пр.», «пер.» lose the dot;
# «проезжая часть» is lemmatised as the verb «проезжать»).
STREET_LEMMAS = frozenset({
    "улица", "ул", "проспект", "пр", "переулок", "пер", "шоссе", "магистраль",
    "проезжать", "тротуар", "дорога", "перекресток", "переход", "мост", "светофор",
    "остановка", "трасса",
})  # fmt: skip
YARD_LEMMAS = frozenset({
    "двор", "дворовый", "внутридворовый", "придомовый", "придомовой", "внутриквартальный",
    "подъезд", "парадная", "парадный", "площадка", "дорожка", "сквер", "парк", "газон",
    "парка",  # «в парке», as the lemmatiser reads it
    "дом",  # «у дома», «между домами»: the rubric's house-side paths
})  # fmt: skip
ROADS, AMENITIES = "roads", "amenities"
# The share of the other side's probability that stays with it when the text names one side
# only (the rest moves to the named side); chosen in benchmarks/social_categories.py
# (BENCHMARKS.md, "Street or yard").
PLACE_KEEP = 0.5


def place_side(lemmas: str) -> str | None:
    """`STREET` or `YARD` when the lemmas name places of that side only, else None."""
    words = set(lemmas.split())
    street, yard = bool(words & STREET_LEMMAS), bool(words & YARD_LEMMAS)
    if street == yard:
        return None
    return STREET if street else YARD


def street_or_yard(
    lemmas: str, text: str, addresses: AddressParser, found: Sequence[Address] | None = None
) -> str | None:
    """`place_side`, except that a street side with a house number in the text is none.
    `found`: the text's addresses when already parsed (`addresses.parse` of its first
    `MAX_ADDRESS_CHARS`); else the text is parsed here, only when its side is the street's."""
    side = place_side(lemmas)
    if side != STREET:
        return side
    if found is None:
        found = addresses.parse(text[:MAX_ADDRESS_CHARS])
    return None if any(a.house for a in found) else side


def with_place_sides(
    probs: np.ndarray,
    classes: Sequence[str],
    sides: Sequence[str | None],
    keep: float = PLACE_KEEP,
) -> np.ndarray:
    """Category probabilities (rows: texts, columns: `classes`) with the roads / amenities
    pair's mass moved towards the side each text names: the other side keeps `keep` of its
    probability. Only rows whose most probable category is one of the two: the side decides
    between them, not whether the text is about either (a bus route «на проспекте» stays
    transport). Other rows, and models without both categories, stay as they are."""
    known = list(classes)
    if ROADS not in known or AMENITIES not in known:
        return probs
    out = np.array(probs, dtype=np.float64, copy=True)
    road, yard = known.index(ROADS), known.index(AMENITIES)
    for row, side in enumerate(sides):
        if side is None or int(np.argmax(out[row])) not in (road, yard):
            continue
        named, other = (road, yard) if side == STREET else (yard, road)
        moved = out[row, other] * (1 - keep)
        out[row, other] -= moved
        out[row, named] += moved
    return out
