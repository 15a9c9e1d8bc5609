"""Category accuracy on real signals in residents' own words (the ЦУР feed and hand labels).

    .venv/bin/python -m benchmarks.social_categories [--shared ../shared/data]

The shipped category model (data/social_categories.npz) is learned from these very rows (and
the authored seed signals at CATEGORY_SEED_WEIGHT, with a prior learned from the SPb portal
appeals mixed in at CATEGORY_PRIOR_SHARE), so it is measured by 5-fold cross-validation (a
model fitted on the other folds, averaged into the cold-start model's categories as the
annotator does) and by leaving a whole file out (fitted on the other files' signals only):
the ЦУР feed, and the SPb administration-page comments. `--prior-share 0.5 --weight 0.7
--unbalanced`: the previous build (classes not balanced), in the same run's terms. For the
second file held out, its accuracy per category and its confusions are printed too (the
error analysis in BENCHMARKS.md).

Rows: the hand-labelled signals of ../shared/data/social (benchmarks/labels/*.csv). Truth:
the hand label's category; for the ЦУР feed also the operators' own `direction` mapped to our
categories by benchmarks/labels/cur_directions.csv. Predictions: the cold-start model (what a
fresh install ships), beside a TF-IDF + logistic regression baseline fitted in the same run on
the same seed examples the cold-start model learns from.
"""

import argparse
import csv
import json
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from benchmarks.nlp_common import SHARED
from benchmarks.social_signal import (
    CATEGORY_BALANCED,
    CATEGORY_PRIOR_SHARE,
    LABELS,
    appeal_prior,
    fit_category_model,
    labelled_items,
    seed_categories,
    shared_rows,
)
from models.annotation import PostContext
from nlp.classifier import ClassifierBundle
from nlp.coldstart import cold_start_bundle, seed_examples, topic_categories
from nlp.features import prepare
from nlp.lemmas import Lemmatizer
from nlp.social import CATEGORY_WEIGHT, SignalFeatures, SocialCategoryModel
from otklik.paths import DATA_DIR


def signal_rows(shared: Path) -> list[tuple[str, str, str, str | None]]:
    """(file, text, hand category, the ЦУР direction's category or None) per labelled signal."""
    with (LABELS / "cur_directions.csv").open(encoding="utf-8", newline="") as handle:
        directions = {r["direction"]: r["category"] for r in csv.DictReader(handle)}
    feed = shared_rows(shared, CUR_FEED)
    return [
        (item.file, item.text, item.category,
         directions.get(feed[item.row]["direction"]) if item.file == CUR_FEED else None)
        for item in labelled_items(shared)
        if item.is_signal and item.category
    ]  # fmt: skip


CUR_FEED = "spb_cur_incidents_2022"
SPB_COMMENTS = "spb_vk_comments_sample"  # the second file left out whole


def baseline(texts: list[str]) -> list[str]:
    """TF-IDF (word 1–2 + char 2–5) + logistic regression on the seed examples' categories."""
    mapping = topic_categories(DATA_DIR)
    seed = [e for e in seed_examples(DATA_DIR) if e.is_signal and e.label]
    seed_texts = [e.text.lower() for e in seed]
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    matrix = sp.hstack([words.fit_transform(seed_texts), chars.fit_transform(seed_texts)]).tocsr()
    labels = [mapping[e.label or ""] for e in seed]
    model = LogisticRegression(C=10, max_iter=2000).fit(matrix, labels)
    lowered = [t.lower() for t in texts]
    held = sp.hstack([words.transform(lowered), chars.transform(lowered)]).tocsr()
    return list(model.predict(held))


def accuracy(truth: list[str | None], predicted: list[str]) -> dict[str, float | int]:
    pairs = [(t, p) for t, p in zip(truth, predicted, strict=True) if t]
    hits = sum(t == p for t, p in pairs)
    return {"n": len(pairs), "accuracy": round(hits / max(len(pairs), 1), 3)}


def per_category(truth: list[str], predicted: list[str]) -> dict[str, Any]:
    """Right / all per true category, and the most frequent confusions (truth->predicted)."""
    counts = Counter(truth)
    hits = Counter(t for t, p in zip(truth, predicted, strict=True) if t == p)
    misses = Counter((t, p) for t, p in zip(truth, predicted, strict=True) if t != p)
    return {
        "left_out_per_category": {c: f"{hits[c]}/{n}" for c, n in counts.most_common()},
        "left_out_confusions": [f"{t}->{p}: {n}" for (t, p), n in misses.most_common(10)],
    }


def blended(
    bundle: ClassifierBundle,
    prepared: list,
    matrix: Any,
    rows: list,
    train: Any,
    test: Any,
    seeds: tuple[Any, list[str]],
    prior: SocialCategoryModel | None,
    prior_share: float,
    weight: float,
    balanced: bool,
) -> list[tuple[str, float]]:
    """The product's categories and their confidence for `test`: the bundle with a category
    model fitted on `train` (and the authored seed signals and the appeals' prior, as `build`
    fits it), averaged in at `weight`."""
    model = fit_category_model(matrix[train], [rows[i][2] for i in train], seeds=seeds,
                               prior=prior, prior_share=prior_share,
                               balanced=balanced)  # fmt: skip
    hint = (list(model.classes), model.probabilities(matrix[test]), weight)
    picked = [prepared[i] for i in test]
    predictions = bundle.predict_prepared(picked, category_hint=hint)
    return [(p.category or "", p.category_confidence) for p in predictions]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="The shared data directory.")
    parser.add_argument(
        "--prior-share", type=float, default=CATEGORY_PRIOR_SHARE,
        help="The appeals' prior's share in the category model (0: no prior).",
    )  # fmt: skip
    parser.add_argument(
        "--weight", type=float, default=CATEGORY_WEIGHT,
        help="The category model's weight when averaged with the cold-start model's.",
    )  # fmt: skip
    parser.add_argument(
        "--unbalanced", action="store_true",
        help="Fit the real-signal category model without balancing its classes.",
    )  # fmt: skip
    args = parser.parse_args()
    rows = signal_rows(args.shared)
    texts = [text for _, text, _, _ in rows]
    lemmatizer = Lemmatizer()
    prepared = prepare(texts, lemmatizer)
    matrix = SignalFeatures().transform(prepared, [PostContext()] * len(texts), structure=False)
    seeds = seed_categories(lemmatizer)
    prior = appeal_prior(args.shared, lemmatizer) if args.prior_share > 0 else None
    balanced = CATEGORY_BALANCED and not args.unbalanced
    fit = (seeds, prior, args.prior_share, args.weight, balanced)
    with tempfile.TemporaryDirectory() as cache:
        bundle = cold_start_bundle(DATA_DIR, cache_dir=Path(cache), lemmatizer=lemmatizer)
    ours = [p.category or "" for p in bundle.predict_prepared(prepared)]
    cv = [""] * len(rows)
    sure = [0.0] * len(rows)
    for train, test in KFold(5, shuffle=True, random_state=0).split(texts):
        picked = blended(bundle, prepared, matrix, rows, train, test, *fit)
        for i, (category, confidence) in zip(test, picked, strict=True):
            cv[i], sure[i] = category, confidence
    cur = [i for i, row in enumerate(rows) if row[0] == CUR_FEED]
    held_out = {}  # a whole file left out: the model fitted on the other files' signals
    spb_errors: dict[str, Any] = {}
    for name in (CUR_FEED, SPB_COMMENTS):
        test = [i for i, row in enumerate(rows) if row[0] == name]
        train = [i for i, row in enumerate(rows) if row[0] != name]
        picked = blended(bundle, prepared, matrix, rows, train, test, *fit)
        held_out[name] = accuracy([rows[i][2] for i in test], [c for c, _ in picked])
        if name == SPB_COMMENTS:
            spb_errors = per_category([rows[i][2] for i in test], [c for c, _ in picked])
    lofo = held_out.pop(CUR_FEED)
    base = baseline(texts)
    report: dict[str, Any] = {}
    for name, picked in (("all_signals", list(range(len(rows)))), ("cur_feed", cur)):
        hand = [rows[i][2] for i in picked]
        report[name] = {
            "cold_start_vs_hand": accuracy(hand, [ours[i] for i in picked]),
            "shipped_cv5_vs_hand": accuracy(hand, [cv[i] for i in picked]),
            "baseline_vs_hand": accuracy(hand, [base[i] for i in picked]),
        }
    spb = [i for i, row in enumerate(rows) if row[0] == SPB_COMMENTS]
    report["spb_admin_comments"] = {
        "cold_start_vs_hand": accuracy([rows[i][2] for i in spb], [ours[i] for i in spb]),
        "shipped_cv5_vs_hand": accuracy([rows[i][2] for i in spb], [cv[i] for i in spb]),
        "shipped_left_out_vs_hand": held_out[SPB_COMMENTS],
        "baseline_vs_hand": accuracy([rows[i][2] for i in spb], [base[i] for i in spb]),
        **spb_errors,
    }
    direction = [rows[i][3] for i in cur]
    report["cur_feed"] |= {
        "shipped_leave_cur_out_vs_hand": lofo,
        "cold_start_vs_direction": accuracy(direction, [ours[i] for i in cur]),
        "shipped_cv5_vs_direction": accuracy(direction, [cv[i] for i in cur]),
        "baseline_vs_direction": accuracy(direction, [base[i] for i in cur]),
    }
    # where OTKLIK_TRIAGE_CATEGORY_ACCEPT can sit: accuracy of the categories at or above
    # each confidence (5-fold CV, all signals)
    report["cv5_confidence_curve"] = [
        {"confidence": cut, "share": round(sum(c >= cut for c in sure) / len(rows), 3),
         **accuracy([rows[i][2] for i in range(len(rows)) if sure[i] >= cut],
                    [cv[i] for i in range(len(rows)) if sure[i] >= cut])}
        for cut in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
    ]  # fmt: skip
    misses = Counter((rows[i][2], cv[i]) for i in range(len(rows)) if rows[i][2] != cv[i])
    report["top_confusions_cv5"] = [f"{t}->{p}: {n}" for (t, p), n in misses.most_common(8)]
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
