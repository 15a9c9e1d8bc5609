"""The n-grams of a text are produced once and shared by the bundle's TF-IDF and the social
models' hashing: the matrices are the ones each would build alone."""

from collections import Counter

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer

from models.annotation import PostContext
from nlp.classifier import ClassifierBundle
from nlp.features import TextFeatures, _plainly_cased, analyse, char_wb_grams, prepare
from nlp.lemmas import Lemmatizer
from nlp.social import CHAR_FEATURES, WORD_FEATURES, SignalFeatures, hashed, structure_tokens
from nlp.text import clean_text, words

TEXTS = [
    "Третий день нет горячей воды на улице Мира, 5",
    "Яма на дороге у дома 44, колёса бьём",
    "ёлки-палки!!! 🙂 https://vk.com/wall-1_2",
    "Вода, вода, вода: опять нет воды! Вода ржавая, я и ты",  # repeated n-grams count
    "",
]


def test_bundle_counts_the_shared_ngrams_as_it_would_its_own(
    cold_bundle: ClassifierBundle, lemmatizer: Lemmatizer
) -> None:
    prepared = prepare(TEXTS, lemmatizer)
    alone = cold_bundle.features.transform(prepared)
    for _ in range(2):  # the second time, each word's columns come from the cache
        shared = cold_bundle.features.transform(prepared, analyse(prepared))
        assert alone.shape == shared.shape and alone.nnz > 0
        assert abs(alone - shared).max() == 0
        assert np.array_equal(alone.indptr, shared.indptr)
        assert np.array_equal(alone.indices, shared.indices)
        assert np.array_equal(alone.data, shared.data)


def test_the_analysed_character_ngrams_are_the_vectorisers_own(lemmatizer: Lemmatizer) -> None:
    prepared = prepare(TEXTS, lemmatizer)
    analyser = TextFeatures().chars.build_analyzer()
    analysed = analyse(prepared).chars
    assert [Counter(grams) for grams in analysed] == [
        Counter(analyser(cleaned)) for _, cleaned in prepared
    ]
    assert sum(map(len, analysed)) > 100


def test_a_bundle_that_analyses_differently_reads_the_texts_itself(
    lemmatizer: Lemmatizer,
) -> None:
    prepared = prepare(TEXTS, lemmatizer)
    features = TextFeatures()
    features.chars.set_params(ngram_range=(2, 6))  # 6-grams too: not in the shared lists
    features.fit_transform(prepared)
    alone = features.transform(prepared)
    assert abs(alone - features.transform(prepared, analyse(prepared))).max() == 0
    assert features.chars.transform([p[1] for p in prepared]).nnz > 0


def test_social_features_hash_the_ngrams_the_bundle_counts(lemmatizer: Lemmatizer) -> None:
    prepared = prepare(TEXTS, lemmatizer)
    contexts = [PostContext()] * len(TEXTS)
    features = SignalFeatures()
    shared = features.transform(prepared, contexts, analysed=analyse(prepared))
    assert abs(shared - features.transform(prepared, contexts)).max() == 0
    # the character block is exactly char_wb 3–5-grams of the cleaned text, hashed
    chars = HashingVectorizer(n_features=CHAR_FEATURES, analyzer="char_wb", ngram_range=(3, 5),
                              alternate_sign=False, binary=True, lowercase=False)  # fmt: skip
    expected = chars.transform([p[1] for p in prepared]).toarray()
    block = shared[:, WORD_FEATURES : WORD_FEATURES + CHAR_FEATURES].toarray()
    assert np.allclose(block, expected) and expected.any()


def test_character_ngrams_are_scikit_learns_char_wb() -> None:
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    texts = ["", "а", "я  и\t\nты", "Ёлка   Ab", "x" * 10, "  ", "🙂 a", *TEXTS]
    for text in texts:
        pairs, longer = char_wb_grams(text)
        assert Counter(pairs + longer) == Counter(reference(text)), text
        assert all(len(gram) == 2 for gram in pairs)
        assert all(len(gram) >= 3 for gram in longer)


def test_character_ngrams_come_in_scikit_learns_order_for_each_range() -> None:
    pairs_of, longer_of = (TfidfVectorizer(analyzer="char_wb", ngram_range=span).build_analyzer()
                           for span in ((2, 2), (3, 5)))  # fmt: skip
    for text in ["а б", "Ёлка   Ab\u2003x", "ab abc abcd abcde abcdef", *TEXTS]:
        assert char_wb_grams(text) == (pairs_of(text), longer_of(text)), text


def test_hashing_the_ngrams_gives_the_vectorisers_own_matrix(lemmatizer: Lemmatizer) -> None:
    grams = analyse(prepare(TEXTS, lemmatizer))
    features = SignalFeatures()
    tokens = [structure_tokens(PostContext(position="comment"), text) for text in TEXTS]
    for vectorizer, lists in [(features.words, grams.words), (features.chars, grams.char_longer),
                              (features.structure, tokens)]:  # fmt: skip
        fast, reference = hashed(vectorizer, lists), vectorizer.transform(lists)
        assert fast.nnz == reference.nnz > 0
        assert abs(fast - reference).max() == 0


@pytest.mark.parametrize(
    "text",
    [
        "Ямы на Ленина, 5 — «ужас»… №3",
        "ЁЛКИ-Палки :-) XD yahoo! 3.14 1/2",
        "Kelvin K и İstanbul",  # not plainly cased: the text is split again
        "ΣΊΣΥΦΟΣ Straße",
    ],
)
def test_words_given_with_the_text_give_its_own_lemmas(text: str, lemmatizer: Lemmatizer) -> None:
    cleaned = clean_text(text)
    given = prepare([text], lemmatizer, cleaned=[cleaned], tokens=[words(cleaned)])
    assert given == prepare([text], lemmatizer)
    if _plainly_cased(cleaned):  # then lowercasing changes no token but its case
        lowered = [token.text for token in words(cleaned.lower())]
        assert [token.text.lower() for token in words(cleaned)] == lowered
