"""Category accuracy on real signals in residents' own words (the ЦУР feed and hand labels).

    .venv/bin/python -m benchmarks.social_categories [--shared ../shared/data]
        [--place-keep 1] [--no-kursk] [--no-house] [--no-marks] [--no-trade]
        [--no-vectors] [--show-dev-misses]

The shipped category model (data/social_categories.npz) is learned from these very rows (and
the authored seed signals at CATEGORY_SEED_WEIGHT, with a prior learned from the SPb portal
appeals mixed in at CATEGORY_PRIOR_SHARE), except the odd rows of the SPb
administration-page comments (benchmarks.social_signal.category_holdout). It is measured
by 5-fold cross-validation over all signals (a model fitted on the other folds, averaged
into the cold-start model's categories as the annotator does) and by leaving rows out
(fitted on every other signal): the ЦУР feed whole; the SPb comments' odd rows — the
hold-out, only ever measured, like the Kursk gold file's (benchmarks/nlp_geo.py), the
model fitted with the even (dev) rows as the shipped one is; and that file whole, as
before the split. Errors are read on the even rows only (their accuracy per category and
confusions with the file left out; `--show-dev-misses` prints them, texts on the console
only). `--place-keep 1`: without the street / yard side of the place nouns (nlp.places).
`--prior-share 0.5 --weight 0.7 --unbalanced`: the build of session cat1, in the same
run's terms; `--no-kursk --no-house --weight 0.9`: the build before session 22 (the prior
without the Kursk appeals, no house's side of the place nouns); `--no-marks --no-trade`: the
build before session cat3 (marks on walls not on the house's side, no trade's side);
`--no-vectors`: the build before session navcat (no navec vectors in the category model).

Rows: the hand-labelled signals of ../shared/data/social (benchmarks/labels/*.csv). Truth:
the hand label's category; for the ЦУР feed also the operators' own `direction` mapped to our
categories (each row's code in benchmarks/labels/spb_cur_directions.csv, by the rubric of
README_cur_directions.md). Predictions: the cold-start model (what a fresh install ships),
beside a TF-IDF + logistic regression baseline fitted in the same run on the same seed
examples the cold-start model learns from.
"""

import argparse
import csv
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from natasha import NewsEmbedding
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from benchmarks.nlp_common import SHARED
from benchmarks.social_signal import (
    CATEGORY_BALANCED,
    CATEGORY_PRIOR_SHARE,
    LABELS,
    SPB_COMMENTS,
    Seeds,
    appeal_prior,
    fit_category_model,
    labelled_items,
    seed_categories,
)
from models.annotation import PostContext
from nlp.address import AddressParser
from nlp.classifier import ClassifierBundle
from nlp.coldstart import cold_start_bundle, seed_examples, topic_categories
from nlp.features import prepare
from nlp.lemmas import Lemmatizer
from nlp.places import PLACE_KEEP, street_or_yard, with_place_sides
from nlp.social import CATEGORY_WEIGHT, SignalFeatures, SocialCategoryModel
from nlp.vectors import TextVectors
from otklik.paths import DATA_DIR


def signal_rows(shared: Path) -> list[tuple[str, str, str, str | None, int]]:
    """(file, text, hand category, the ЦУР direction's category or None, data row) per
    labelled signal."""
    with (LABELS / "spb_cur_directions.csv").open(encoding="utf-8", newline="") as handle:
        directions = {int(r["row"]): r["category"] for r in csv.DictReader(handle)}
    return [
        (item.file, item.text, item.category,
         directions.get(item.row) if item.file == CUR_FEED else None,
         item.row)
        for item in labelled_items(shared)
        if item.is_signal and item.category
    ]  # fmt: skip


CUR_FEED = "spb_cur_incidents_2022"


# house numbers for the street / yard side (the annotator's parser also knows the gazetteer's
# towns, so that «Краснокамск 5» is not a street; none of these texts names one so)
ADDRESSES = AddressParser(Lemmatizer())


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
    vectors: np.ndarray | None,
    seeds: Seeds,
    prior: SocialCategoryModel | None,
    prior_share: float,
    weight: float,
    balanced: bool,
    keep: float,
    house: bool = True,
    marks: bool = True,
    trade: bool = True,
) -> list[tuple[str, float]]:
    """The product's categories and their confidence for `test`: the bundle with a category
    model fitted on `train` (and the authored seed signals and the appeals' prior, as `build`
    fits it), with the street / yard side of each text's place nouns (`nlp.places`, the other
    side keeping `keep`; 1: not used), averaged in at `weight`. `vectors`: every row's navec
    vector (None: the model without them)."""
    model = fit_category_model(matrix[train], [rows[i][2] for i in train], seeds=seeds,
                               prior=prior, prior_share=prior_share, balanced=balanced,
                               vectors=None if vectors is None else vectors[train])  # fmt: skip
    sides = [street_or_yard(prepared[i][0], rows[i][1], ADDRESSES, house=house, marks=marks,
                            trade=trade) for i in test]  # fmt: skip
    dense = None if vectors is None else vectors[test]
    probs = with_place_sides(model.probabilities(matrix[test], vectors=dense), list(model.classes),
                             sides, keep)  # fmt: skip
    hint = (list(model.classes), probs, weight)
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
    parser.add_argument(
        "--place-keep", type=float, default=PLACE_KEEP,
        help="The share of the roads / amenities side a text's place nouns do not name that "
        "stays with it (nlp.places; 1: place nouns not used).",
    )  # fmt: skip
    parser.add_argument(
        "--no-house", action="store_true",
        help="Without the house's side of the place nouns (nlp.places.HOUSE_LEMMAS; the build "
        "before session 22).",
    )  # fmt: skip
    parser.add_argument(
        "--no-marks", action="store_true",
        help="Without the marks on walls on the house's side (nlp.places.MARK_LEMMAS; the "
        "build before session cat3).",
    )  # fmt: skip
    parser.add_argument(
        "--no-trade", action="store_true",
        help="Without trade's side of the place nouns (nlp.places.TRADE_LEMMAS; the build "
        "before session cat3).",
    )  # fmt: skip
    parser.add_argument(
        "--no-kursk", action="store_true",
        help="The appeals' prior from the SPb appeals alone (the build before session 22).",
    )  # fmt: skip
    parser.add_argument(
        "--no-vectors", action="store_true",
        help="The category model without the texts' navec vectors (nlp.vectors; the build "
        "before session navcat).",
    )  # fmt: skip
    parser.add_argument(
        "--show-dev-misses", action="store_true",
        help="Print the SPb comments' dev (even) rows the model gets wrong, file left out.",
    )  # fmt: skip
    args = parser.parse_args()
    show_dev_misses = args.show_dev_misses
    rows = signal_rows(args.shared)
    texts = [row[1] for row in rows]
    lemmatizer = Lemmatizer()
    prepared = prepare(texts, lemmatizer)
    matrix = SignalFeatures().transform(prepared, [PostContext()] * len(texts), structure=False)
    vectors = None if args.no_vectors else TextVectors(NewsEmbedding())
    seeds = seed_categories(lemmatizer, vectors)
    row_vectors = None if vectors is None else vectors.transform([low for _, low in prepared])
    prior = (appeal_prior(args.shared, lemmatizer, kursk=not args.no_kursk)
             if args.prior_share > 0 else None)  # fmt: skip
    balanced = CATEGORY_BALANCED and not args.unbalanced
    fit = (row_vectors, seeds, prior, args.prior_share, args.weight, balanced, args.place_keep,
           not args.no_house, not args.no_marks, not args.no_trade)  # fmt: skip
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
    spb = [i for i, row in enumerate(rows) if row[0] == SPB_COMMENTS]
    odd = [i for i in spb if rows[i][4] % 2 == 1]  # the hold-out (social_signal.SPB_COMMENTS)
    even = [i for i in spb if rows[i][4] % 2 == 0]
    splits = {  # test rows; the model is fitted on every other signal
        "cur": cur, "spb_file": spb, "spb_odd": odd,
    }  # fmt: skip
    held: dict[str, list[str]] = {}
    for name, test in splits.items():
        train = [i for i in range(len(rows)) if i not in set(test)]
        held[name] = [c for c, _ in blended(bundle, prepared, matrix, rows, train, test, *fit)]
    file_left_out = dict(zip(spb, held["spb_file"], strict=True))
    base = baseline(texts)
    report: dict[str, Any] = {}
    for name, picked in (("all_signals", list(range(len(rows)))), ("cur_feed", cur)):
        hand = [rows[i][2] for i in picked]
        report[name] = {
            "cold_start_vs_hand": accuracy(hand, [ours[i] for i in picked]),
            "shipped_cv5_vs_hand": accuracy(hand, [cv[i] for i in picked]),
            "baseline_vs_hand": accuracy(hand, [base[i] for i in picked]),
        }
    truth = {i: rows[i][2] for i in spb}
    report["spb_admin_comments"] = {
        # the hold-out: odd rows, the model fitted on every other signal (dev rows included)
        "odd_rows_held_out": {
            "shipped_vs_hand": accuracy([truth[i] for i in odd], held["spb_odd"]),
            "cold_start_vs_hand": accuracy([truth[i] for i in odd], [ours[i] for i in odd]),
            "baseline_vs_hand": accuracy([truth[i] for i in odd], [base[i] for i in odd]),
        },
        # as before the split: the whole file left out
        "file_left_out": {
            "shipped_vs_hand": accuracy([truth[i] for i in spb], held["spb_file"]),
            "cold_start_vs_hand": accuracy([truth[i] for i in spb], [ours[i] for i in spb]),
            "baseline_vs_hand": accuracy([truth[i] for i in spb], [base[i] for i in spb]),
            "shipped_cv5_vs_hand": accuracy([truth[i] for i in spb], [cv[i] for i in spb]),
        },
        # errors are read on the even (dev) rows only, with the whole file left out
        "dev_rows_file_left_out": {
            **accuracy([truth[i] for i in even], [file_left_out[i] for i in even]),
            **per_category([truth[i] for i in even], [file_left_out[i] for i in even]),
        },
    }
    if show_dev_misses:
        for i in even:
            if truth[i] != file_left_out[i]:
                print(f"{rows[i][4]}\t{truth[i]}->{file_left_out[i]}\t{rows[i][1][:300]!r}",
                      file=sys.stderr)  # fmt: skip
    lofo = accuracy([rows[i][2] for i in cur], held["cur"])
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
    misses = Counter((rows[i][2], cv[i]) for i in range(len(rows))
                     if rows[i][2] != cv[i] and i not in set(odd))  # fmt: skip
    report["top_confusions_cv5"] = [f"{t}->{p}: {n}" for (t, p), n in misses.most_common(8)]
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
