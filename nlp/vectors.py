"""A text as one vector: the SIF-weighted mean of natasha's navec word vectors.

The vectors are those of natasha's news embedding (navec, 250,000 words × 300 dimensions,
product-quantised), which the NER tagger (`nlp.ner.LocationTagger`) has already loaded: they
are passed in, never loaded twice. Words close in meaning have close vectors, so a text can
lean towards a category whose own words it does not use («хоккейная коробка» near «каток»).
Each word weighs a / (a + its frequency in navec's corpus) ("smooth inverse frequency",
Arora et al. 2017): frequent words say little about a topic.
"""

import re
from collections.abc import Sequence
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp
from navec import Navec

WORD = re.compile(r"[а-яё]+")  # navec's news vocabulary: lowercase Russian words
SIF_A = 1e-3
VECTOR_DIM = 300


class TextVectors:
    """Unit-length SIF-weighted means of the navec vectors of a text's words."""

    def __init__(self, embedding: Navec) -> None:
        vocab = embedding.vocab
        self._ids = vocab.word_ids
        counts = np.asarray(vocab.counts, dtype=np.float64)
        self._weights = SIF_A / (SIF_A + counts / counts.sum())
        self._unknown = vocab.unk_id  # what a word navec does not know reads as: weight 0
        self._weights[self._unknown] = 0.0
        pq = embedding.pq
        # the product quantiser's codes as one table of (chunk, centroid) rows: a word's vector
        # is its chunks' rows, gathered by one `np.take` (navec's own indexing is 3× slower)
        self._codes = pq.codes.reshape(-1, pq.codes.shape[-1])
        self._offsets = np.arange(pq.qdim, dtype=np.int64) * pq.codes.shape[1]
        self._indexes = pq.indexes
        self._dim = pq.dim

    def transform(self, lowered: Sequence[str]) -> np.ndarray:
        """Texts × `VECTOR_DIM`; `lowered`: cleaned lowercase texts (`nlp.features.prepare`'s
        second half). A text with no word navec knows is all zeros."""
        return unit_rows(self.weighted_sums(lowered))

    def weighted_sums(self, lowered: Sequence[str]) -> np.ndarray:
        """Texts × `VECTOR_DIM`: each text's SIF-weighted sum of its words' vectors, before
        `transform` scales it to unit length."""
        words = [WORD.findall(text) for text in lowered]
        found = map(self._ids.get, chain.from_iterable(words), repeat(self._unknown))
        ids = np.fromiter(found, dtype=np.int64)
        # each distinct word unpacked once (a batch repeats its common words many times)
        distinct, column = np.unique(ids, return_inverse=True)
        indptr = np.concatenate([[0], np.cumsum([len(text) for text in words])])
        weights = sp.csr_matrix(
            (self._weights[ids], column, indptr), shape=(len(lowered), len(distinct))
        )
        return np.asarray(weights @ self._unpacked(distinct), dtype=np.float64)

    def _unpacked(self, ids: np.ndarray) -> np.ndarray:
        rows = (self._indexes[ids].astype(np.int64) + self._offsets).ravel()
        return np.take(self._codes, rows, axis=0).reshape(len(ids), self._dim)


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """`sklearn.preprocessing.normalize(matrix)` of a dense float64 matrix, without its input
    checks (they cost as much as the rest): the same sums and the same divisions, so the same
    bits; a row of (near) zeros is left as it is (tests/nlp/test_vectors.py)."""
    norms = np.sqrt(np.einsum("ij,ij->i", matrix, matrix))
    norms[norms < 10 * np.finfo(norms.dtype).eps] = 1.0
    return matrix / norms[:, None]
