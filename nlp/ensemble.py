"""Two linear models over the same features, their probabilities averaged.

A LinearSVC (hinge loss) and a logistic-loss model trained by SGD make different mistakes;
each is temperature-scaled on a held-out slice of the training data, so neither one's
over-confidence dominates, and their probabilities are averaged. Measured against either
alone and the plain baseline in BENCHMARKS.md ("NLP").
"""

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from nlp.calibrated import CalibratedSVM


class LinearEnsemble:
    """A calibrated LinearSVC and a calibrated logistic-loss model, averaged."""

    def __init__(self, *, seed: int = 0) -> None:
        self.svm = CalibratedSVM(seed=seed)
        self.logistic = CalibratedSVM(seed=seed, kind="logistic")
        self.classes_: np.ndarray = np.array([])

    def fit(self, features: sp.csr_matrix, labels: Sequence[str]) -> "LinearEnsemble":
        self.svm.fit(features, labels)
        self.logistic.fit(features, labels)
        if list(self.svm.classes_) != list(self.logistic.classes_):
            raise ValueError("the two models disagree on the classes")  # both sort: cannot happen
        self.classes_ = self.svm.classes_
        return self

    @property
    def members(self) -> list[CalibratedSVM]:
        return [self.svm, self.logistic]

    def predict_proba(self, features: sp.csr_matrix) -> np.ndarray:
        svm = self.svm.predict_proba(features)
        logistic = self.logistic.predict_proba(features)
        return np.asarray((svm + logistic) / 2)
