import pytest

from nlp.lemmas import Lemmatizer
from nlp.text import clean_text, words

CLEANING = [
    ("<p>Нет&nbsp;света</p>", "Нет света"),
    ("[club143265175|Центральный район] ответьте", "Центральный район ответьте"),
    ("[id12|Иван], посмотрите https://vk.com/wall-1_2", "Иван, посмотрите"),
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
