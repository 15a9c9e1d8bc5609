"""Accuracy, macro-F1 and coverage at 97% precision: Otklik's classifier beside the baseline.

    .venv/bin/python -m benchmarks.nlp_accuracy kursk            # 5-fold cross-validation
    .venv/bin/python -m benchmarks.nlp_accuracy spb [--limit N]  # Oct 2020–Feb 2021 -> March 2021

Reads ../shared/data/appeals in place. Category figures come from the topic model (a topic
implies its category); the baseline is trained separately on each label column.
"""

import argparse
import json
import random
import time
from collections.abc import Sequence

import pandas as pd

from benchmarks.nlp_common import SHARED, Baseline, summary
from nlp.classifier import Example, majority_categories, train_bundle
from nlp.corpus import readable_names
from nlp.lemmas import Lemmatizer


def run_split(
    train: pd.DataFrame, test: pd.DataFrame, category: str, topic: str, lemmatizer: Lemmatizer
) -> dict[str, dict]:
    texts, test_texts = train["text"].tolist(), test["text"].tolist()
    mapping = majority_categories(list(zip(train[topic], train[category], strict=True)))
    started = time.perf_counter()
    bundle = train_bundle([Example(t, lab) for t, lab in zip(texts, train[topic], strict=True)],
                          lemmatizer=lemmatizer, topic_category=mapping,
                          label_names=readable_names(train[topic]))  # fmt: skip
    predictions = bundle.predict(test_texts, lemmatizer)
    ours_seconds = time.perf_counter() - started
    out: dict[str, dict] = {"seconds": {"ours": round(ours_seconds, 1)}}
    out["category"] = {"ours": summary(test[category], [p.category for p in predictions],
                                       [p.category_confidence for p in predictions])}  # fmt: skip
    offered = [[p.topic, *(t for t, _, _ in p.alternatives)] for p in predictions]
    confidence = [p.topic_confidence for p in predictions]
    topics = [p.topic for p in predictions]
    out["topic"] = {"ours": summary(test[topic], topics, confidence, offered)}
    started = time.perf_counter()
    lowered, test_lowered = [t.lower() for t in texts], [t.lower() for t in test_texts]
    for column, level in ((category, "category"), (topic, "topic")):
        labels, scores, top = Baseline().fit(lowered, train[column]).predict(test_lowered)
        out[level]["baseline"] = summary(test[column], labels, scores,
                                         top if level == "topic" else None)  # fmt: skip
    out["seconds"]["baseline"] = round(time.perf_counter() - started, 1)
    return out


def average(results: Sequence[dict]) -> dict:
    def mean(path: Sequence[str]) -> float:
        values = []
        for result in results:
            node = result
            for key in path:
                node = node[key]
            values.append(node)
        return round(sum(values) / len(values), 4)

    return {
        level: {who: {m: mean([level, who, m]) for m in results[0][level][who]}
                for who in ("ours", "baseline")}
        for level in ("category", "topic")
    }  # fmt: skip


def kursk(lemmatizer: Lemmatizer, folds: int) -> dict:
    frame = pd.read_csv(SHARED / "appeals" / "kursk_train.csv", dtype=str).dropna(subset=["text"])
    order = list(range(len(frame)))
    random.Random(0).shuffle(order)
    results = []
    for fold in range(folds):
        test_rows = set(order[fold::folds])
        mask = [i in test_rows for i in range(len(frame))]
        test, train = frame[mask], frame[[not m for m in mask]]
        results.append(run_split(train, test, "category", "theme", lemmatizer))
    return {"corpus": "kursk", "rows": len(frame), "folds": folds, **average(results)}


def spb(lemmatizer: Lemmatizer, limit: int | None) -> dict:
    frame = pd.read_csv(SHARED / "appeals" / "spb_train.csv.gz", dtype=str).dropna(
        subset=["text", "category", "reason"]
    )
    month = frame["created_dt"].str[:7]
    train, test = frame[month < "2021-03"], frame[month == "2021-03"]
    if limit:
        train = train.sample(n=min(limit, len(train)), random_state=0)
        test = test.sample(n=min(limit // 4, len(test)), random_state=0)
    result = run_split(train, test, "category", "reason", lemmatizer)
    return {"corpus": "spb", "train_rows": len(train), "test_rows": len(test), **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", choices=["kursk", "spb"])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="SPb: subsample train rows")
    args = parser.parse_args()
    lemmatizer = Lemmatizer()
    result = (
        kursk(lemmatizer, args.folds) if args.corpus == "kursk" else spb(lemmatizer, args.limit)
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
