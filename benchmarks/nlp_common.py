"""Shared helpers for the NLP benchmarks: data paths and the plain baseline."""

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from nlp.metrics import classification_report

# ../shared/data beside the checkout; OTKLIK_SHARED_DATA overrides it (a git worktree lives
# one level deeper: /work/wt/<branch> -> OTKLIK_SHARED_DATA=/work/shared/data).
SHARED = Path(
    os.environ.get("OTKLIK_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data"
)


class Baseline:
    """TF-IDF word 1–2 + char 2–5 grams into a LinearSVC, on the raw lowercased text."""

    def __init__(self) -> None:
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True)
        self.chars = TfidfVectorizer(analyzer="char", ngram_range=(2, 5), sublinear_tf=True,
                                     lowercase=True, max_features=300_000)  # fmt: skip
        self.svm = LinearSVC()

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "Baseline":
        matrix = sp.hstack([self.words.fit_transform(texts), self.chars.fit_transform(texts)])
        self.svm.fit(matrix.tocsr(), labels)
        return self

    def predict(self, texts: Sequence[str]) -> tuple[list[str], list[float], list[list[str]]]:
        """Labels, the top decision score (a ranking confidence for coverage) and the three
        best labels."""
        matrix = sp.hstack([self.words.transform(texts), self.chars.transform(texts)]).tocsr()
        scores = self.svm.decision_function(matrix)
        ranked = np.argsort(-scores, axis=1, kind="stable")[:, :3]
        best = ranked[:, 0]
        top = [list(self.svm.classes_[row]) for row in ranked]
        return list(self.svm.classes_[best]), list(scores[np.arange(len(best)), best]), top


def summary(
    truth: Sequence[str],
    predicted: Sequence[str],
    confidence: Sequence[float],
    top: Sequence[Sequence[str]] | None = None,
) -> dict:
    """Accuracy, macro-F1, coverage at 97% precision; with `top`, the share of posts whose
    true label is among those offered (the prediction and its runner-ups)."""
    report = classification_report(list(truth), list(predicted), list(confidence))
    figures = {"accuracy": report["accuracy"], "macro_f1": report["macro_f1"],
               "coverage_97": report["coverage"]["0.97"]}  # fmt: skip
    if top is not None:
        hits = sum(label in offered for label, offered in zip(truth, top, strict=True))
        figures["top_3"] = round(hits / max(len(truth), 1), 4)
    return figures
