"""Topic figures beside the category chosen first: contradictions and auto-accept.

    OTKLIK_SHARED_DATA=/work/shared/data .venv/bin/python -m benchmarks.topic_figures

With the real-signal categories blended in (the annotator's `category_hint`) the category is
chosen first and the topic is its best; this counts how often the console then shows the
chosen topic's figure below an alternative's, or an alternative surer than the category
chosen over it, and what the auto-accept gates (`triage.thresholds.Thresholds`, without the
municipality, which these regions' posts do not resolve with the default gazetteer) let
through. Two sets of rows:

- `labelled_cv5`: every hand-labelled signal of ../shared/data/social, its category model
  fitted on the other folds (5-fold, as `benchmarks.social_categories`); truth the hand
  label's category. Gates: category and topic (the signal is known).
- `shipped_crawl`: every row of the social files through the shipped annotator (in sample
  for the labelled rows: the category model learned from them). Gates: signal, category,
  topic; precision over the labelled rows that pass (a real signal with the right category).

Run once with the code before a change (a detached worktree) and once with it after;
`--choices FILE` writes each row's chosen category and topic (codes only), to compare.
"""

import argparse
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from natasha import NewsEmbedding
from sklearn.model_selection import KFold

from benchmarks.nlp_common import SHARED
from benchmarks.nlp_throughput import load_annotator
from benchmarks.social_categories import ADDRESSES, signal_rows
from benchmarks.social_signal import (
    CATEGORY_BALANCED,
    CATEGORY_PRIOR_SHARE,
    FILES,
    _community_roles,
    _context,
    appeal_prior,
    fit_category_model,
    seed_categories,
    shared_rows,
    signal_labels,
)
from models.annotation import PostAnnotation, PostContext
from nlp.classifier import Prediction
from nlp.coldstart import cold_start_bundle
from nlp.features import prepare
from nlp.lemmas import Lemmatizer
from nlp.places import PLACE_KEEP, street_or_yard, with_place_sides
from nlp.social import CATEGORY_WEIGHT, SignalFeatures
from nlp.vectors import TextVectors
from otklik.paths import DATA_DIR
from triage.thresholds import Thresholds

BATCH = 64
TOPIC_CUTS = (0.2, 0.3, 0.4, 0.5)


def figures(topic: float, category: float, alternatives: Sequence[float]) -> dict[str, bool]:
    """Whether a shown topic contradicts its alternatives' figures."""
    best = max(alternatives, default=0.0)
    return {"topic_below_alternative": topic < best, "alternative_above_category": best > category}


def summary(rows: list[dict[str, Any]], topic_accept: float) -> dict[str, Any]:
    """Counts of contradictions; auto-accept coverage and precision (where truth is known)
    at the default topic threshold and at lower ones."""
    return {
        "rows": len(rows),
        "topic_below_alternative": sum(r["topic_below_alternative"] for r in rows),
        "alternative_above_category": sum(r["alternative_above_category"] for r in rows),
        "auto_accept": accepted(rows, topic_accept),
        "auto_accept_by_topic_threshold": {
            cut: accepted(rows, cut) for cut in TOPIC_CUTS if cut < topic_accept
        },
    }


def accepted(rows: list[dict[str, Any]], topic_accept: float) -> dict[str, float | int]:
    """The rows through the other gates whose topic figure reaches `topic_accept`."""
    passed = [r for r in rows if r["other_gates"] and r["topic"] >= topic_accept]
    judged = [r["right"] for r in passed if r["right"] is not None]
    precision = round(sum(judged) / max(len(judged), 1), 3)
    return {"count": len(passed), "judged": len(judged), "precision": precision}


def labelled_cv5(shared: Path, lemmatizer: Lemmatizer, gates: Thresholds) -> dict[str, Any]:
    """The hand-labelled signals, each predicted with a category model not fitted on it."""
    rows = signal_rows(shared)
    texts = [row[1] for row in rows]
    prepared = prepare(texts, lemmatizer)
    matrix = SignalFeatures().transform(prepared, [PostContext()] * len(texts), structure=False)
    vectors = TextVectors(NewsEmbedding())
    seeds = seed_categories(lemmatizer, vectors)
    dense = vectors.transform([low for _, low in prepared])
    prior = appeal_prior(shared, lemmatizer)
    with tempfile.TemporaryDirectory() as cache:
        bundle = cold_start_bundle(DATA_DIR, cache_dir=Path(cache), lemmatizer=lemmatizer)
    out: list[dict[str, Any]] = []
    for train, test in KFold(5, shuffle=True, random_state=0).split(texts):
        model = fit_category_model(matrix[train], [rows[i][2] for i in train], seeds=seeds,
                                   prior=prior, prior_share=CATEGORY_PRIOR_SHARE,
                                   balanced=CATEGORY_BALANCED, vectors=dense[train])  # fmt: skip
        sides = [street_or_yard(prepared[i][0], rows[i][1], ADDRESSES) for i in test]
        probs = with_place_sides(model.probabilities(matrix[test], vectors=dense[test]),
                                 list(model.classes), sides, PLACE_KEEP)  # fmt: skip
        hint = (list(model.classes), probs, CATEGORY_WEIGHT)
        predicted = bundle.predict_prepared([prepared[i] for i in test], category_hint=hint)
        out += [_labelled(p, rows[i][2], gates) | {"row": int(i)}
                for i, p in zip(test, predicted, strict=True)]  # fmt: skip
    out.sort(key=lambda r: r["row"])
    return out


def _labelled(prediction: Prediction, truth: str, gates: Thresholds) -> dict[str, Any]:
    others = prediction.category_confidence >= gates.category_accept
    hit = prediction.category == truth
    shown = figures(prediction.topic_confidence, prediction.category_confidence,
                    [share for _, _, share in prediction.alternatives])  # fmt: skip
    shown_topic = round(prediction.topic_confidence, 4)  # both to the alternatives' places
    level = [c for _, c, share in prediction.alternatives
             if round(share, 4) >= shown_topic and c != prediction.category]  # fmt: skip
    return shown | {
        "other_gates": others,
        "topic": prediction.topic_confidence,
        "right": hit,
        "choice": [prediction.category, prediction.topic],
        "level_category_right": (level[0] == truth) if level else None,
    }


def shipped_crawl(shared: Path, gates: Thresholds) -> list[dict[str, Any]]:
    """Every row of the social files through the shipped annotator."""
    roles = _community_roles()
    labels = signal_labels()
    out: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as scratch:
        annotator = load_annotator(Path(scratch))
        for name in FILES:
            rows = shared_rows(shared, name)
            known = labels.get(name, {})
            for start in range(0, len(rows), BATCH):
                chunk = rows[start : start + BATCH]
                texts = [r.get("text") or r.get("Текст комментария") or "" for r in chunk]
                contexts = [_context(name, r, known.get(start + k, {}).get("kind", ""), roles)
                            for k, r in enumerate(chunk)]  # fmt: skip
                for k, annotation in enumerate(annotator.annotate(texts, contexts=contexts)):
                    if annotation.is_signal and annotation.topic_code:
                        out.append(_crawled(annotation, known.get(start + k), gates)
                                   | {"row": f"{name}:{start + k}"})  # fmt: skip
    return out


def _crawled(
    annotation: PostAnnotation, label: dict[str, str] | None, gates: Thresholds
) -> dict[str, Any]:
    offered = annotation.reasons.get("alternatives", [])
    others = (annotation.signal_confidence >= gates.signal_accept
              and annotation.category_confidence >= gates.category_accept)  # fmt: skip
    right = None
    if label is not None:
        right = label["signal"] == "1" and label["category"] == annotation.category_code
    shown = figures(annotation.topic_confidence, annotation.category_confidence,
                    [a["confidence"] for a in offered])  # fmt: skip
    choice = [annotation.category_code, annotation.topic_code]
    return shown | {"other_gates": others, "topic": annotation.topic_confidence, "right": right,
                    "choice": choice}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="The shared data directory.")
    parser.add_argument("--choices", type=Path, help="Write each row's category and topic here.")
    args = parser.parse_args()
    gates = Thresholds()
    rows = {
        "labelled_cv5": labelled_cv5(args.shared, Lemmatizer(), gates),
        "shipped_crawl": shipped_crawl(args.shared, gates),
    }
    report = {name: summary(found, gates.topic_accept) for name, found in rows.items()}
    labelled = rows["labelled_cv5"]
    report["labelled_cv5"]["category_accuracy"] = round(
        sum(r["right"] for r in labelled) / len(labelled), 4
    )
    # rows whose first alternative of another category is shown at the chosen topic's figure
    # (capped there since the change): which category was right
    level = [r for r in labelled if r["level_category_right"] is not None]
    report["labelled_cv5"]["alternative_at_topic_figure"] = {
        "rows": len(level),
        "chosen_category_right": sum(r["right"] for r in level),
        "alternative_category_right": sum(r["level_category_right"] for r in level),
    }
    if args.choices is not None:
        choices = {
            name: {str(r["row"]): r["choice"] for r in found} for name, found in rows.items()
        }
        args.choices.write_text(json.dumps(choices, indent=0), "utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
