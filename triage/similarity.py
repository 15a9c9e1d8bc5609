"""Text similarity for grouping: what the problem is, with the address taken out.

The address is compared separately (see `triage.address`), so two different problems on
the same street do not look alike just because they share the street name.

Texts are compared by their content words (lemmas, or crude stems without a lemmatizer),
not by character n-grams: on long posts the trigram profiles of any two Russian texts
converge (96 % of random pairs of long Stavropol posts scored above the join threshold),
so unrelated news of one town glued into one incident. Shared words do not converge that
way (BENCHMARKS.md, «Stop 40: one incident per story — words, not letters»).
"""

import math
import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache

from triage.address import strip_addresses

_WORD = re.compile(r"[а-яa-z]+")
_STOPWORDS_TEXT = """
    а без более бы был была были было быть в вам вас весь во вот все всё всего всех вы
    где да даже для до его ее её если есть еще ещё же за здесь и из или им их к как ко когда
    кто ли либо мне может мы на над надо наш не него нее неё нет ни них но ну о об однако он
    она они оно от очень по под при про с сам со так также такой там те тем то того тоже той
    только том ты у уже хотя чего чей чем что чтобы чье чья эта эти это этот я уважаемые
    уважаемый просим прошу пожалуйста помогите сделайте сколько можно когда уже день дня
    дней неделю недели месяц очередной опять снова который которая которые там тут"""
# Where, not what: generic place words say nothing about which problem it is.
_PLACE_WORDS = """
    двор двора дворе дворы дворов дворах двором дом дома доме домом домов домах подъезд
    подъезда подъезде подъезды улица улице улицы улицу район района районе город города
    городе поселок поселке деревня деревне село селе микрорайон микрорайоне возле около
    рядом напротив прямо вечером утром ночью сегодня вчера жители жителей люди"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split()) | frozenset(_PLACE_WORDS.split())
_ENDING_LETTERS = "аеиоуыэюяйь"


def content_words(text: str, lemmatize: Callable[[str], str] | None = None) -> list[str]:
    """The meaningful words of a text, without its addresses, numbers and stopwords."""
    text = strip_addresses(text).lower().replace("ё", "е")
    if lemmatize is not None:
        text = lemmatize(text)
    return [w for w in _WORD.findall(text) if w not in STOPWORDS and len(w) > 2]


def stem(word: str) -> str:
    """A crude stem for comparing words without a lemmatizer: at most six letters, with the
    trailing vowels (and й, ь) cut, so «яма» / «ямы» / «ямой» and «пожар» / «пожаре» meet."""
    head = word[:6]
    cut = head.rstrip(_ENDING_LETTERS)
    return cut if len(cut) >= 2 else head


def text_similarity(left: str, right: str, lemmatize: Callable[[str], str] | None = None) -> float:
    """Cosine of two texts' content-word counts (0..1): lemmas when `lemmatize` is given,
    otherwise `stem`s."""
    left_words, left_norm = _profile(left, lemmatize)
    right_words, right_norm = _profile(right, lemmatize)
    if not left_words or not right_words:
        return 0.0
    if len(left_words) > len(right_words):
        left_words, right_words = right_words, left_words
    dot = sum(
        count * right_words[word] for word, count in left_words.items() if word in right_words
    )
    return dot / (left_norm * right_norm)


@lru_cache(maxsize=8192)
def _profile(text: str, lemmatize: Callable[[str], str] | None) -> tuple[Counter[str], float]:
    """A text's word counts and their norm, cached: grouping compares the same member texts
    again and again, and lemmatizing is the costly part (callers never mutate it)."""
    words = content_words(text, lemmatize)
    counts = Counter(words if lemmatize is not None else map(stem, words))
    return counts, math.sqrt(sum(c * c for c in counts.values()))
