"""A linear model whose scores become probabilities through a fitted softmax temperature."""

import warnings
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn.linear_model import SGDClassifier
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

MIN_CALIBRATION_ROWS = 40
CALIBRATION_SHARE = 0.2
# The logistic-loss model: lightly regularised, a fixed number of passes (repeatable).
SGD_ALPHA = 1e-5
SGD_EPOCHS = 10
# The naive Bayes member of the topic ensemble: light smoothing (0.3 and 1.0 measured worse).
NB_ALPHA = 0.1

_Model = LinearSVC | SGDClassifier | ComplementNB


class CalibratedSVM:
    """A linear model + temperature scaling fitted on a held-out slice of the training data.

    `kind` "svm": a LinearSVC; "logistic": a logistic-loss linear model trained by SGD;
    "nb": complement naive Bayes (its log-likelihoods are linear in the features too). Each
    one's scores are scaled by its own fitted temperature.

    `balance` weighs each class by (n / (classes × its count)) ** balance: 1.0 is scikit-learn's
    "balanced" (every class counts the same), 0.0 no weighting, 0.5 in between (rare topics
    still count more, without giving up as much accuracy on the common ones). Naive Bayes
    ignores it.
    """

    kind = "svm"  # models pickled before `kind` existed are SVMs
    balance = 1.0  # models pickled before `balance` existed are fully balanced

    def __init__(
        self, *, c: float = 0.5, seed: int = 0, kind: str = "svm", balance: float = 1.0
    ) -> None:
        if kind not in ("svm", "logistic", "nb"):
            raise ValueError(f"unknown model kind {kind!r}")
        self.kind = kind
        self.c = c
        self.balance = balance
        self.seed = seed
        self.temperature = 0.3
        self.classes_: np.ndarray = np.array([])
        self._svm: _Model | None = None
        self._weights: np.ndarray | None = None
        self._intercept: np.ndarray | None = None

    def fit(self, features: sp.csr_matrix, labels: Sequence[str]) -> "CalibratedSVM":
        y = np.asarray(labels)
        if len(set(y)) < 2:
            raise ValueError("training needs at least two distinct labels")
        if len(y) >= MIN_CALIBRATION_ROWS:
            self.temperature = self._fit_temperature(features, y)
        self._svm = self._fit_model(features, y)
        self._weights = None
        self.classes_ = self._svm.classes_
        return self

    def predict_proba(self, features: sp.csr_matrix) -> np.ndarray:
        assert self._svm is not None, "fit the model first"
        return _softmax(self._decision(features) / self.temperature)

    def share_weights(self, weights: np.ndarray) -> None:
        """Read `weights()` from `weights` (equal to them, e.g. a view into an ensemble's
        side-by-side copy) instead of keeping a copy of its own."""
        self.weights()
        assert weights.shape == self._weights.shape  # type: ignore[union-attr]
        self._weights = weights

    def _decision(self, features: sp.csr_matrix) -> np.ndarray:
        """The model's decision scores, from weights laid out for a sparse × dense product.

        scikit-learn computes `features @ coef_.T`; the transpose is not contiguous, so scipy
        copies the whole weight matrix (classes × features) on every call: about 15 ms per
        batch for the cold-start topic model, whatever the batch size. The contiguous copy is
        made once, on first use after fitting or loading (it is not pickled).
        """
        weights, _ = self.weights()
        return self.scores(np.asarray(features @ weights))

    def probabilities(self, product: np.ndarray) -> np.ndarray:
        """`predict_proba` from `features @ weights()[0]` already computed (an ensemble
        computes its members' products in one pass)."""
        return _softmax(self.scores(product) / self.temperature)

    def scores(self, product: np.ndarray) -> np.ndarray:
        """The decision scores from `features @ weights()[0]`."""
        _, intercept = self.weights()
        scores = product + intercept
        if scores.shape[1] == 1:  # binary: one margin; make it two symmetric columns
            scores = np.column_stack([-scores[:, 0], scores[:, 0]]) / 2
        return scores

    def weights(self) -> tuple[np.ndarray, np.ndarray]:
        """(features × classes weights, C-contiguous; the intercepts), built on first use."""
        if self._weights is None or self._intercept is None:
            assert self._svm is not None, "fit the model first"
            if isinstance(self._svm, ComplementNB):
                # Centred over the classes, feature by feature: the same probabilities (each
                # row's scores shift by one constant), and a weight's sign says whether the
                # feature speaks for the class, as cues need.
                log_probs = self._svm.feature_log_prob_
                self._weights = np.ascontiguousarray((log_probs - log_probs.mean(axis=0)).T)
                self._intercept = np.zeros(log_probs.shape[0])
            else:
                self._weights = np.ascontiguousarray(self._svm.coef_.T)
                self._intercept = np.asarray(self._svm.intercept_)
        return self._weights, self._intercept

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_weights": None, "_intercept": None}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update({"_weights": None, "_intercept": None, **state})

    def _new_model(self) -> _Model:
        if self.kind == "nb":
            return ComplementNB(alpha=NB_ALPHA)
        balanced = "balanced" if self.balance == 1.0 else None  # else: sample weights
        if self.kind == "logistic":
            return SGDClassifier(
                loss="log_loss", alpha=SGD_ALPHA, max_iter=SGD_EPOCHS, tol=None,
                class_weight=balanced, random_state=self.seed,
            )  # fmt: skip
        return _QuietSVC(C=self.c, class_weight=balanced, random_state=self.seed)

    def _fit_model(self, features: sp.csr_matrix, y: np.ndarray) -> _Model:
        model = self._new_model()
        if self.kind == "nb" or self.balance in (0.0, 1.0):
            return model.fit(features, y)
        # Partial balance as sample weights: a class_weight dict would do, but scikit-learn
        # reads labels such as "12" as integers when it looks them up.
        _, index, counts = np.unique(y, return_inverse=True, return_counts=True)
        weights = (len(y) / (len(counts) * counts)) ** self.balance
        return model.fit(features, y, sample_weight=weights[index])

    def _fit_temperature(self, features: sp.csr_matrix, y: np.ndarray) -> float:
        order = np.random.default_rng(self.seed).permutation(len(y))
        cut = int(len(y) * (1 - CALIBRATION_SHARE))
        fit_rows, held_rows = order[:cut], order[cut:]
        if len(set(y[fit_rows])) < 2:
            return self.temperature
        svm = self._fit_model(features[fit_rows], y[fit_rows])
        scores = _scores(svm, features[held_rows])
        known = np.isin(y[held_rows], svm.classes_)
        if not known.any():
            return self.temperature
        target = np.searchsorted(svm.classes_, y[held_rows][known])
        scores = scores[known]

        def loss(log_t: float) -> float:
            probs = _softmax(scores / np.exp(log_t))
            return float(-np.mean(np.log(probs[np.arange(len(target)), target] + 1e-12)))

        result = minimize_scalar(loss, bounds=(np.log(0.01), np.log(10.0)), method="bounded")
        return float(np.exp(result.x))


class _QuietSVC(LinearSVC):
    """LinearSVC without the "many classes for few samples" warning: seed data is like that."""

    def fit(self, *args: object, **kwargs: object) -> "_QuietSVC":
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="The number of unique classes")
            return super().fit(*args, **kwargs)  # type: ignore[arg-type]


def _scores(svm: _Model, features: sp.csr_matrix) -> np.ndarray:
    if isinstance(svm, ComplementNB):
        return np.asarray(svm.predict_joint_log_proba(features))
    scores = svm.decision_function(features)
    if scores.ndim == 1:  # binary: one margin; make it two symmetric columns
        scores = np.column_stack([-scores, scores]) / 2
    return np.asarray(scores)


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True))
