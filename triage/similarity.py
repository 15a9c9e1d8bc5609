"""Text similarity for grouping: what the problem is, with the address taken out.

The address is compared separately (see `triage.address`), so two different problems on
the same street do not look alike just because they share the street name.
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


def content_words(text: str, lemmatize: Callable[[str], str] | None = None) -> list[str]:
    """The meaningful words of a text, without its addresses, numbers and stopwords."""
    text = strip_addresses(text).lower().replace("ё", "е")
    if lemmatize is not None:
        text = lemmatize(text)
    return [w for w in _WORD.findall(text) if w not in STOPWORDS and len(w) > 2]


def char_grams(words: list[str], n: int = 3) -> Counter[str]:
    """Character n-grams inside words (padded), robust to Russian endings."""
    grams: Counter[str] = Counter()
    for word in words:
        padded = f" {word} "
        grams.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


def cosine(left: Counter[str], right: Counter[str]) -> float:
    if not left or not right:
        return 0.0
    dot = sum(count * right[gram] for gram, count in left.items() if gram in right)
    norm = math.sqrt(sum(c * c for c in left.values())) * math.sqrt(
        sum(c * c for c in right.values())
    )
    return dot / norm


def text_similarity(left: str, right: str, lemmatize: Callable[[str], str] | None = None) -> float:
    """Cosine of the character-trigram profiles of two texts' content words (0..1)."""
    left_grams, left_norm = _profile(left, lemmatize)
    right_grams, right_norm = _profile(right, lemmatize)
    if not left_grams or not right_grams:
        return 0.0
    dot = sum(
        count * right_grams[gram] for gram, count in left_grams.items() if gram in right_grams
    )
    return dot / (left_norm * right_norm)


@lru_cache(maxsize=8192)
def _profile(text: str, lemmatize: Callable[[str], str] | None) -> tuple[Counter[str], float]:
    """A text's trigram profile and its norm, cached: grouping compares the same member
    texts again and again, and lemmatizing is the costly part (callers never mutate it)."""
    grams = char_grams(content_words(text, lemmatize))
    return grams, math.sqrt(sum(c * c for c in grams.values()))
