from nlp.cues import cue_words
from nlp.lemmas import Lemmatizer


def test_cue_words_are_the_post_s_words_as_written(lemmatizer: Lemmatizer) -> None:
    text = "У школы яма, ямы и дальше до угла, Яму не засыпали"
    assert cue_words(text, ["яма", "засыпать"], lemmatizer) == ["яма", "ямы", "Яму", "засыпали"]


def test_function_words_are_never_highlighted(lemmatizer: Lemmatizer) -> None:
    text = "Что это за ямы для машин? Все ямы там, и вода тоже стоит"
    cues = ["что", "это", "для", "весь", "там", "тоже", "яма", "вода"]
    assert cue_words(text, cues, lemmatizer) == ["ямы", "вода"]


def test_a_cue_bigram_highlights_its_content_words(lemmatizer: Lemmatizer) -> None:
    assert cue_words("Нет света в подъезде", ["нет свет"], lemmatizer) == ["Нет", "света"]
