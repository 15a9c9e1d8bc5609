"""Lemmas from pymorphy3, cached: uncached it manages only a few thousand words a second."""

from functools import lru_cache

import pymorphy3
from pymorphy3.analyzer import Parse
from pymorphy3.units import DictionaryAnalyzer

from nlp.text import clean_text, words

# Parses below this share of the best score are ignored when choosing the lemma.
_MIN_SCORE_SHARE = 0.2
_NOUN_LIKE = {"NOUN", "ADJF", "PRTF", "NPRO"}
# Case endings stripped for the stem key of words the dictionary does not know ("Полазне").
_ENDINGS = sorted(
    ["ями", "ами", "ах", "ях", "ов", "ев", "ом", "ем", "ой", "ей", "ую", "юю", "ая", "яя", "ое",
     "ее", "ые", "ие", "ых", "их", "ым", "им", "а", "я", "ы", "и", "е", "у", "ю", "о"],
    key=len,
    reverse=True,
)  # fmt: skip
MIN_STEM = 4


class Lemmatizer:
    """One pymorphy3 analyser with an LRU cache over words; build once and pass it in."""

    def __init__(self, cache_size: int = 200_000) -> None:
        self._morph = pymorphy3.MorphAnalyzer()
        self.parses = lru_cache(maxsize=cache_size)(self._morph.parse)
        self.lemma = lru_cache(maxsize=cache_size)(self._lemma)
        self.lemma_set = lru_cache(maxsize=cache_size)(self._lemma_set)

    def _lemma(self, word: str) -> str:
        """The lemma of one word, weighing every parse, not only the first.

        pymorphy ranks "ям" (gen. pl. of "яма" misread as a noun "ям") first for "ямы";
        we sum scores per normal form over all parses, and prefer dictionary nouns and
        adjectives over guesses, so "ямы" -> "яма".
        """
        lowered = word.lower().replace("ё", "е")
        parses = self.parses(lowered)
        if not parses:
            return lowered
        best = parses[0].score
        totals: dict[str, float] = {}
        for parse in parses:
            if parse.score < best * _MIN_SCORE_SHARE:
                continue
            weight = parse.score * (1.5 if parse.tag.POS in _NOUN_LIKE else 1.0)
            if _from_dictionary(parse):
                weight *= 2.0
            normal = parse.normal_form.replace("ё", "е")
            totals[normal] = totals.get(normal, 0.0) + weight
        return max(totals.items(), key=lambda item: (item[1], len(item[0])))[0]

    def _lemma_set(self, word: str) -> frozenset[str]:
        """Every normal form any parse gives, plus the word itself: for gazetteer matching."""
        lowered = word.lower().replace("ё", "е")
        parses = self.parses(lowered)
        forms = {parse.normal_form.replace("ё", "е") for parse in parses}
        if not any(_from_dictionary(parse) for parse in parses):
            forms.add(stem_key(lowered))
        return frozenset({lowered, *forms})

    @staticmethod
    def from_dictionary(parse: Parse) -> bool:
        return _from_dictionary(parse)

    def lemmatize_words(self, text: str) -> list[str]:
        return [self.lemma(token.text) for token in words(text)]

    def lemmatize_text(self, text: str) -> str:
        """Space-joined lemmas of the cleaned text (what `Post.search_lemmas` holds)."""
        return " ".join(self.lemmatize_words(clean_text(text)))


def stem_key(word: str) -> str:
    """ "~полазн" for "полазна", "полазне", "полазну": a match key for unknown place names."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return "~" + word[: -len(ending)]
    return "~" + word


def _from_dictionary(parse: Parse) -> bool:
    """The parse is a dictionary word, not a guess (cheaper than `Parse.is_known`)."""
    # Guessers dress their parses as a `FakeDictionary` subclass of `DictionaryAnalyzer`.
    return type(parse.methods_stack[0][0]) is DictionaryAnalyzer
