"""Which municipality a text is about: the gazetteer leads, NER and the source only help."""

import itertools
import re
from dataclasses import dataclass, field

from nlp.address import AddressParser
from nlp.gazetteer import (
    STREET_CUES,
    Gazetteer,
    Match,
    names_a_street,
    place_root,
    street_named_after,
)
from nlp.ner import LocationTagger
from nlp.text import Token, clean_text, words

# Cues that a settlement is named next (street cues are not: a street is no municipality).
ADDRESS_CUE = re.compile(
    r"\b(?:г|гор|пос|п|с|д|дер|рп|пгт|мкр)\.\s*[А-ЯЁ][а-яё]"
    r"|\b(?:город|посёлок|поселок|село|деревня|деревне|селе|посёлке|поселке)\s+[А-ЯЁ][а-яё]",
)
# A place named only as a reference, not as where the problem is: «из Курска», «трасса на
# Щигры», «Курск - Золотухино», «“Курск”», «Курск обл.».
# «из Березников пишут» names the place; «из Перми в Краснокамск» names the origin of a trip.
_ORIGIN = re.compile(r"\bиз\s*$", re.I)
_DESTINATION_AFTER = re.compile(r"^[^.!?]{0,60}?\b(?:в|во|к|до)\s+[А-ЯЁ]")
_FROM = re.compile(
    r"(?:\b(?:от|до)(?:\s+[а-яё]+){0,2}"  # «от жд вокзала Курск», «до новой дороги …»
    r"|\bст\.|черт\w*\s+города"  # a station; «после черты города Курска»
    r"|(?:трасс|дорог|шосс|поворот|маршрут)\w*\s+на)\s*$",  # «трасса на Щигры»
    re.I,
)
_ROUTE_BEFORE = re.compile(r"[А-ЯЁ][а-яё]+\s*[-–—]\s*$")
_ROUTE_AFTER = re.compile(r"^\s*(?:\([^)]{0,20}\)\s*)?[-–—]\s*(?:[А-ЯЁ]|д\.|с\.|п\.)")
_QUOTED = re.compile(r"^[»\"”']")
# «в туже цветовую гамму что и в Курске», «как в Москве»: a comparison, not the place.
_COMPARISON = re.compile(r"\b(?:как|что|чем)\s+(?:и\s+)?(?:в|во)\s*$", re.I)
# «ЖК Полюстрово парк», «УК Пороховые»: a place's name given to a housing estate or a firm
_ORGANISATION_BEFORE = re.compile(r"\b(?:жк|ук|тсж|жск|снт|тц|трц)\s*[«\"']?\s*$", re.I)
_REGION_AFTER = re.compile(r"^\s*(?:обл\b|област)", re.I)
_SETTLEMENT_CUE_BEFORE = re.compile(
    r"(?:\b(?:г|гор|пос|п|с|д|дер|рп|пгт)\.|\b(?:п|пгт|рп|пос)\s"
    r"|\b(?:город|посёлок|поселок|село|деревня|деревне|селе|посёлке|поселке|городе))\s*$",
    re.I,
)
# A village after its type word: looked up by the stem of its name or its поселение's adjective.
# Residents write the name in lower case too («в с.рышково»): a lower-case one must not be a
# common word.
_CUED_SETTLEMENT = re.compile(
    r"(?:\b(?:с|д|п|пос|дер|х|сл)\.\s*|\b(?:село|села|селе|селу|селом|деревн[яиеюй]\w*|"
    r"посел[кеао]\w*|посёлк\w*|хутор\w*|слобод\w*|пгт\.?|рп\.?)\s+)"
    r"([А-ЯЁа-яё][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)?)",
    re.I,
)
# The same without a type word: a capitalised name right after a preposition of place.
_UNCUED_VILLAGE = re.compile(
    r"\b(?:в|во|под|около|возле|у|за)\s+((?:[А-ЯЁ][а-яё]+\s+)?[А-ЯЁ][а-яё]{3,})\b"
)
# A route between two capitalised names: «Курск — Рышково», «Льгов (АС)-Ольшанка», «дорога от
# Курска до Рышково», «из Льгова в Ольшанку».
_ROUTES = (
    re.compile(
        r"\b([А-ЯЁ][а-яё]{2,})\s*(?:\([^)]{0,20}\)\s*)?[-–—]\s*([А-ЯЁ][а-яё]{2,})\b(?![.\w-])"
    ),
    re.compile(
        r"\b(?:от|из)\s+([А-ЯЁ][а-яё]{2,})\s+(?:до|в|во|к)\s+([А-ЯЁ][а-яё]{2,})\b(?![.\w-])"
    ),
)
REFERENCE_ONLY = "named only as a reference"
CUED_SETTLEMENT_CONFIDENCE = 0.85
UNCUED_VILLAGE_CONFIDENCE = 0.75
STREET_CONFIDENCE = 0.8
SOURCE_PRIOR_CONFIDENCE = 0.6
FUZZY_CONFIDENCE = 0.6
FUZZY_CUTOFF = 0.84
MAX_RESOLVE_CHARS = 5_000  # places are named early; long texts are read up to here
NER_WINDOW = 240  # characters after a settlement cue given to natasha
_LATIN = str.maketrans(
    {"a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "e": "е", "z": "з", "i": "и", "y": "ы",
     "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т",
     "u": "у", "f": "ф", "h": "х", "c": "к", "j": "й", "x": "кс", "w": "в", "q": "к"}
)  # fmt: skip
_LATIN_DIGRAPHS = (("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"),
                   ("ch", "ч"), ("sh", "ш"), ("yu", "ю"), ("ya", "я"), ("yo", "ё"))  # fmt: skip


@dataclass(frozen=True)
class Resolution:
    municipality_id: int | None
    municipality_name: str | None
    span: str | None
    confidence: float
    method: str  # gazetteer, fuzzy, ner, street, source, unknown
    candidates: dict[int, float] = field(default_factory=dict)
    why: str | None = None  # a short reason, said to the moderator: "several places named: …"


UNKNOWN = Resolution(None, None, None, 0.0, "unknown")
GIVEN_WHY = "указан оператором"  # said to the moderator beside the place


def _plain_name(name: str) -> str:
    return " ".join(name.replace("ё", "е").replace("Ё", "Е").split()).casefold()


class MunicipalityResolver:
    """Resolve a text to one municipality or "unknown"; build once and pass it in."""

    def __init__(self, gazetteer: Gazetteer, tagger: LocationTagger | None = None) -> None:
        self.gazetteer = gazetteer
        self.tagger = tagger
        self.addresses = AddressParser(gazetteer.lemmatizer, is_place=gazetteer.names_place)

    def resolve(
        self,
        text: str,
        *,
        prior_id: int | None = None,
        cleaned: str | None = None,
        tokens: list[Token] | None = None,
    ) -> Resolution:
        """Precision first: one municipality named where the problem is, or "unknown" with
        the reason (several places named, a place named only as a reference). `cleaned`:
        `clean_text(text)` when already made; `tokens`: its `words` up to
        `MAX_RESOLVE_CHARS`, likewise."""
        cleaned = (clean_text(text) if cleaned is None else cleaned)[:MAX_RESOLVE_CHARS]
        tokens = words(cleaned) if tokens is None else tokens
        named = self._named_places(cleaned, tokens)
        if isinstance(named, str) and not named.startswith(REFERENCE_ONLY):
            return self._prior(prior_id, why=named)  # several places: no guess between them
        found = named if isinstance(named, Resolution) else None
        # A town named only as a reference («из Курска к бабушке в Иванчиково») leaves room
        # for a village or a street, never for guesses from spelling or NER.
        found = found or self._cued_settlement(cleaned) or self._uncued_village(cleaned)
        found = found or self._route_to_village(cleaned)
        found = found or self._from_street(cleaned)
        if found is None and isinstance(named, str):
            return self._prior(prior_id, why=named)
        found = found or self._from_transliteration(cleaned)
        found = found or self._fuzzy(tokens) or self._from_ner(cleaned)
        if found is None:
            return self._prior(prior_id, why="no place named")
        if prior_id is not None and found.municipality_id == prior_id:
            return Resolution(**{**found.__dict__, "confidence": max(found.confidence, 0.97)})
        return found

    def given(self, name: str | None) -> Resolution | None:
        """The municipality a person stated (an operator's choice), when its name is known;
        case, `ё` and spacing are ignored. None leaves the place to `resolve`."""
        wanted = _plain_name(name or "")
        if not wanted:
            return None
        for mid, official in self.gazetteer.municipalities.items():
            if _plain_name(official) == wanted:
                return Resolution(mid, official, None, 1.0, "operator", {}, GIVEN_WHY)
        return None

    def first_match(self, text: str) -> Resolution:
        """The earlier rule, kept as the benchmark's baseline: the best gazetteer match wins,
        whatever else is named and however it is named."""
        cleaned = clean_text(text)[:MAX_RESOLVE_CHARS]
        tokens = words(cleaned)
        found = self._from_gazetteer(cleaned, tokens) or self._from_transliteration(cleaned)
        return found or self._fuzzy(tokens) or self._from_ner(cleaned) or UNKNOWN

    def _named_places(self, text: str, tokens: list[Token]) -> Resolution | str | None:
        """The one municipality the text names as a place; a reason when it names several."""
        every = self.gazetteer.find(text, tokens)
        matches = _best_non_overlapping(every)
        kept = [m for m in matches if self._reference(text, m) is None]
        if not kept:
            inside = self._route_inside_one_place(text, matches)
            if inside is not None:
                return inside
            return f"{REFERENCE_ONLY}: {matches[0].span}" if matches else None
        kept, shared = _resolve_shared_names(kept, every)
        if not kept:
            return "a name shared by several municipalities: " + shared
        places = {m.pattern.municipality_id for m in kept}
        strong = [m for m in kept if self._strong(text, m)]
        if len(places) > 1 and len({m.pattern.municipality_id for m in strong}) == 1:
            kept = [
                m for m in kept if m.pattern.municipality_id == strong[0].pattern.municipality_id
            ]
            places = {strong[0].pattern.municipality_id}
        if len(places) > 1:
            names = sorted({self.gazetteer.municipalities.get(mid, "?") for mid in places})
            return "several places named: " + ", ".join(names)
        return self._from_gazetteer(text, matches=kept)

    def _route_inside_one_place(self, text: str, matches: list[Match]) -> Resolution | None:
        """«маршрут Льгов (АС)-Льгов-1»: a route whose every named end lies in one
        municipality is a problem there, not a reference to somewhere else."""
        routes = [m for m in matches if self._reference(text, m) == "route or origin"]
        if len(routes) == 1 == len(matches) and self._to_own_part(text, routes[0]):
            found = self._from_gazetteer(text, matches=routes)
            why = f"a route inside one place: «{routes[0].span}» to its own part"
            return Resolution(**{**found.__dict__, "why": why}) if found else None
        if len(routes) < 2 or len(routes) != len(matches):
            return None
        if len({m.pattern.municipality_id for m in routes}) != 1:
            return None
        after = text[routes[0].stop : routes[1].start]
        if not re.fullmatch(r"\s*(?:\([^)]{0,20}\)\s*)?[-–—]\s*", after):
            return None  # two ends of one route, not two routes from the same town
        found = self._from_gazetteer(text, matches=routes)
        return (
            Resolution(**{**found.__dict__, "why": f"a route inside one place: «{routes[0].span}»"})
            if found
            else None
        )

    @staticmethod
    def _to_own_part(text: str, match: Match) -> bool:
        """«Льгов (АС)-Льгов-1»: the route's other end is a numbered part of the same town
        (a station, a district), which the tokenizer reads as one word."""
        after = text[match.stop :][:40]
        own = rf"\s*(?:\([^)]{{0,20}}\)\s*)?[-–—]\s*{re.escape(match.span)}\s*-\s*\d"
        return re.match(own, after) is not None

    def _uncued_village(self, text: str) -> Resolution | None:
        """«к бабушке в Иванчиково», «в Верхнем Гуторово»: a capitalised name after a
        preposition, not a dictionary word, whose stem is a поселение's of one municipality."""
        found: dict[int, str] = {}
        for match in _UNCUED_VILLAGE.finditer(text):
            name = match.group(1)
            last = name.split()[-1]
            lemma = self.gazetteer.lemmatizer.lemma(last)
            if self._dictionary_word(last) or self.gazetteer.names_place(lemma):
                continue  # a common word, or a town the gazetteer has read (as a reference)
            owners = self.gazetteer.settlement_roots.get(place_root(name), set())
            if len(owners) > 1:
                return None  # a stem several districts share: no evidence
            for mid in owners:
                found.setdefault(mid, name)
        if len(found) != 1:
            return None
        mid, span = next(iter(found.items()))
        return self._resolution(mid, span, UNCUED_VILLAGE_CONFIDENCE, "settlement", {})

    def _route_to_village(self, text: str) -> Resolution | None:
        """«автобус Курск — Рышково», «дорога от Обояни до Рудавца»: a route from a town of the
        region to a village is a problem of the town's district, when the village's stem is
        unknown or one of that district's поселения. Not when the other end is a town, a
        common word, or a place the dictionary knows and the gazetteer does not («Курск —
        Москва»: a town of another region, as likely as a village)."""
        found: dict[int, str] = {}
        for route in itertools.chain.from_iterable(r.finditer(text) for r in _ROUTES):
            lemmas = [self._lemma(route.group(1)), self._lemma(route.group(2))]
            towns = [i for i, lemma in enumerate(lemmas) if self.gazetteer.names_place(lemma)]
            if len(towns) != 1:
                continue  # two towns (a reference), or no town at all
            village = route.group(2 - towns[0])
            mid = self._village_district(town=lemmas[towns[0]], village=village)
            if mid is not None:
                found.setdefault(mid, route.group(0))
        if len(found) != 1:
            return None
        mid, span = next(iter(found.items()))
        return self._resolution(mid, span, UNCUED_VILLAGE_CONFIDENCE, "settlement", {})

    def _village_district(self, *, town: str, village: str) -> int | None:
        home = self.gazetteer.district_of(town)
        owners = self.gazetteer.settlement_roots.get(place_root(village), set())
        if home is None or self._dictionary_word(village) or (owners and home not in owners):
            return None
        if not owners and self._known_word(village):
            return None
        return home

    def _lemma(self, word: str) -> str:
        return self.gazetteer.lemmatizer.lemma(word)

    def _known_word(self, word: str) -> bool:
        """Any dictionary reading, a place's too («Москва», «Ольшанка»)."""
        lemmatizer = self.gazetteer.lemmatizer
        return any(lemmatizer.from_dictionary(p) for p in lemmatizer.parses(word.lower()))

    def _dictionary_word(self, word: str) -> bool:
        """A word the dictionary knows as something other than a place («Верхнем»)."""
        lemmatizer = self.gazetteer.lemmatizer
        known = [p for p in lemmatizer.parses(word.lower()) if lemmatizer.from_dictionary(p)]
        return any("Geox" not in p.tag for p in known)

    def _cued_settlement(self, text: str) -> Resolution | None:
        """«с.Рышково», «деревни Ворошнево»: a village the gazetteer knows only through its
        поселение («Рышковский сельсовет»), when that stem belongs to one municipality."""
        found: dict[int, str] = {}
        for match in _CUED_SETTLEMENT.finditer(text):
            name = match.group(1)
            if name[:1].islower() and self._dictionary_word(name):
                continue  # «с. уважением»
            owners = self.gazetteer.settlement_roots.get(place_root(name), set())
            if len(owners) == 1:
                found.setdefault(next(iter(owners)), match.group(0))
        if len(found) != 1:
            return None
        mid, span = next(iter(found.items()))
        return self._resolution(mid, span, CUED_SETTLEMENT_CONFIDENCE, "settlement", {})

    def _from_street(self, text: str) -> Resolution | None:
        """A street the loaded street list knows in one municipality of the region only."""
        if not self.gazetteer.streets:
            return None
        owners: dict[int, str] = {}
        for address in self.addresses.parse(text):
            places = self.gazetteer.streets.get(address.street or "", set())
            if len(places) > 1:
                return None  # «Ленина» is everywhere: no evidence
            for mid in places:
                owners.setdefault(mid, address.span)
        if len(owners) != 1:
            return None
        mid, span = next(iter(owners.items()))
        return self._resolution(mid, span, STREET_CONFIDENCE, "street", {})

    def _strong(self, text: str, match: Match) -> bool:
        """Named as a place by its type: «в городе Льгов», «пос. Глушково», «Льговского
        района»; such a mention outweighs towns named in passing."""
        named = match.pattern.kind in {"adjective", "name", "variant", "own"}
        if named and len(match.span.split()) > 1:
            return True
        return bool(_SETTLEMENT_CUE_BEFORE.search(text[max(0, match.start - 40) : match.start]))

    def _reference(self, text: str, match: Match) -> str | None:
        """Why a match names a place only as a reference (a route, an origin, a quote, a
        person), or None when it may be where the problem is."""
        before, after = text[max(0, match.start - 40) : match.start], text[match.stop :][:40]
        if _SETTLEMENT_CUE_BEFORE.search(before):
            return None
        if _FROM.search(before) or _ROUTE_BEFORE.search(before) or _ROUTE_AFTER.match(after):
            return "route or origin"
        if _ORIGIN.search(before) and _DESTINATION_AFTER.match(text[match.stop :]):
            return "origin of a trip"
        if _QUOTED.match(after) or _REGION_AFTER.match(after):
            return "quoted or the region"
        if _COMPARISON.search(before):
            return "a comparison"
        if _ORGANISATION_BEFORE.search(before) and not self._genitive(match.span):
            return "an organisation's name"  # «УК Пороховые»; not «УК Курска» (of Kursk)
        if match.pattern.kind in {"center", "settlement"} and self._person(match.span):
            return "a person's name"
        if match.pattern.kind == "settlement" and self._adjective(match.span):
            return "an adjective with no settlement word before it"  # «Кировский» (a district)
        return None

    def _genitive(self, span: str) -> bool:
        word = span.split()[0].lower()
        return any("gent" in p.tag for p in self.gazetteer.lemmatizer.parses(word))

    def _adjective(self, span: str) -> bool:
        lemmatizer = self.gazetteer.lemmatizer
        parses = lemmatizer.parses(span.lower())
        known = bool(parses) and lemmatizer.from_dictionary(parses[0])
        return " " not in span and known and parses[0].tag.POS == "ADJF"

    def _person(self, span: str) -> bool:
        parses = self.gazetteer.lemmatizer.parses(span.lower())
        known = [p for p in parses if self.gazetteer.lemmatizer.from_dictionary(p)]
        return bool(known) and ("Name" in known[0].tag or "Patr" in known[0].tag)

    def _from_gazetteer(
        self, text: str, tokens: list[Token] | None = None, matches: list[Match] | None = None
    ) -> Resolution | None:
        if matches is None:
            matches = _best_non_overlapping(self.gazetteer.find(text, tokens))
        if not matches:
            return None
        scores: dict[int, float] = {}
        first: dict[int, Match] = {}
        for match in matches:
            mid = match.pattern.municipality_id
            scores[mid] = max(scores.get(mid, 0.0), match.score) + (0.01 if mid in scores else 0)
            first.setdefault(mid, match)
        ranked = sorted(scores, key=lambda mid: (-scores[mid], first[mid].start))
        best = ranked[0]
        confidence = min(scores[best], 0.99)
        if len(ranked) > 1:  # several places named: less sure which one the post is about
            confidence *= 0.75
        return self._resolution(best, first[best].span, confidence, "gazetteer", scores)

    def _from_transliteration(self, text: str) -> Resolution | None:
        if not re.search(r"[A-Za-z]{4,}", text):
            return None
        converted = re.sub(r"[A-Za-z]+", lambda m: _to_cyrillic(m.group(0)), text)
        found = self._named_places(converted, words(converted))
        if not isinstance(found, Resolution):
            return None  # nothing, or several places: no answer from a guessed spelling
        return Resolution(**{**found.__dict__, "confidence": round(found.confidence * 0.8, 3)})

    def _fuzzy(self, found: list[Token]) -> Resolution | None:
        """A capitalised word within a letter or two of a town: "Краснокамкске". A word the
        dictionary knows is no misspelling: «Академика Павлова» is not Павловск, «в Очаковских
        банях» not Чайковский."""
        lemmatizer = self.gazetteer.lemmatizer
        for i, (previous, token) in enumerate(itertools.pairwise(found)):
            if previous.text.lower().rstrip(".") in STREET_CUES:
                continue
            following = [frozenset({lemmatizer.lemma(t.text)}) for t in found[i + 1 : i + 3]]
            if names_a_street(found[i + 1 : i + 3], 0, following):
                continue  # «на Александровской площади»: a square, not Александровск
            if len(token.text) < 5 or not token.text[:1].isupper() or self._known_word(token.text):
                continue
            close = self.gazetteer.closest_name(lemmatizer.lemma(token.text), FUZZY_CUTOFF)
            if close is None:
                continue
            if street_named_after(previous.text.lower(), token, close):
                continue  # «по Чайковского»: the street
            mid = close.municipality_id
            return self._resolution(mid, token.text, FUZZY_CONFIDENCE, "fuzzy", {})
        return None

    def _from_ner(self, text: str) -> Resolution | None:
        """natasha's LOC spans where an address cue suggests a place the gazetteer missed."""
        cue = ADDRESS_CUE.search(text) if self.tagger is not None else None
        if cue is None or self.tagger is None:
            return None
        # The model's cost grows with length: read only a window around the first cue.
        window = text[max(0, cue.start() - NER_WINDOW // 3) : cue.start() + NER_WINDOW]
        for span in self.tagger.locations(window):
            found = self._from_gazetteer(span.text) or self._fuzzy(words(" . " + span.text))
            if found is not None:
                return Resolution(**{**found.__dict__, "method": "ner", "span": span.text})
        return None

    def _prior(self, prior_id: int | None, *, why: str) -> Resolution:
        """The source's own municipality when the text names none; else "unknown"."""
        if prior_id is None or prior_id not in self.gazetteer.municipalities:
            return Resolution(None, None, None, 0.0, "unknown", why=why)
        found = self._resolution(prior_id, None, SOURCE_PRIOR_CONFIDENCE, "source", {})
        return Resolution(**{**found.__dict__, "why": f"source prior ({why})"})

    def _resolution(
        self, mid: int, span: str | None, confidence: float, method: str, scores: dict[int, float]
    ) -> Resolution:
        name = self.gazetteer.municipalities.get(mid)
        why = f"{method}: «{span}»" if span else method
        return Resolution(mid, name, span, round(confidence, 3), method, scores, why)


def _best_non_overlapping(matches: list[Match]) -> list[Match]:
    """Prefer longer, then better matches; drop the ones overlapping an already chosen one."""
    ordered = sorted(matches, key=lambda m: (-(m.stop - m.start), -m.score, m.start))
    chosen: list[Match] = []
    for match in ordered:
        if all(match.stop <= c.start or match.start >= c.stop for c in chosen):
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def _resolve_shared_names(kept: list[Match], every: list[Match]) -> tuple[list[Match], str]:
    """A name several municipalities hold equally («Рышковский сельсовет» is in two districts)
    counts only where another match of the text picks one of them; else it is dropped, and
    named. A better kind of match at the span wins: «Пермский район», a variant of one
    municipality, over the adjective «Пермский» two municipalities share."""
    best: dict[tuple[int, int], float] = {}
    for match in every:
        span = (match.start, match.stop)
        best[span] = max(best.get(span, 0.0), match.score)
    owners: dict[tuple[int, int], dict[int, Match]] = {}
    for match in every:
        span = (match.start, match.stop)
        if match.score == best[span]:
            owners.setdefault(span, {}).setdefault(match.pattern.municipality_id, match)
    plain = {m.pattern.municipality_id for m in kept if len(owners[(m.start, m.stop)]) == 1}
    out: list[Match] = []
    shared: list[str] = []
    for match in kept:
        held = owners[(match.start, match.stop)]
        if len(held) == 1:
            out.append(next(iter(held.values())))
        elif len(held.keys() & plain) == 1:
            out.append(held[next(iter(held.keys() & plain))])
        else:
            shared.append(match.span)
    return out, ", ".join(shared)


def _to_cyrillic(word: str) -> str:
    lowered = word.lower()
    for latin, cyrillic in _LATIN_DIGRAPHS:
        lowered = lowered.replace(latin, cyrillic)
    converted = lowered.translate(_LATIN)
    return converted[:1].upper() + converted[1:] if word[:1].isupper() else converted
