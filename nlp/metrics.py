"""Evaluation figures: accuracy, macro-F1, per-class figures, coverage, confusion matrix."""

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

PRECISION_TARGETS = (0.95, 0.97, 0.99)


def coverage_at_precision(
    confidence: Sequence[float], correct: Sequence[bool], target: float
) -> float:
    """The largest share of posts, taken most-confident first, whose precision stays ≥ target."""
    if not len(confidence):
        return 0.0
    order = np.argsort(-np.asarray(confidence, dtype=float), kind="stable")
    hits = np.cumsum(np.asarray(correct, dtype=float)[order])
    precision = hits / np.arange(1, len(order) + 1)
    ok = np.nonzero(precision >= target)[0]
    return float((ok.max() + 1) / len(order)) if len(ok) else 0.0


def classification_report(
    truth: Sequence[str], predicted: Sequence[str], confidence: Sequence[float]
) -> dict[str, object]:
    labels = sorted(set(truth) | set(predicted))
    precision, recall, _, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    correct = [t == p for t, p in zip(truth, predicted, strict=True)]
    return {
        "n": len(truth),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, average="macro", zero_division=0)), 4),
        "coverage": {
            f"{target:.2f}": round(coverage_at_precision(confidence, correct, target), 4)
            for target in PRECISION_TARGETS
        },
        "per_class": {
            label: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "support": int(s),
            }
            for label, p, r, s in zip(labels, precision, recall, support, strict=True)
        },
    }


def confusion(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, list[Any]]:
    """Rows: true label, columns: predicted label, both over the sorted union of labels."""
    labels = sorted(set(truth) | set(predicted))
    if not labels:
        return {"labels": [], "matrix": []}
    matrix = confusion_matrix(truth, predicted, labels=labels)
    return {"labels": labels, "matrix": [[int(cell) for cell in row] for row in matrix]}
