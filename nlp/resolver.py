"""Which municipality a text is about: the gazetteer leads, NER and the source only help."""

import itertools
import re
from dataclasses import dataclass, field

from nlp.gazetteer import STREET_CUES, Gazetteer, Match
from nlp.ner import LocationTagger
from nlp.text import Token, clean_text, words

# Cues that a settlement is named next (street cues are not: a street is no municipality).
ADDRESS_CUE = re.compile(
    r"\b(?:г|гор|пос|п|с|д|дер|рп|пгт|мкр)\.\s*[А-ЯЁ][а-яё]"
    r"|\b(?:город|посёлок|поселок|село|деревня|деревне|селе|посёлке|поселке)\s+[А-ЯЁ][а-яё]",
)
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
    method: str  # gazetteer, fuzzy, ner, source, unknown
    candidates: dict[int, float] = field(default_factory=dict)


UNKNOWN = Resolution(None, None, None, 0.0, "unknown")


class MunicipalityResolver:
    """Resolve a text to one municipality or "unknown"; build once and pass it in."""

    def __init__(self, gazetteer: Gazetteer, tagger: LocationTagger | None = None) -> None:
        self.gazetteer = gazetteer
        self.tagger = tagger

    def resolve(self, text: str, *, prior_id: int | None = None) -> Resolution:
        cleaned = clean_text(text)[:MAX_RESOLVE_CHARS]
        tokens = words(cleaned)
        found = self._from_gazetteer(cleaned, tokens) or self._from_transliteration(cleaned)
        found = found or self._fuzzy(tokens) or self._from_ner(cleaned)
        if found is None:
            return self._prior(prior_id)
        if prior_id is not None and found.municipality_id == prior_id:
            return Resolution(**{**found.__dict__, "confidence": max(found.confidence, 0.97)})
        return found

    def _from_gazetteer(self, text: str, tokens: list[Token] | None = None) -> Resolution | None:
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
        found = self._from_gazetteer(converted)
        if found is None:
            return None
        return Resolution(**{**found.__dict__, "confidence": round(found.confidence * 0.8, 3)})

    def _fuzzy(self, found: list[Token]) -> Resolution | None:
        """A capitalised word within a letter or two of a town: "Краснокамкске"."""
        for previous, token in itertools.pairwise(found):
            if previous.text.lower().rstrip(".") in STREET_CUES:
                continue
            if len(token.text) < 5 or not token.text[:1].isupper():
                continue
            lemma = self.gazetteer.lemmatizer.lemma(token.text)
            close = self.gazetteer.closest_name(lemma, FUZZY_CUTOFF)
            if close is not None:
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

    def _prior(self, prior_id: int | None) -> Resolution:
        if prior_id is None or prior_id not in self.gazetteer.municipalities:
            return UNKNOWN
        return self._resolution(prior_id, None, SOURCE_PRIOR_CONFIDENCE, "source", {})

    def _resolution(
        self, mid: int, span: str | None, confidence: float, method: str, scores: dict[int, float]
    ) -> Resolution:
        name = self.gazetteer.municipalities.get(mid)
        return Resolution(mid, name, span, round(confidence, 3), method, scores)


def _best_non_overlapping(matches: list[Match]) -> list[Match]:
    """Prefer longer, then better matches; drop the ones overlapping an already chosen one."""
    ordered = sorted(matches, key=lambda m: (-(m.stop - m.start), -m.score, m.start))
    chosen: list[Match] = []
    for match in ordered:
        if all(match.stop <= c.start or match.start >= c.stop for c in chosen):
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def _to_cyrillic(word: str) -> str:
    lowered = word.lower()
    for latin, cyrillic in _LATIN_DIGRAPHS:
        lowered = lowered.replace(latin, cyrillic)
    converted = lowered.translate(_LATIN)
    return converted[:1].upper() + converted[1:] if word[:1].isupper() else converted
