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
residents write it as a street's name. A text that names a part of a house (a roof, icicles,
a facade, a drainpipe) is on the house's side: the rubric puts those in `housing` wherever
the house stands, so when roads or amenities is on top, both give housing part of their
mass (`with_place_sides`). So does a text that names marks made on a wall (graffiti,
inscriptions, stickers, pasted adverts): the rubric puts them on apartment-block walls and
drainpipes in `housing` too, free-standing advertising structures in `amenities`. A text
that names street trading (a kiosk, a fair, «торгуют») is on trade's side: the rubric puts
illegal street trading in `trade` wherever it stands.
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
# The house's own parts: the rubric puts roofs (icicles, snow falling from them), facades and
# drainpipes of apartment blocks in `housing`, wherever the text says the house stands
# («во дворе», «на улице»). On the training signals of the other files (not the SPb comments)
# these lemmas go with housing on 7 of 9 texts.
HOUSE = "house"
HOUSE_LEMMAS = frozenset({
    "крыша", "кровля", "сосулька", "чердак", "фасад", "водосточный", "водосток",
})  # fmt: skip
# Marks made on a house's walls: the rubric puts graffiti and stickers (brothel and drug
# adverts among them) on apartment-block walls and drainpipes in `housing` (the taxonomy's
# topic on unauthorised inscriptions and adverts on facades), wherever the house stands
# («на улицах Восстания и Некрасова всё заклеено»). Words of the marks, not of advertising
# in general: «реклама» and «объявление» also name free-standing structures (`amenities`).
# Session cat3 (BENCHMARKS.md, "Category on real signals").
MARK_LEMMAS = frozenset({
    "граффити", "графити", "надпись", "расклейка", "расклеить", "наклейка", "наклеить",
    "заклеить", "стикер", "исписать", "разрисовать", "изрисовать",
})  # fmt: skip
# Street trading: the rubric puts illegal street trading (kiosks, fairs, stalls) in `trade`,
# wherever it stands («ларёк на перекрёстке», «торгуют на тротуаре»); on the training signals
# of the other files the texts with these lemmas are trade on 3 of 3. A text naming it is on
# trade's side (`TRADE`), as one naming a house's part is on the house's. «Магазин» and
# «торговый» (a shop, a shopping centre) are places, not trading. Session cat3.
TRADE = "trade"
TRADE_LEMMAS = frozenset({
    "ларек", "ларёк", "киоск", "ярмарка", "лоток", "торговать", "торговля", "торговец",
    "контрафакт",
})  # fmt: skip
ROADS, AMENITIES, HOUSING = "roads", "amenities", "housing"
# the sides that take the roads / amenities pair's mass to a category of their own
SIDE_CATEGORY = {HOUSE: HOUSING, TRADE: TRADE}
# The share of the other side's probability that stays with it when the text names one side
# only (the rest moves to the named side); chosen in benchmarks/social_categories.py
# (BENCHMARKS.md, "Street or yard").
PLACE_KEEP = 0.5


def place_side(
    lemmas: str, house: bool = True, marks: bool = True, trade: bool = True
) -> str | None:
    """`HOUSE` when the lemmas name a part of a house or marks on its walls; else `TRADE`
    when they name street trading; else `STREET` or `YARD` when they name places of that
    side only; else None. `house=False`: the house's side not read (the build before
    session 22, for benchmarks); `marks=False`, `trade=False`: the marks (`MARK_LEMMAS`),
    the trading (`TRADE_LEMMAS`) not read (the build before session cat3)."""
    words = set(lemmas.split())
    if house and words & (HOUSE_LEMMAS | MARK_LEMMAS if marks else HOUSE_LEMMAS):
        return HOUSE
    if trade and words & TRADE_LEMMAS:
        return TRADE
    street, yard = bool(words & STREET_LEMMAS), bool(words & YARD_LEMMAS)
    if street == yard:
        return None
    return STREET if street else YARD


def street_or_yard(
    lemmas: str,
    text: str,
    addresses: AddressParser,
    found: Sequence[Address] | None = None,
    house: bool = True,
    marks: bool = True,
    trade: bool = True,
) -> str | None:
    """`place_side`, except that a street side with a house number in the text is none.
    `found`: the text's addresses when already parsed (`addresses.parse` of its first
    `MAX_ADDRESS_CHARS`); else the text is parsed here, only when its side is the street's."""
    side = place_side(lemmas, house, marks, trade)
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
    probability; on the house's side (`HOUSE`) both keep `keep` and the rest goes to
    housing, on trade's (`TRADE`) to trade (`SIDE_CATEGORY`, when the model has it). Only
    rows whose most probable category is one of the two: the side decides between them (or
    for the house, or trade), not whether the text is about either (a bus route «на
    проспекте» stays transport). Other rows, and models without both categories, stay as
    they are."""
    known = list(classes)
    if ROADS not in known or AMENITIES not in known:
        return probs
    out = np.array(probs, dtype=np.float64, copy=True)
    road, yard = known.index(ROADS), known.index(AMENITIES)
    for row, side in enumerate(sides):
        if side is None or int(np.argmax(out[row])) not in (road, yard):
            continue
        if side in SIDE_CATEGORY:
            if SIDE_CATEGORY[side] in known:  # both of the pair give it their share
                moved = out[row, [road, yard]] * (1 - keep)
                out[row, [road, yard]] -= moved
                out[row, known.index(SIDE_CATEGORY[side])] += moved.sum()
            continue
        named, other = (road, yard) if side == STREET else (yard, road)
        moved = out[row, other] * (1 - keep)
        out[row, other] -= moved
        out[row, named] += moved
    return out
