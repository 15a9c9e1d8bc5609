"""Features for the classifiers: TF-IDF over lemma 1–2-grams and character 2–5-grams."""

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from nlp.lemmas import Lemmatizer
from nlp.text import clean_text

MAX_FEATURE_CHARS = 3_000  # the head of a long text carries its topic; keeps speed predictable


def prepare(texts: Sequence[str], lemmatizer: Lemmatizer) -> list[tuple[str, str]]:
    """(lemmas, cleaned lowercase text) for each raw text."""
    prepared = []
    for text in texts:
        cleaned = clean_text(text)[:MAX_FEATURE_CHARS].lower()
        prepared.append((" ".join(lemmatizer.lemmatize_words(cleaned)), cleaned))
    return prepared


class TextFeatures:
    def __init__(self, *, max_char_features: int = 300_000) -> None:
        self.words = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, min_df=1, token_pattern=r"(?u)\b\w+\b"
        )
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
            max_features=max_char_features,
        )  # fmt: skip
        self._word_names: np.ndarray | None = None

    def word_names(self) -> np.ndarray:
        """The lemma n-grams of the first columns, in column order (built once, not pickled)."""
        names = getattr(self, "_word_names", None)
        if names is None:
            names = self._word_names = self.words.get_feature_names_out()
        return names

    def __getstate__(self) -> dict[str, object]:
        return {key: value for key, value in self.__dict__.items() if key != "_word_names"}

    def fit_transform(self, prepared: Sequence[tuple[str, str]]) -> sp.csr_matrix:
        lemmas, cleaned = zip(*prepared, strict=True)
        self._word_names = None
        return sp.hstack(
            [self.words.fit_transform(lemmas), self.chars.fit_transform(cleaned)]
        ).tocsr()

    def transform(self, prepared: Sequence[tuple[str, str]]) -> sp.csr_matrix:
        lemmas, cleaned = zip(*prepared, strict=True)
        return sp.hstack([self.words.transform(lemmas), self.chars.transform(cleaned)]).tocsr()
