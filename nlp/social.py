"""The signal model that has seen real social media: hashed text + structure, shipped as weights.

The product cannot contain the real texts it learned from, so what it ships is a vector of
weights over hashed features (`data/social_signal.npz`, built by
`python -m benchmarks.social_signal build`): no words, no texts, a fixed size. Its inputs are
the lemma and character n-grams of a text (hashed; the very n-grams the
bundle's TF-IDF counts, produced once) and the structure of the item (who wrote it,
where it sits in a thread, the role of the page it is on). Its logit is turned into a
probability by a fitted sigmoid (Platt scaling on out-of-fold predictions), and a text is
called a signal at or above `threshold`, chosen on the measured precision/recall curve.

Moderators' decisions fine-tune the weights (`fine_tuned`): a logistic regression anchored
to the shipped weights, so a few hundred labels correct it without forgetting the rest.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

from models.annotation import PostContext
from nlp.features import Analysed, analyse
from nlp.places import with_place_sides

SOCIAL_MODEL_FILE = "social_signal.npz"
WORD_FEATURES = 1 << 18
CHAR_FEATURES = 1 << 18
STRUCTURE_FEATURES = 1 << 10
SHORT_WORDS = 4  # a reply of at most this many words means little without its parent
# Pages where signals are rare read their items at thresholds of their own, taken from the
# precision/recall curve of those items alone (benchmarks/social_signal.py, BENCHMARKS.md):
# a news or market page's own posts, and comments on a page that is not an administration's
# or a residents' public (news pages, and pages whose role is not known).
RARE_GROUPS = ("media_post", "media_comment")
# Residents' comments on an administration's page — the traffic issue 13's targets are set
# on — keep more of their real signals than the other pages do: their own threshold keeps
# this share of that group's signals on its own out-of-fold curve (BENCHMARKS.md).
RECALL_GROUPS = {"authority_thread": 0.97}
# The groups whose items also count their words prefixed with the group (SignalFeatures):
# measured in BENCHMARKS.md; a news or market page's own posts keep the shared words only
# (with them, ads learned on the markets stopped counting against ads elsewhere).
WORD_GROUPS = ("media_comment",)
L2 = 1.0  # the penalty of a fresh fit (per weight, summed loss over rows)
FINE_TUNE_L2 = 3.0  # the pull towards the shipped weights when moderators fine-tune them


def structure_tokens(context: PostContext, text: str) -> list[str]:
    """The structural facts of one item as tokens (and their combinations)."""
    role = context.source_role or "unknown"
    author = (
        "source"
        if context.author_is_source
        else "community"
        if context.author_is_community
        else "person"
    )
    position = context.position if context.position in ("comment", "reply") else "post"
    tokens = [f"role={role}", f"author={author}", f"pos={position}",
              f"role={role}|author={author}", f"role={role}|pos={position}",
              f"author={author}|pos={position}", f"all={role}|{author}|{position}"]  # fmt: skip
    if len(text.split()) <= SHORT_WORDS:
        tokens.append(f"short|pos={position}")
    if context.parent_text:
        tokens.append("has_parent")
    elif context.parent_missing:
        tokens.append("orphan")
    return tokens


def threshold_group(context: PostContext) -> str:
    """Which operating threshold an item is read at: "default", or one of `RARE_GROUPS`
    and `RECALL_GROUPS`."""
    in_thread = context.position in ("comment", "reply")
    if context.source_role == "media" and context.author_is_source and not in_thread:
        return "media_post"
    if in_thread and context.source_role == "authority":
        return "authority_thread"
    if in_thread and context.source_role not in ("authority", "residents"):
        return "media_comment"
    return "default"


class SignalFeatures:
    """Hashed lemma 1–2-grams, hashed character 3–5-grams and hashed structure tokens.

    The n-grams are those of the bundle's own TF-IDF (`nlp.features.analyse`, character
    2–5-grams, of which the 3–5 are kept here): produced once per text, counted there and
    hashed here. (Hashing the 2-grams too cost leave-one-file-out recall on the ЦУР feed:
    0.877 against 0.903.)"""

    def __init__(self) -> None:
        self.words = HashingVectorizer(
            n_features=WORD_FEATURES, analyzer=_identity, alternate_sign=False, binary=True,
        )  # fmt: skip
        self.chars = HashingVectorizer(
            n_features=CHAR_FEATURES, analyzer=_identity, alternate_sign=False, binary=True,
        )  # fmt: skip
        self.structure = HashingVectorizer(
            n_features=STRUCTURE_FEATURES, analyzer=_identity, alternate_sign=False, norm=None,
            binary=True,
        )  # fmt: skip

    @property
    def size(self) -> int:
        return WORD_FEATURES + CHAR_FEATURES + STRUCTURE_FEATURES

    def transform(
        self,
        prepared: Sequence[tuple[str, str]],
        contexts: Sequence[PostContext],
        *,
        structure: bool = True,
        analysed: Analysed | None = None,
        group_words: bool = True,
    ) -> sp.csr_matrix:
        """`prepared`: (lemmas, cleaned lowercase text) per text, as `nlp.features.prepare`;
        `analysed`: their n-grams when already produced (`nlp.features.analyse`).
        `structure=False`: the structure block left empty (words only). `group_words`: see
        `transform_pair`."""
        return self.transform_pair(prepared, contexts, structure=structure, analysed=analysed,
                                   group_words=group_words)[0]  # fmt: skip

    def transform_pair(
        self,
        prepared: Sequence[tuple[str, str]],
        contexts: Sequence[PostContext],
        *,
        structure: bool = True,
        analysed: Analysed | None = None,
        group_words: bool = True,
    ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """(the signal model's input, the category model's input), hashed once.

        They differ only for an item of a group in `WORD_GROUPS` (`threshold_group`) with
        `group_words`: for the signal model it counts its lemma n-grams twice, as they are
        and prefixed with the group, in the same word block, so a word can weigh differently
        in a comment under a news post («ужас, опять без света» about the news) than in a
        resident's comment on an administration's page. The category model reads the words
        alone."""
        grams = analysed if analysed is not None else analyse(prepared)
        cleaned = [pair[1] for pair in prepared]
        tokens = [structure_tokens(c, t) if structure else []
                  for c, t in zip(contexts, cleaned, strict=True)]  # fmt: skip
        rest = [hashed(self.chars, grams.char_longer), hashed(self.structure, tokens)]
        words = hashed(self.words, grams.words)
        plain = sp.hstack([words, *rest], format="csr", dtype=np.float64)
        groups = [threshold_group(c) for c in contexts]
        if not group_words or all(group not in WORD_GROUPS for group in groups):
            return plain, plain
        grouped = [_grouped(w, group) for w, group in zip(grams.words, groups, strict=True)]
        signal = sp.hstack([hashed(self.words, grouped), *rest], format="csr", dtype=np.float64)
        return signal, plain


def hashed(vectorizer: HashingVectorizer, grams: Sequence[list[str]]) -> sp.csr_matrix:
    """`vectorizer.transform(grams)` for a vectoriser whose analyser passes the n-grams
    through: the same matrix, without its generator of (n-gram, 1) pairs for every n-gram
    (the pairs come from `zip`; tests/nlp/test_shared_ngrams.py checks the two agree)."""
    hasher = FeatureHasher(
        n_features=vectorizer.n_features,
        input_type="pair",
        dtype=vectorizer.dtype,
        alternate_sign=vectorizer.alternate_sign,
    )
    matrix = hasher.transform(zip(text, repeat(1)) for text in grams)
    if vectorizer.binary:
        matrix.data.fill(1)
    if vectorizer.norm is not None:
        matrix = normalize(matrix, norm=vectorizer.norm, copy=False)
    return matrix


def _grouped(words: list[str], group: str) -> list[str]:
    return words + [f"{group}|{w}" for w in words] if group in WORD_GROUPS else words


def _identity(tokens: list[str]) -> list[str]:
    return tokens


@dataclass
class SocialSignalModel:
    """Weights over `SignalFeatures`, a sigmoid calibration and the operating threshold."""

    weights: np.ndarray
    intercept: float
    scale: float = 1.0  # calibrated probability = sigmoid(scale * logit + shift)
    shift: float = 0.0
    threshold: float = 0.5
    info: dict[str, Any] = field(default_factory=dict)
    # threshold group (`threshold_group`) -> its own operating threshold; the rest: `threshold`
    group_thresholds: dict[str, float] = field(default_factory=dict)
    # whether its input holds the group words (`SignalFeatures.transform_pair`); models
    # built before them have none, and the words of their rare-group items count once
    group_words: bool = False

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickled from a bundle saved before the per-group thresholds: one threshold."""
        self.__dict__.update({"group_thresholds": {}, "group_words": False, **state})

    def __getstate__(self) -> dict[str, Any]:
        return _without_float64(self.__dict__)

    def thresholds(self, contexts: Sequence[PostContext]) -> np.ndarray:
        """The operating threshold of each item, by its threshold group."""
        return np.array([self.group_thresholds.get(threshold_group(c), self.threshold)
                         for c in contexts])  # fmt: skip

    def inputs(
        self,
        features: "SignalFeatures",
        prepared: Sequence[tuple[str, str]],
        contexts: Sequence[PostContext],
        analysed: Analysed | None = None,
    ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """(this model's input, the words alone for a category model), hashed once."""
        return features.transform_pair(prepared, contexts, analysed=analysed,
                                       group_words=self.group_words)  # fmt: skip

    def logits(self, matrix: sp.csr_matrix) -> np.ndarray:
        return np.asarray(matrix @ _float64(self, self.weights)) + self.intercept

    def probabilities(self, matrix: sp.csr_matrix) -> np.ndarray:
        return _sigmoid(self.scale * self.logits(matrix) + self.shift)

    def fine_tuned(
        self, matrix: sp.csr_matrix, is_signal: Sequence[bool], *, l2: float = FINE_TUNE_L2
    ) -> "SocialSignalModel":
        """A copy trained further on labelled items, anchored to these weights."""
        y = np.asarray(is_signal, dtype=np.float64)
        # in the calibrated probability space, and the intercept kept: moderators label
        # more signals than a crawl holds, so their share is not the pages' base rate
        weights, intercept = fit_logistic(
            matrix, y, l2=l2, anchor=self.weights.astype(np.float64), intercept=self.intercept,
            scale=self.scale, shift=self.shift, fit_intercept=False,
        )  # fmt: skip
        info = {**self.info, "fine_tuned_on": len(y)}
        return SocialSignalModel(weights.astype(np.float32), intercept, self.scale, self.shift,
                                 self.threshold, info, dict(self.group_thresholds),
                                 self.group_words)  # fmt: skip

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        numbers = np.array([self.intercept, self.scale, self.shift, self.threshold,
                            float(self.group_words)])  # fmt: skip
        info = np.array([repr(sorted(self.info.items()))])
        groups = sorted(self.group_thresholds)
        with path.open("wb") as handle:
            np.savez_compressed(handle, weights=self.weights.astype(np.float32),
                                numbers=numbers, info=info, groups=np.array(groups, dtype=str),
                                group_thresholds=np.array([self.group_thresholds[g]
                                                           for g in groups]))  # fmt: skip
        return path


def load_social_model(path: Path) -> SocialSignalModel:
    """The shipped (or a fine-tuned) model; plain arrays only (`allow_pickle=False`)."""
    with np.load(path, allow_pickle=False) as archive:
        weights = archive["weights"]
        numbers = [float(v) for v in archive["numbers"]]
        intercept, scale, shift, threshold = numbers[:4]
        group_words = len(numbers) > 4 and numbers[4] == 1.0  # not in models built before
        info = {"file": path.name, "description": str(archive["info"][0])}
        groups: dict[str, float] = {}
        if "groups" in archive.files:  # models built before the per-group thresholds have none
            groups = {str(g): float(t) for g, t in
                      zip(archive["groups"], archive["group_thresholds"], strict=True)}  # fmt: skip
    if weights.shape != (SignalFeatures().size,):
        raise ValueError(f"{path} holds {weights.shape[0]} weights, not {SignalFeatures().size}")
    return SocialSignalModel(weights, intercept, scale, shift, threshold, info, groups, group_words)


def fit_logistic(
    matrix: sp.csr_matrix,
    y: np.ndarray,
    *,
    l2: float = L2,
    sample_weight: np.ndarray | None = None,
    anchor: np.ndarray | None = None,
    intercept: float = 0.0,
    scale: float = 1.0,
    shift: float = 0.0,
    fit_intercept: bool = True,
) -> tuple[np.ndarray, float]:
    """Weighted logistic regression, penalised by l2 × ‖w − anchor‖² (anchor: zeros), of
    sigmoid(scale × (x·w + b) + shift): with a model's calibration, the fit moves the
    probabilities the model reports, not the raw logits. `fit_intercept=False`: `intercept`
    stays as given."""
    n, size = matrix.shape
    weight = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    base = np.zeros(size) if anchor is None else anchor
    used = np.flatnonzero(np.asarray(matrix.getnnz(axis=0)).ravel())  # the rest stay at anchor
    local = matrix[:, used].tocsr()
    offset = np.asarray(matrix @ base).ravel()

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        delta, b = theta[:-1], theta[-1]
        z = scale * (offset + local @ delta + b) + shift
        p = _sigmoid(z)
        value = np.sum(weight * (np.logaddexp(0, z) - y * z)) + l2 * float(delta @ delta)
        residual = scale * weight * (p - y)
        gradient = np.append(local.T @ residual + 2 * l2 * delta,
                             residual.sum() if fit_intercept else 0.0)  # fmt: skip
        return float(value), gradient

    start = np.append(np.zeros(len(used)), intercept)
    result = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 500})
    weights = base.copy()
    weights[used] += result.x[:-1]
    return weights, float(result.x[-1])


def fit_calibration(logits: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling: (scale, shift) minimising the log loss of sigmoid(scale × logit + shift)."""

    def loss(theta: np.ndarray) -> float:
        z = theta[0] * logits + theta[1]
        return float(np.mean(np.logaddexp(0, z) - y * z))

    result = minimize(loss, np.array([1.0, 0.0]), method="Nelder-Mead")
    return float(result.x[0]), float(result.x[1])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64))))


SOCIAL_CATEGORIES_FILE = "social_categories.npz"
# its share when averaged with a bundle's own category probabilities (measured 0.5–1.0 in
# benchmarks/social_categories.py: 0.9 with the SPb appeals' prior inside it and its classes
# balanced, 0.8 since the Kursk appeals joined that prior (session 22); the cold-start model
# alone is right on 0.57–0.63 of real signals, BENCHMARKS.md)
CATEGORY_WEIGHT = 0.8


@dataclass
class SocialCategoryModel:
    """Category weights over `SignalFeatures`, learned from real signals in residents' words.

    Stored sparse: only the rows of features seen in training (the rest are zero), as
    float16 — a few megabytes of numbers, no words. `prior`: a second such model learned from
    many portal appeals (fewer categories, another style); inside the categories it knows it
    is mixed in geometrically at `prior_share` (the others keep this model's probabilities).
    `vector_weights`: weights over a text's navec vector (`nlp.vectors.TextVectors`), one
    column per class, added to the hashed words' scores; None in models built before them.
    """

    classes: np.ndarray  # category codes
    rows: np.ndarray  # feature indices with weights
    weights: np.ndarray  # len(rows) × len(classes)
    intercepts: np.ndarray
    prior: "SocialCategoryModel | None" = None
    prior_share: float = 0.0
    vector_weights: np.ndarray | None = None  # VECTOR_DIM × len(classes)

    @classmethod
    def from_dense(
        cls, classes: Sequence[str], weights: np.ndarray, intercepts: np.ndarray
    ) -> "SocialCategoryModel":
        """From a classes × features weight matrix (scikit-learn's `coef_`)."""
        rows = np.flatnonzero(np.any(weights != 0, axis=0))
        kept = weights[:, rows].T.astype(np.float16)
        return cls(np.asarray(classes), rows.astype(np.int32), kept, np.asarray(intercepts))

    def __getstate__(self) -> dict[str, Any]:
        return _without_float64(self.__dict__)

    def with_prior(self, prior: "SocialCategoryModel", share: float) -> "SocialCategoryModel":
        """This model with `prior` mixed in at `share`."""
        return replace(self, prior=prior, prior_share=share)

    def with_vector_weights(self, weights: np.ndarray) -> "SocialCategoryModel":
        """This model with `weights` (VECTOR_DIM × classes) over the texts' navec vectors."""
        return replace(self, vector_weights=np.asarray(weights, dtype=np.float32))

    def probabilities(
        self,
        matrix: sp.csr_matrix,
        sides: Sequence[str | None] | None = None,
        vectors: np.ndarray | None = None,
    ) -> np.ndarray:
        """One-vs-rest logistic scores, normalised per row (as scikit-learn does); with a
        prior: inside the categories both know, the normalised geometric mean of the two
        (weights 1 − share and share), scaled to the mass this model gives them. `sides`:
        per text, the street / yard side its place nouns name (`nlp.places.place_side`),
        which moves the roads / amenities pair's mass towards it (`with_place_sides`).
        `vectors`: the texts' navec vectors (`nlp.vectors.TextVectors`), read by a model with
        `vector_weights` (None: the words alone decide)."""
        mixed = self._mixed(matrix, vectors)
        return mixed if sides is None else with_place_sides(mixed, list(self.classes), sides)

    def _mixed(self, matrix: sp.csr_matrix, vectors: np.ndarray | None) -> np.ndarray:
        own = self._own(matrix, vectors)
        if self.prior is None or self.prior_share <= 0:
            return own
        known = list(self.classes)
        pairs = [(known.index(c), j) for j, c in enumerate(self.prior.classes) if c in known]
        if not pairs:
            return own
        columns, theirs = (np.array(index) for index in zip(*pairs, strict=True))
        prior = self.prior._own(matrix)[:, theirs]
        prior /= np.maximum(prior.sum(axis=1, keepdims=True), 1e-12)
        mass = own[:, columns].sum(axis=1, keepdims=True)
        inside = own[:, columns] / np.maximum(mass, 1e-12)
        share = self.prior_share
        mixed = np.exp((1 - share) * np.log(inside + 1e-9) + share * np.log(prior + 1e-9))
        out = own.copy()
        out[:, columns] = mixed / mixed.sum(axis=1, keepdims=True) * mass
        return out

    def _own(self, matrix: sp.csr_matrix, vectors: np.ndarray | None = None) -> np.ndarray:
        scores = np.asarray(self._rows_of(matrix) @ _float64(self, self.weights))
        if vectors is not None and self.vector_weights is not None:
            # einsum's own loop, not BLAS: on a busy machine BLAS's threads spun on this tiny
            # dense product and took a third of a worker's CPU (BENCHMARKS.md, session navcat)
            scores += np.einsum("ij,jk->ik", vectors, self.vector_weights.astype(np.float64))
        scores = _sigmoid(scores + self.intercepts)
        return np.asarray(scores / np.maximum(scores.sum(axis=1, keepdims=True), 1e-12))

    def _rows_of(self, matrix: sp.csr_matrix) -> sp.csr_matrix:
        """`matrix[:, self.rows]`, through a table of each feature's row (-1: none), built
        once: scipy's column indexing costs more than the product it feeds."""
        matrix = sp.csr_matrix(matrix)
        cached = self.__dict__.get("_positions")
        if cached is None or cached[0] is not self.rows or len(cached[1]) != matrix.shape[1]:
            positions = np.full(matrix.shape[1], -1, dtype=np.int64)
            positions[self.rows] = np.arange(len(self.rows))
            cached = self.__dict__["_positions"] = (self.rows, positions)
        found = cached[1][matrix.indices]
        kept = found >= 0
        before = np.concatenate([[0], np.cumsum(kept)])
        return sp.csr_matrix((matrix.data[kept], found[kept], before[matrix.indptr]),
                             shape=(matrix.shape[0], len(self.rows)))  # fmt: skip

    def save(self, path: Path) -> Path:
        arrays = _category_arrays(self)
        if self.prior is not None:
            arrays |= {f"prior_{k}": v for k, v in _category_arrays(self.prior).items()}
            arrays["prior_share"] = np.array([self.prior_share])
        if self.vector_weights is not None:
            arrays["vector_weights"] = self.vector_weights
        with path.open("wb") as handle:
            np.savez_compressed(handle, **arrays)
        return path


def _float64(model: object, weights: np.ndarray) -> np.ndarray:
    """`weights` as float64, converted once per model (they are stored as float16/32; a
    conversion on every batch cost more than the products themselves)."""
    cached = model.__dict__.get("_float64")
    if cached is None or cached[0] is not weights:
        cached = model.__dict__["_float64"] = (weights, weights.astype(np.float64))
    return cached[1]  # type: ignore[no-any-return]


def _without_float64(state: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in state.items() if key not in ("_float64", "_positions")}


def _category_arrays(model: SocialCategoryModel) -> dict[str, np.ndarray]:
    return {"classes": model.classes.astype(str), "rows": model.rows, "weights": model.weights,
            "intercepts": model.intercepts}  # fmt: skip


def load_category_model(path: Path) -> SocialCategoryModel:
    """The shipped category model (and its prior, when the file holds one)."""
    with np.load(path, allow_pickle=False) as archive:
        model = SocialCategoryModel(archive["classes"], archive["rows"], archive["weights"],
                                    archive["intercepts"])  # fmt: skip
        if "vector_weights" in archive:  # not in models built before them
            model = model.with_vector_weights(archive["vector_weights"])
        if "prior_classes" not in archive:
            return model
        prior = SocialCategoryModel(
            archive["prior_classes"], archive["prior_rows"], archive["prior_weights"],
            archive["prior_intercepts"],
        )  # fmt: skip
        return model.with_prior(prior, float(archive["prior_share"][0]))
