from pathlib import Path

import pandas as pd
import pymorphy3.dawg
import pytest
import razdel

from nlp.lemmas import Lemmatizer
from nlp.text import clean_text, tokens, words

CLEANING = [
    ("<p>Нет&nbsp;света</p>", "Нет света"),
    ("[club143265175|Центральный район] ответьте", "Центральный район ответьте"),
    ("[id12|Иван], посмотрите https://vk.com/wall-1_2", "Иван, посмотрите"),
    ("[id12:bp-3_4|Иван], смотрите [https://vk.com/wall-1_2|тут]", "Иван, смотрите тут"),
    ("Ямы 😡😡 на дороге 🚗", "Ямы на дороге"),
    ("#ЯмыПермь и #вывоз_мусора", "Ямы Пермь и вывоз мусора"),
    ("смотри www.example.ru/page и пиши", "смотри и пиши"),
    ("", ""),
    ("😀🙏👍", ""),
]


@pytest.mark.parametrize(("raw", "expected"), CLEANING)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


LEMMAS = [
    ("ямы", "яма"),
    ("Краснокамске", "краснокамск"),
    ("дороги", "дорога"),
    ("трубу", "труба"),
    ("прорвало", "прорвать"),
    ("батареи", "батарея"),
    ("Перми", "пермь"),
    ("ёлки", "елка"),
]


@pytest.mark.parametrize(("word", "lemma"), LEMMAS)
def test_lemma_weighs_every_parse(lemmatizer: Lemmatizer, word: str, lemma: str) -> None:
    assert lemmatizer.lemma(word) == lemma


def test_lemmatize_text_cleans_first(lemmatizer: Lemmatizer) -> None:
    text = "<p>На дорогах&nbsp;ямы 😡 [club1|Администрация]</p>"
    assert lemmatizer.lemmatize_text(text) == "на дорога яма администрация"


def test_lemma_cache_is_used(lemmatizer: Lemmatizer) -> None:
    lemmatizer.lemma("подъездами")
    before = lemmatizer.lemma.cache_info().hits
    lemmatizer.lemma("подъездами")
    assert lemmatizer.lemma.cache_info().hits == before + 1


def test_huge_and_mixed_text_is_bounded() -> None:
    assert len(clean_text("а " * 600_000)) <= 20_000
    assert [t.text for t in words("Hello мир 123 αβγ")] == ["Hello", "мир"]  # Cyrillic, Latin


# Our tokeniser re-implements razdel's rules without its per-split objects: same tokens.
RAZDEL_CASES = [
    "кто-то пришёл, а что-то нет",
    "cho -to и cho- to",
    "Санкт-Петербург-на-Неве",
    "вывоз_мусора _x a_b_",
    "3,5 км и 3.14.15 и 1/2 и 1\\2",
    "Ну и ну... Что?! Когда?!",
    "Спасибо :-)) и :((( и =)",
    "а--б и ** звёзды",
    "Київ, ΔP, mβж",
    "Yahoo! и yahoo!",
    "5км, 10-й дом, д.5, кв.12",
    # word + punctuation and punctuation + word, decided without the join rules
    "(дорога) «яма», на ул.Ленина; д.5/2 а.б а,б 5.a б/5 [x]y «5» -5 _a x! Yahoo!! 5,6 , 6",
    "-то - - -",
    "«Ёлки» (в скобках) — тире",
    "",
    "   ",
]


@pytest.mark.parametrize("text", RAZDEL_CASES)
def test_tokens_are_razdels(text: str) -> None:
    expected = [(t.text, t.start, t.stop) for t in razdel.tokenize(text)]
    assert [(t.text, t.start, t.stop) for t in tokens(text)] == expected


def test_tokens_are_razdels_on_real_appeals(shared_data: Path) -> None:
    frame = pd.read_csv(shared_data / "appeals" / "kursk_train.csv", dtype=str, nrows=300)
    for text in frame["text"].dropna():
        expected = [(t.text, t.start, t.stop) for t in razdel.tokenize(text)]
        assert [(t.text, t.start, t.stop) for t in tokens(text)] == expected


def test_pymorphy_uses_the_dawg_extension() -> None:
    """pymorphy3[fast]: the C DAWG gives the same parses about three times faster."""
    assert pymorphy3.dawg.EXTENSION_AVAILABLE
