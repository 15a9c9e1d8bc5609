"""Lemmatised place-name patterns built from the gazetteer tables, matched against text."""

import difflib
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import func
from sqlmodel import Session, select

from models.geo import Municipality, Settlement, Street
from nlp.address import town_genitive
from nlp.lemmas import Lemmatizer, stem_key
from nlp.text import Token, words

# Words that turn an adjective into a municipality name: "Чусовской округ", "Пермский р-н".
# «Льговский РЭС» (район электрических сетей) is the district's own power network.
TYPE_WORDS = frozenset(
    {"район", "округ", "го", "мо", "городской", "муниципальный", "р-н", "р-на", "р-не", "мр",
     "рэс"}
)  # fmt: skip
STREET_CUES = frozenset(
    {"ул", "улица", "пр", "проспект", "пер", "переулок", "бульвар", "б-р", "шоссе", "наб",
     "набережная", "пл", "площадь", "тракт", "проезд"}
)  # fmt: skip
# A street's type noun after a one-word place name makes it a street's name: «на Александровской
# площади», «по Пермской улице» (lemmas; «ул.» as written).
STREET_NOUNS_AFTER = frozenset(
    {"ул", "улица", "площадь", "проспект", "переулок", "бульвар", "шоссе", "набережная", "тракт",
     "проезд"}
)  # fmt: skip
# «на Лермонтова», «по Чайковского»: a town's genitive after these is a street's name
STREET_PREPOSITIONS = frozenset({"на", "по"})
ADJECTIVE_ENDING = re.compile(r"(?:[ая]я|[оеы]й|ий|[ое]е|[ео]го|[ео]му|[ео]м|[ыи]м|[ую]ю|ой|ей)$")
# Words after an ОКТМО поселение's adjective: «Беличанский сельсовет», «Тюндюковское сельское
# поселение». Not «городской»/«округ», which would read «Березниковского городского округа»
# as the Бардымский район's «Березниковское» поселение.
SETTLEMENT_TYPE_WORDS = frozenset({"сельсовет", "поселение", "сельский", "с/с", "с/п", "поссовет"})
ADJECTIVE_SETTLEMENT_KINDS = frozenset({"сельсовет", "поселение"})
_TYPE_NAME_WORDS = TYPE_WORDS | {"город", "зато", "посёлок", "поселок", "село", "деревня"}
# A city of federal significance lists its formations by type and own name («муниципальный
# округ Митино», «поселок Шушары», «поселение Сосенское»); residents write the own name.
_FORMATION_TYPE = re.compile(
    r"^(?:муниципальн\w+\s+(?:округ|образование)|городской\s+округ|пос[её]лок|поселение)\s+"
    r"(?:округ\s+)?",
    re.I,
)
# What must stand before an own name that is also a common word: «в Печатниках», «п. Шушары»,
# «СПб, Металлострой».
OWN_NAME_CUES = frozenset(
    {"в", "во", "п", "пос", "поселок", "посёлок", "мо", "спб", "петербург", "москва"}
)
_DISTRICT_WORDS = frozenset({"район", "р-н", "р-на", "р-не"})
# What may stand before an own name in adjective form: «МО Рыбацкое», «п. Песочный».
_OWN_ADJECTIVE_CUES = {
    "муниципальный": frozenset({"мо", "муниципальный"}),
    "муниципальное": frozenset({"мо", "муниципальный"}),
    "поселок": frozenset({"п", "пос", "поселок", "посёлок"}),
}

# How much a match of each kind is worth (the resolver's confidence before adjustments).
KIND_SCORES = {
    "name": 0.95, "variant": 0.95, "center": 0.9, "own": 0.9, "settlement": 0.85, "adjective": 0.85
}  # fmt: skip


def gazetteer_stamp(session: Session) -> tuple[int, ...]:
    """What changes when places are added or removed (`otklik geo import`, a village learned
    or withdrawn): the row count and highest id of each gazetteer table. A loaded annotator
    compares it to know its gazetteer is stale. One round trip: it is asked before each batch."""
    figures = [
        select(figure(table.id)).scalar_subquery()  # type: ignore[arg-type]
        for table in (Municipality, Settlement, Street)
        for figure in (func.count, func.max)
    ]
    return tuple(value or 0 for value in session.exec(select(*figures)).one())


@dataclass(frozen=True, slots=True)
class Pattern:
    municipality_id: int
    kind: str  # name, variant, center, own (a formation's own name), settlement, adjective
    label: str  # the gazetteer spelling
    elements: tuple[frozenset[str], ...]  # acceptable lemmas per word
    needs_capital: bool  # the name is also a common word ("Оса", "Чайковский")
    exact: bool = False  # elements are word forms as written, not lemmas («Митино», «Митине»)
    cued: bool = False  # only after `OWN_NAME_CUES`: «в Печатниках», not «Союза Печатников»


@dataclass(frozen=True, slots=True)
class Match:
    pattern: Pattern
    start: int  # character offsets in the text
    stop: int
    span: str

    @property
    def score(self) -> float:
        return KIND_SCORES[self.pattern.kind]


@dataclass
class Place:
    municipality_id: int
    name: str
    kind: str
    latitude: float | None
    longitude: float | None


class Gazetteer:
    """Patterns indexed by the lemmas of their first word."""

    def __init__(self, lemmatizer: Lemmatizer, municipalities: dict[int, str]) -> None:
        self.lemmatizer = lemmatizer
        self.municipalities = municipalities  # id -> official name
        self._index: dict[str, list[Pattern]] = defaultdict(list)
        self.single_word_names: dict[str, Pattern] = {}
        self._names_by_length: dict[int, list[str]] = defaultdict(list)
        # Stem of a settlement's name or its поселение's adjective («~рышков» for «Рышковский
        # сельсовет»): what a village written after «с.», «д.», «деревня» is looked up by.
        self.settlement_roots: dict[str, set[int]] = defaultdict(set)
        self.streets: dict[str, set[int]] = defaultdict(set)  # street key -> municipalities
        # Posts repeat their capitalised words ("Здравствуйте", street names): cache the look-up.
        self.closest_name = lru_cache(maxsize=100_000)(self._closest_name)

    @classmethod
    def from_session(
        cls, session: Session, *, lemmatizer: Lemmatizer, region_code: str | None = None
    ) -> "Gazetteer":
        query = select(Municipality)
        if region_code:
            query = query.where(Municipality.region_code == region_code)
        municipalities = list(session.exec(query))
        ids = [m.id for m in municipalities if m.id is not None]
        settlements = list(
            session.exec(select(Settlement).where(Settlement.municipality_id.in_(ids)))
        )  # type: ignore[union-attr]
        gazetteer = cls(lemmatizer, {m.id or 0: m.name for m in municipalities})
        for municipality in municipalities:
            gazetteer.add_municipality(municipality)
        for street in session.exec(select(Street).where(Street.municipality_id.in_(ids))):  # type: ignore[attr-defined]
            gazetteer.streets[street.key].add(street.municipality_id)
        for settlement in settlements:
            if settlement.kind in ADJECTIVE_SETTLEMENT_KINDS:
                gazetteer.add_settlement_adjective(settlement.municipality_id, settlement.name)
                continue
            # Typos are forgiven in towns' names, not in thousands of villages'
            fuzzy = settlement.kind == "город"
            gazetteer.settlement_roots[place_root(settlement.name)].add(settlement.municipality_id)
            for name in [settlement.name, *settlement.variants]:
                gazetteer.add(settlement.municipality_id, "settlement", name, fuzzy=fuzzy)
        return gazetteer

    def add_municipality(self, municipality: Municipality) -> None:
        mid = municipality.id or 0
        self.add(mid, "name", municipality.name)
        for variant in municipality.variants:
            self.add(mid, "variant", variant)
        if municipality.center:
            self.add(mid, "center", municipality.center)
        adjective = _leading_adjective(municipality.name)
        if adjective:
            self.add_adjective(mid, adjective, municipality.name)
        own = formation_own_name(municipality.name)
        if own is not None:
            self._add_own_name(mid, own, municipality.name)

    def _add_own_name(self, municipality_id: int, own: str, label: str) -> None:
        """A formation by its own name: «в Митино», «Восточное Измайлово», «п. Шушары» as it
        stands; an adjective («Останкинский», «Рыбацкое», «Песочный») only with a word that
        makes it a place: «Останкинский район», «МО Рыбацкое», «п. Песочный», «Сосенское
        поселение» (alone it is a street's, a station's or any word's: «на Тверской»)."""
        if " " in own or not ADJECTIVE_ENDING.search(own.lower()):
            self._register(self._own_noun(municipality_id, own))
            return
        kind = label.split()[0].lower().replace("ё", "е")  # муниципальный, поселок, поселение
        if kind == "поселение":
            self.add_settlement_adjective(municipality_id, own)
            return
        adjective = self.lemmatizer.lemma_set(own)
        if kind.startswith("муниципальн"):  # «район», not «округ»: «в Восточном округе» is
            district = (adjective, _DISTRICT_WORDS)  # Moscow's administrative okrug (ВАО)
            self._register(Pattern(municipality_id, "adjective", label, district, False))
        if kind in _OWN_ADJECTIVE_CUES:
            cued = (_OWN_ADJECTIVE_CUES[kind], adjective)
            self._register(Pattern(municipality_id, "adjective", label, cued, False))

    def _own_noun(self, municipality_id: int, own: str) -> Pattern:
        plain = own.lower().replace("ё", "е")
        if " " not in plain and plain.endswith("о"):  # «Митина», «Смолячкова»: surnames' forms
            forms = (frozenset({plain, plain[:-1] + "е"}),)
            return Pattern(municipality_id, "own", own, forms, True, exact=True)
        elements = tuple(self.lemmatizer.lemma_set(t.text) for t in words(own))
        cued = len(elements) == 1 and self._is_common_word(own)  # «Печатники», «Сокол»
        return Pattern(municipality_id, "own", own, elements, True, cued=cued)

    def add(self, municipality_id: int, kind: str, name: str, *, fuzzy: bool = True) -> None:
        tokens = [t.text for t in words(name)]
        if not tokens:
            return
        elements = tuple(self.lemmatizer.lemma_set(t) for t in tokens)
        needs_capital = len(tokens) == 1 and self._is_common_word(tokens[0])
        pattern = Pattern(municipality_id, kind, name, elements, needs_capital)
        self._register(pattern)
        if fuzzy and len(tokens) == 1 and kind in {"center", "settlement"}:
            self._add_single_word(self.lemmatizer.lemma(tokens[0]), pattern)

    def _add_single_word(self, lemma: str, pattern: Pattern) -> None:
        if lemma not in self.single_word_names:
            self.single_word_names[lemma] = pattern
            self._names_by_length[len(lemma)].append(lemma)
            self.closest_name.cache_clear()

    def _closest_name(self, lemma: str, cutoff: float) -> Pattern | None:
        """The single-word place name most like `lemma` (difflib ratio >= cutoff), if any.

        Only names of a length that can reach the cutoff are compared: difflib's ratio is at
        most 2 * min(len) / (len(a) + len(b)), so the answer is `get_close_matches`' own.
        """
        size = len(lemma)
        shortest = math.floor(size * cutoff / (2 - cutoff))
        longest = math.ceil(size * (2 - cutoff) / cutoff)
        lengths = range(shortest, longest + 1)
        names = [name for length in lengths for name in self._names_by_length.get(length, ())]
        close = difflib.get_close_matches(lemma, names, n=1, cutoff=cutoff)
        return self.single_word_names[close[0]] if close else None

    def add_adjective(self, municipality_id: int, adjective: str, label: str) -> None:
        """ "Чусовской" followed by a type word: "Чусовской округ", "Чусовского района"."""
        elements = (self.lemmatizer.lemma_set(adjective), TYPE_WORDS)
        self._register(Pattern(municipality_id, "adjective", label, elements, False))

    def add_settlement_adjective(self, municipality_id: int, adjective: str) -> None:
        """An ОКТМО поселение named by its adjective: «Беличанского сельсовета»,
        «Тюндюковском сельском поселении», «Александровское городское поселение»."""
        self.settlement_roots[place_root(adjective)].add(municipality_id)
        first = self.lemmatizer.lemma_set(adjective)
        for tail in (
            (SETTLEMENT_TYPE_WORDS,),
            (frozenset({"городской"}), frozenset({"поселение"})),
        ):
            self._register(Pattern(municipality_id, "settlement", adjective, (first, *tail), False))

    def district_of(self, town: str) -> int | None:
        """The municipal district named after a town («Льгов» -> Льговский муниципальный
        район), if there is exactly one."""
        town = town.lower().replace("ё", "е")
        found = [
            mid
            for mid, name in self.municipalities.items()
            if "район" in name.split() and _adjective_stems(name.split()[0]) & _town_stems(town)
        ]
        return found[0] if len(found) == 1 else None

    def names_place(self, lemma: str) -> bool:
        """Whether a one-word place name has this lemma («пермь»): a town, not a street. Not an
        okrug's own name: «ул. Арбат, 10» is a street of the okrug Арбат."""
        return any(len(p.elements) == 1 and p.kind != "own" for p in self._index.get(lemma, ()))

    def _register(self, pattern: Pattern) -> None:
        for lemma in pattern.elements[0]:
            self._index[lemma].append(pattern)

    def _is_common_word(self, word: str) -> bool:
        """True when some reading is not a place name: "оса" (a wasp), "Чайковский" (a surname)."""
        parses = self.lemmatizer.parses(word.lower())
        known = [parse for parse in parses if self.lemmatizer.from_dictionary(parse)]
        return any("Geox" not in parse.tag for parse in known)

    def find(self, text: str, found: list[Token] | None = None) -> list[Match]:
        """Every pattern occurrence in `text` (tokenised as `found`), overlapping ones included."""
        found = words(text) if found is None else found
        lemma_sets = [self.lemmatizer.lemma_set(t.text) for t in found]
        matches: list[Match] = []
        for i, lemmas in enumerate(lemma_sets):
            for pattern in self._candidates(lemmas):
                if _matches_at(pattern, text, found, lemma_sets, i):
                    stop = found[i + len(pattern.elements) - 1].stop
                    start = found[i].start
                    matches.append(Match(pattern, start, stop, text[start:stop]))
        return matches

    def _candidates(self, lemmas: frozenset[str]) -> set[Pattern]:
        out: set[Pattern] = set()
        for lemma in lemmas:
            out.update(self._index.get(lemma, ()))
        return out


def _matches_at(
    pattern: Pattern, text: str, found: list[Token], lemma_sets: list[frozenset[str]], i: int
) -> bool:
    size = len(pattern.elements)
    if i + size > len(found):
        return False
    for offset, element in enumerate(pattern.elements):
        if not (element & lemma_sets[i + offset]):
            return False
        if pattern.exact and found[i + offset].text.lower().replace("ё", "е") not in element:
            return False
    if pattern.needs_capital and not found[i].text[:1].isupper():
        return False
    previous = found[i - 1].text.lower().rstrip(".") if i else ""
    if pattern.cued and previous not in OWN_NAME_CUES and not _heads_text(text, found, i):
        return False
    if previous in STREET_CUES:
        return False
    if street_named_after(previous, found[i], pattern):
        return False  # «на Лермонтова»: the street, not the town
    return size > 1 or not names_a_street(found, i, lemma_sets)


def _heads_text(text: str, found: list[Token], i: int) -> bool:
    """The text's first word, a comma after it: an address's head («Шушары, ул. Школьная»)."""
    return i == 0 and text[found[0].stop : found[0].stop + 1] == ","


def street_named_after(previous: str, token: Token, pattern: Pattern) -> bool:
    """A one-word town name in the genitive right after «на»/«по» (`previous`, lower case):
    the street named after the town's person (`nlp.address.town_genitive`)."""
    return (
        previous in STREET_PREPOSITIONS
        and len(pattern.elements) == 1
        and any(town_genitive(token.text, lemma) for lemma in pattern.elements[0])
    )


def names_a_street(found: list[Token], i: int, lemma_sets: list[frozenset[str]]) -> bool:
    """Whether word `i` is an adjective right before a street's type noun, a space apart:
    «Пермской улице»; not «в Перми, улица Ленина», «г. Курск ул. Ленина»."""
    following = i + 1
    if following == len(found) or found[following].start - found[i].stop != 1:
        return False
    if not ADJECTIVE_ENDING.search(found[i].text.lower()):
        return False
    return bool(lemma_sets[following] & STREET_NOUNS_AFTER)


def formation_own_name(name: str) -> str | None:
    """«муниципальный округ Митино» -> «Митино», «поселение «Мосрентген»» -> «Мосрентген»;
    None for other names, for numbers («муниципальный округ № 7») and for a street's name
    («муниципальный округ Проспект Вернадского»: the avenue crosses several okrugs)."""
    match = _FORMATION_TYPE.match(name)
    own = name[match.end() :].strip(' «»"') if match else ""
    if not own[:1].isalpha() or own.split()[0].lower().rstrip(".") in STREET_CUES:
        return None
    return own


def _leading_adjective(name: str) -> str | None:
    """ "Чусовской городской округ" -> "Чусовской"; "ЗАТО Звёздный" -> None."""
    parts = name.split()
    adjective = len(parts) >= 2 and parts[0][-2:] in {"ий", "ой", "ый"}
    if adjective and all(part.lower() in _TYPE_NAME_WORDS for part in parts[1:]):
        return parts[0]
    return None


def _adjective_stems(adjective: str) -> set[str]:
    """«Льговский» -> «льгов», «Обоянский» -> «обоян», «Курский» -> «курск»."""
    word = adjective.lower().replace("ё", "е")
    return {word[:-4], word[:-2]} if word.endswith(("ский", "цкий", "ской")) else {word}


def _town_stems(town: str) -> set[str]:
    """«курск» -> {«курск»}, «обоянь» -> {«обоянь», «обоян»}."""
    return {town, town.rstrip("ьаыи")}


def place_root(name: str) -> str:
    """«Рышковский» and «Рышково» -> «~рышков»: a settlement's name and its adjective meet."""
    parts = name.lower().replace("ё", "е").split()
    word = parts[-1] if parts else ""
    for suffix in ("ский", "ская", "ское", "ской", "цкий", "цкое"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return "~" + word[: -len(suffix)]
    return stem_key(word)
