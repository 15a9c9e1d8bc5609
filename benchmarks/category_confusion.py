"""Which categories the classifier confuses: the pairs grouping treats as one problem.

    .venv/bin/python -m benchmarks.category_confusion --folds 5

The product's own seed examples (`data/seed_examples.csv`, topic -> category by
`data/taxonomy.json`) in k folds (a fixed shuffle): the cold-start model is trained on k-1
folds and predicts the category of the held-out fold. For every pair of categories the
"confusion share" is (a read as b + b read as a) / (examples of a + examples of b). Pairs at
or above `--min-share` are printed; `triage.related.CONFUSED_CATEGORIES` holds the utility
pairs among them (see BENCHMARKS.md, "Grouping").
"""

import argparse
import json
import random
from collections import Counter
from itertools import combinations

from nlp.classifier import train_bundle
from nlp.coldstart import seed_examples, topic_categories
from nlp.lemmas import Lemmatizer
from nlp.reference import topic_wordings
from otklik.paths import DATA_DIR


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--min-share", type=float, default=0.02)
    args = parser.parse_args()
    lemmatizer = Lemmatizer()
    categories = topic_categories(DATA_DIR)
    examples = [e for e in seed_examples(DATA_DIR) if e.is_signal]
    random.Random(14).shuffle(examples)
    confusion: Counter[tuple[str, str]] = Counter()
    for fold in range(args.folds):
        test = examples[fold :: args.folds]
        train = [e for i, e in enumerate(examples) if i % args.folds != fold]
        train += [e for e in seed_examples(DATA_DIR) if not e.is_signal]
        names = topic_wordings(DATA_DIR)
        bundle = train_bundle(
            train, lemmatizer=lemmatizer, topic_category=categories, label_names=names,
            meta={"name": "cv"},
        )  # fmt: skip
        predictions = bundle.predict([e.text for e in test], lemmatizer)
        for example, prediction in zip(test, predictions, strict=True):
            truth = categories[example.label or ""]
            confusion[(truth, prediction.category or "none")] += 1
    totals = Counter[str]()
    for (truth, _), count in confusion.items():
        totals[truth] += count
    pairs = []
    for a, b in combinations(sorted(totals), 2):
        mixed = confusion[(a, b)] + confusion[(b, a)]
        share = mixed / (totals[a] + totals[b])
        if share >= args.min_share:
            pairs.append({"pair": [a, b], "confused": mixed, "examples": totals[a] + totals[b],
                          "share": round(share, 3)})  # fmt: skip
    accuracy = sum(c for (t, p), c in confusion.items() if t == p) / sum(confusion.values())
    print(json.dumps({"examples": sum(totals.values()), "category_accuracy": round(accuracy, 3),
                      "pairs": sorted(pairs, key=lambda p: -p["share"])},
                     ensure_ascii=False, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
