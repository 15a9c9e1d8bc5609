"""Features for the classifiers: TF-IDF over lemma 1–2-grams and character 2–5-grams.

The n-grams of a text are produced once (`analyse`) and shared: the bundle's TF-IDF counts
them and the social models (nlp.social) hash the very same lists, so no text is split into
n-grams twice on the annotate path.
"""

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from nlp.lemmas import Lemmatizer
from nlp.text import Token, clean_text

MAX_FEATURE_CHARS = 3_000  # the head of a long text carries its topic; keeps speed predictable
# Words whose n-grams are kept (`word_grams`): at most about 18 MB (50,000 words of SPb
# appeals took 46 MB); most words of a running worker's posts are among them.
WORD_GRAMS_CACHE = 20_000


def prepare(
    texts: Sequence[str],
    lemmatizer: Lemmatizer,
    *,
    cleaned: Sequence[str] | None = None,
    tokens: Sequence[list[Token]] | None = None,
) -> list[tuple[str, str]]:
    """(lemmas, cleaned lowercase text) for each raw text. `cleaned`: the texts already
    through `clean_text`; `tokens`: their `words` (case kept, at least the first
    `MAX_FEATURE_CHARS` characters), used instead of splitting the text again when
    lowercasing cannot change them (`_plainly_cased`)."""
    prepared = []
    for i, text in enumerate(texts):
        full = cleaned[i] if cleaned is not None else clean_text(text)
        lowered = full[:MAX_FEATURE_CHARS].lower()
        if tokens is not None and len(full) <= MAX_FEATURE_CHARS and _plainly_cased(full):
            lemmas = [lemmatizer.lemma(token.text.lower()) for token in tokens[i]]
        else:
            lemmas = lemmatizer.lemmatize_words(lowered)
        prepared.append((" ".join(lemmas), lowered))
    return prepared


# Characters whose lowercase is one character of the same kind for the tokenizer (razdel's
# atoms: Cyrillic, Latin, digits, punctuation): in a text of these only, the words of the
# lowercased text are the lowercased words (tests/nlp/test_shared_ngrams.py checks).
_NOT_PLAIN = re.compile(r"[^\x00-\x7fЁА-яё«»—–…№“”„‘’\s]")


def _plainly_cased(text: str) -> bool:
    return _NOT_PLAIN.search(text) is None


@dataclass(frozen=True)
class Analysed:
    """Per text: its lemma 1–2-grams, the words its word-bounded character n-grams are cut
    from, and its character 3–5-grams (which the social models hash)."""

    words: list[list[str]]
    char_words: list[list[str]]  # lowercased, split at whitespace (scikit-learn's `char_wb`)
    char_longer: list[list[str]]

    @property
    def chars(self) -> list[list[str]]:
        """The character 2–5-grams, as `TextFeatures.chars` produces them."""
        pairs = [_grams_of(words)[0] for words in self.char_words]
        return [two + rest for two, rest in zip(pairs, self.char_longer, strict=True)]


def analyse(prepared: Sequence[tuple[str, str]]) -> Analysed:
    """The n-grams of `TextFeatures`' analysers, once for every model that reads them."""
    words, _ = _analysers()
    split, longer = [], []
    for _, cleaned in prepared:
        text_words = cleaned.lower().split()
        split.append(text_words)
        longer.append(_longer_grams(text_words))
    return Analysed([words(p[0]) for p in prepared], split, longer)


def char_wb_grams(text: str) -> tuple[list[str], list[str]]:
    """scikit-learn's `char_wb` 2–5-grams of `text`, the 2-grams apart from the 3–5-grams.

    The grams and their order are those of its analysers for each range (lowercased, each
    whitespace-separated word padded with one space either side; a word shorter than n gives
    itself once): tests/nlp/test_shared_ngrams.py checks they agree. Made word by word, and
    a word seen lately is not cut again (`word_grams`)."""
    return _grams_of(text.lower().split())


def _grams_of(words: list[str]) -> tuple[list[str], list[str]]:
    pairs: list[str] = []
    longer: list[str] = []
    for word in words:
        two, rest = word_grams(word)
        pairs += two
        longer += rest
    return pairs, longer


def _longer_grams(words: list[str]) -> list[str]:
    longer: list[str] = []
    for word in words:
        longer += word_grams(word)[1]
    return longer


@lru_cache(maxsize=WORD_GRAMS_CACHE)
def word_grams(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The `char_wb` 2-grams and 3–5-grams of one word. Cached, the n-grams interned: a
    frequent word costs one look-up, and the cache holds each n-gram's text once."""
    padded = f" {word} "
    size = len(padded)  # at least 3
    pairs = [sys.intern(padded[i : i + 2]) for i in range(size - 1)]
    longer: list[str] = []
    for n in (3, 4, 5):
        longer += [sys.intern(padded[i : i + n]) for i in range(size - n + 1)]
        if n >= size:
            break
    return tuple(pairs), tuple(longer)


_ANALYSERS: list[TfidfVectorizer] = []
# The parameters that decide which n-grams a vectoriser produces.
ANALYSIS_PARAMS = ("analyzer", "ngram_range", "token_pattern", "lowercase", "preprocessor",
                   "tokenizer", "strip_accents", "stop_words")  # fmt: skip


def _analysers() -> tuple:  # type: ignore[type-arg]
    if not _ANALYSERS:
        reference = TextFeatures()
        _ANALYSERS.extend([reference.words, reference.chars])
    return _ANALYSERS[0].build_analyzer(), _ANALYSERS[1].build_analyzer()


def _same_analysis(vectorizer: TfidfVectorizer, reference: TfidfVectorizer) -> bool:
    mine, theirs = vectorizer.get_params(), reference.get_params()
    return all(mine.get(key) == theirs.get(key) for key in ANALYSIS_PARAMS)


_COLUMN = np.dtype(np.int32)  # a column of `_Counting._columns_of`


class _Counting:
    """A fitted TF-IDF vectoriser's `transform` of n-grams already produced, the counting
    done by dictionary look-ups over whole lists instead of scikit-learn's loop over each
    n-gram: the same matrix (tests/nlp/test_shared_ngrams.py checks it)."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        self.vectorizer = vectorizer
        # plain ints (max_features leaves numpy ones): numpy reads those fastest
        self.columns = {gram: int(j) for gram, j in vectorizer.vocabulary_.items()}
        # a word's character n-grams' columns (`transform_words`), the latest words' kept
        self._word_columns = lru_cache(maxsize=WORD_GRAMS_CACHE)(self._columns_of)

    def transform(self, grams: Sequence[list[str]]) -> sp.csr_matrix:
        return self._weighted(count_matrix(grams, self.columns, self.vectorizer.dtype))

    def transform_words(self, texts: Sequence[list[str]]) -> sp.csr_matrix:
        """`transform` of the texts' character 2–5-grams (`Analysed.chars`), given the words
        they are cut from (`Analysed.char_words`): each word's columns are looked up once and
        kept, so a frequent word costs one look-up instead of one per n-gram. The counts do
        not depend on the order of a row's n-grams, so the matrix is the same."""
        return self._weighted(self._count_words(texts))

    def _count_words(self, texts: Sequence[list[str]]) -> sp.csr_matrix:
        rows = [b"".join(map(self._word_columns, words)) for words in texts]
        found = np.frombuffer(b"".join(rows), dtype=_COLUMN)
        lengths = [len(row) // _COLUMN.itemsize for row in rows]
        return sparse_counts(found, lengths, len(self.columns), self.vectorizer.dtype)

    def _columns_of(self, word: str) -> bytes:
        """The columns of the word's character n-grams (-1 for those out of the vocabulary),
        as the bytes of an int32 array: joined without a Python object per n-gram."""
        pairs, longer = word_grams(word)
        return np.fromiter(map(self.columns.get, pairs + longer, repeat(-1)), _COLUMN).tobytes()

    def _weighted(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        vectorizer = self.vectorizer
        if vectorizer.binary:
            counts.data.fill(1)
        if vectorizer.sublinear_tf:  # as TfidfTransformer.transform, step by step
            np.log(counts.data, counts.data)
            counts.data += 1.0
        if vectorizer.use_idf:
            counts.data *= vectorizer.idf_[counts.indices]
        if vectorizer.norm is not None:
            counts = normalize(counts, norm=vectorizer.norm, copy=False)
        return counts


def count_matrix(
    grams: Sequence[list[str]], columns: dict[str, int], dtype: type = np.float64
) -> sp.csr_matrix:
    """Texts × columns: how often each text's n-grams map to each column (unknown ones are
    left out); indices sorted, as scikit-learn's CountVectorizer leaves them."""
    found: list[int] = []
    for text in grams:
        found += map(columns.get, text, repeat(-1))
    return sparse_counts(found, [len(text) for text in grams], len(columns), dtype)


def sparse_counts(
    found: list[int] | np.ndarray, lengths: list[int], width: int, dtype: type = np.float64
) -> sp.csr_matrix:
    """Column indices of consecutive rows (`lengths` of them in each; -1: none) summed into
    a CSR matrix with sorted indices."""
    cols = np.array(found, dtype=np.int64)
    known = cols >= 0
    kept_before = np.concatenate([[0], np.cumsum(known)])
    indptr = kept_before[np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])]
    ones = np.ones(len(indptr) and int(indptr[-1]), dtype=dtype)
    matrix = sp.csr_matrix((ones, cols[known], indptr), shape=(len(lengths), width))
    matrix.sum_duplicates()  # sorts each row's indices and adds up the repeated ones
    return matrix


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
        # the fitted vectorisers reading analysed n-grams (() when they analyse differently)
        self._readers: tuple[_Counting, ...] | None = None

    def word_names(self) -> np.ndarray:
        """The lemma n-grams of the first columns, in column order (built once, not pickled)."""
        names = getattr(self, "_word_names", None)
        if names is None:
            names = self._word_names = self.words.get_feature_names_out()
        return names

    def __getstate__(self) -> dict[str, object]:
        return {key: value for key, value in self.__dict__.items()
                if key not in ("_word_names", "_readers")}  # fmt: skip

    def fit_transform(self, prepared: Sequence[tuple[str, str]]) -> sp.csr_matrix:
        lemmas, cleaned = zip(*prepared, strict=True)
        self._word_names = None
        self._readers = None
        return sp.hstack(
            [self.words.fit_transform(lemmas), self.chars.fit_transform(cleaned)]
        ).tocsr()

    def transform(
        self, prepared: Sequence[tuple[str, str]], analysed: Analysed | None = None
    ) -> sp.csr_matrix:
        """`analysed`: the texts' n-grams from `analyse`, counted instead of produced again
        (when this bundle's analysers are the standard ones; else the texts are read)."""
        readers = self._readers_for() if analysed is not None else None
        if analysed is not None and readers is not None:
            words, chars = readers
            blocks = [words.transform(analysed.words), chars.transform_words(analysed.char_words)]
            return sp.hstack(blocks).tocsr()
        lemmas, cleaned = zip(*prepared, strict=True)
        return sp.hstack([self.words.transform(lemmas), self.chars.transform(cleaned)]).tocsr()

    def _readers_for(self) -> tuple[_Counting, ...] | None:
        """The fitted vectorisers reading analysed n-grams; None if they analyse differently."""
        readers = getattr(self, "_readers", None)
        if readers is None:
            _analysers()
            same = _same_analysis(self.words, _ANALYSERS[0]) and _same_analysis(
                self.chars, _ANALYSERS[1]
            )
            readers = self._readers = (_Counting(self.words), _Counting(self.chars)) if same else ()
        return readers or None
