"""A text's navec vector (nlp.vectors) and the category model's weights over it."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from models.annotation import PostContext
from nlp.annotator import Annotator
from nlp.features import prepare
from nlp.gazetteer import Gazetteer
from nlp.lemmas import Lemmatizer
from nlp.ner import LocationTagger
from nlp.social import (
    SOCIAL_CATEGORIES_FILE,
    SignalFeatures,
    SocialCategoryModel,
    load_category_model,
)
from nlp.vectors import VECTOR_DIM, TextVectors, unit_rows
from otklik.paths import DATA_DIR


@pytest.fixture(scope="module")
def vectors(tagger: LocationTagger) -> TextVectors:
    return TextVectors(tagger.embedding)  # the NER tagger's embedding, not a second copy


def test_texts_of_one_theme_have_closer_vectors_than_texts_of_two(vectors: TextVectors) -> None:
    rink, court, bins = vectors.transform([
        "на катке у школы не залили лёд",
        "хоккейную коробку во дворе никто не чистит",
        "мусорные баки переполнены, отходы не вывозят",
    ])  # fmt: skip
    assert np.isclose(np.linalg.norm(rink), 1.0)
    assert rink @ court > rink @ bins + 0.05


def test_a_text_of_words_navec_does_not_know_is_all_zeros(vectors: TextVectors) -> None:
    out = vectors.transform(["qwerty 12345", ""])
    assert out.shape == (2, VECTOR_DIM)
    assert not out.any()


def _words_model(vector_weights: np.ndarray | None) -> SocialCategoryModel:
    """Three categories, one hashed word each (features 0–2), zero intercepts."""
    model = SocialCategoryModel(
        np.array(["amenities", "roads", "sport"]), np.arange(3, dtype=np.int32),
        np.eye(3, dtype=np.float16) * 2, np.zeros(3),
    )  # fmt: skip
    return model if vector_weights is None else model.with_vector_weights(vector_weights)


def test_vector_weights_name_the_category_of_a_text_with_no_known_word(tmp_path: Path) -> None:
    weights = np.zeros((VECTOR_DIM, 3))
    weights[0, 2] = 4.0  # the first dimension says sport
    model = _words_model(weights)
    unknown = sp.csr_matrix((1, 3))  # none of the model's words
    direction = np.zeros((1, VECTOR_DIM))
    direction[0, 0] = 1.0
    assert np.allclose(model.probabilities(unknown), 1 / 3)  # without its vector: no idea
    assert model.probabilities(unknown, vectors=direction).argmax() == 2
    loaded = load_category_model(model.save(tmp_path / "categories.npz"))
    assert loaded.vector_weights is not None
    assert np.allclose(loaded.probabilities(unknown, vectors=direction),
                       model.probabilities(unknown, vectors=direction))  # fmt: skip
    plain = load_category_model(_words_model(None).save(tmp_path / "plain.npz"))
    assert plain.vector_weights is None
    assert np.allclose(plain.probabilities(unknown, vectors=direction), 1 / 3)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # invented; the hashed words alone lean to amenities, the words' neighbours do not
        ("Электричка опять опоздала на сорок минут", "transport"),
        ("Асфальт раскрошился, щебень летит из-под колёс", "roads"),
    ],
)
def test_the_shipped_category_model_reads_the_texts_vectors(
    lemmatizer: Lemmatizer, vectors: TextVectors, text: str, category: str
) -> None:
    model = load_category_model(DATA_DIR / SOCIAL_CATEGORIES_FILE)
    prepared = prepare([text], lemmatizer)
    words = SignalFeatures().transform(prepared, [PostContext()], structure=False)
    dense = vectors.transform([prepared[0][1]])
    classes = list(model.classes)
    assert classes[int(model.probabilities(words, vectors=dense).argmax())] == category
    assert classes[int(model.probabilities(words).argmax())] != category


def test_the_loaded_annotator_passes_the_taggers_vectors_to_the_category_model(
    gazetteer: Gazetteer, tagger: LocationTagger, model_cache: Path
) -> None:
    text = "Батареи ледяные, в квартире пятнадцать градусов"
    annotator = Annotator.load(None, gazetteer=gazetteer, data_dir=DATA_DIR,
                               cache_dir=model_cache, tagger=tagger)  # fmt: skip
    assert annotator.vectors is not None and annotator.categories is not None
    read = annotator.annotate([text])[0]
    words_alone = replace(annotator, vectors=None).annotate([text])[0]
    assert read.category_code == words_alone.category_code == "housing"
    # the vectors agree with the words here: the category is surer with them
    assert (read.category_confidence or 0) > (words_alone.category_confidence or 0) + 0.05


def test_unit_rows_are_scikit_learns_normalize_to_the_bit() -> None:
    matrix = np.random.default_rng(0).normal(size=(6, 300))
    matrix[2] = 0.0  # a text with no known word stays zeros
    matrix[4] *= 1e-3
    assert np.array_equal(unit_rows(matrix.copy()), normalize(matrix))
    assert not unit_rows(matrix)[2].any()
