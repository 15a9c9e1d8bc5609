"""Calibrated linear models over the same features, their probabilities averaged.

Each member is temperature-scaled on a held-out slice of the training data, so no one's
over-confidence dominates, and their probabilities are averaged with fixed weights.

- "labels" (categories, and labels with no topics): a class-balanced LinearSVC and a
  class-balanced logistic-loss model trained by SGD, equal weights. They make different
  mistakes; measured against either alone and the plain baseline in BENCHMARKS.md ("NLP").
- "topics": a half-balanced LinearSVC (class weight (n / (classes × count)) ** 0.5) and
  complement naive Bayes at half weight. Full balance costs accuracy on the common topics,
  none costs macro-F1 on the rare ones; naive Bayes is confident on the posts whose words
  belong to one topic only, which ranks correct answers first (coverage at 97% precision),
  and trains in a fraction of the SGD model's time.
"""

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from nlp.calibrated import CalibratedSVM

# preset -> (kind, balance, weight) per member
PRESETS: dict[str, tuple[tuple[str, float, float], ...]] = {
    "labels": (("svm", 1.0, 1.0), ("logistic", 1.0, 1.0)),
    "topics": (("svm", 0.5, 1.0), ("nb", 1.0, 0.5)),
}


class LinearEnsemble:
    """Calibrated linear models (see PRESETS), their probabilities averaged with weights."""

    def __init__(self, *, seed: int = 0, preset: str = "labels") -> None:
        if preset not in PRESETS:
            raise ValueError(f"unknown ensemble preset {preset!r}")
        self.preset = preset
        self.members = [CalibratedSVM(seed=seed, kind=kind, balance=balance)
                        for kind, balance, _ in PRESETS[preset]]  # fmt: skip
        self.member_weights = tuple(weight for _, _, weight in PRESETS[preset])
        self.classes_: np.ndarray = np.array([])

    def __setstate__(self, state: dict[str, Any]) -> None:
        if "members" not in state:  # pickled before presets: an SVM and a logistic model
            state = dict(state)
            members = [state.pop("svm"), state.pop("logistic")]
            state |= {"preset": "labels", "members": members, "member_weights": (1.0, 1.0)}
        self.__dict__.update(state)

    def weighted_members(self) -> list[tuple[CalibratedSVM, float]]:
        return list(zip(self.members, self.member_weights, strict=True))

    def fit(self, features: sp.csr_matrix, labels: Sequence[str]) -> "LinearEnsemble":
        self._side_by_side = None
        for member in self.members:
            member.fit(features, labels)
        first = list(self.members[0].classes_)
        if any(list(member.classes_) != first for member in self.members):
            raise ValueError("the models disagree on the classes")  # all sort: cannot happen
        self.classes_ = self.members[0].classes_
        return self

    def __getstate__(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if key != "_side_by_side"}

    def predict_proba(self, features: sp.csr_matrix) -> np.ndarray:
        products = self._products(features)
        total = sum(weight * member.probabilities(product)
                    for (member, weight), product in zip(self.weighted_members(), products,
                                                         strict=True))  # fmt: skip
        return np.asarray(total / sum(self.member_weights))

    def _products(self, features: sp.csr_matrix) -> list[np.ndarray]:
        """Each member's `features @ weights`, from one product with their weights side by
        side: the features are walked once, and every score is summed in the same order as
        alone, so it is bit for bit the same (tests/nlp/test_ensemble_products.py)."""
        cached = self.__dict__.get("_side_by_side")
        if cached is None:
            own = [member.weights()[0] for member in self.members]
            edges = list(zip(np.cumsum([0] + [w.shape[1] for w in own[:-1]]),
                             np.cumsum([w.shape[1] for w in own]), strict=True))  # fmt: skip
            weights = np.ascontiguousarray(np.hstack(own))
            for member, (start, stop) in zip(self.members, edges, strict=True):
                member.share_weights(weights[:, start:stop])  # one copy of the weights in all
            cached = self._side_by_side = (weights, edges)
        weights, edges = cached
        product = np.asarray(features @ weights)
        return [product[:, start:stop] for start, stop in edges]
