"""Adverts by their words: where the commercial-offer rule fires on real social texts.

    .venv/bin/python -m benchmarks.commercial_offers [--out-of-fold]   # JSON: per file,
                                                                     # dev and hold-out

`nlp.structure` calls an item an advert by its words (`commercial_offer`): an offer for sale,
rent or money, a contact, and no complaint cue. This counts, on every row of the labelled
social files of ../shared/data/social (labelled or not), the items the rule decides that no
other structure rule decided before it, and what they are by the hand labels
(benchmarks/labels/*.csv): signals (lost to moderators: should be none), noise, not labelled.
Of the noise, `noise_the_model_passed` is the gain: items the shipped signal model
(data/social_signal.npz, at its group thresholds) sent to moderators and the rule now keeps
out. The labelled rows were in that model's training sample, so the gain is in sample; the
`--out-of-fold` adds `noise_passed_out_of_fold` / `signals_passed_out_of_fold`: the same
items decided by models that never saw them (the 5 folds of `benchmarks.social_signal
evaluate`, words alone at each group's threshold), the gain a crawl of unseen pages would see.

`ads_caught`: of the labelled items read as adverts (kind `ad`), how many the rule decides.

Hold-out, as `benchmarks.social_signal` defines it: the ЦУР feed (spb_cur_incidents_2022,
never read for fixes) and the odd rows of the SPb comments (`category_holdout`). The rule's
words were chosen on the other rows; the hold-out is reported apart.
"""

import argparse
import json
from collections import Counter
from collections.abc import Collection
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedKFold

from benchmarks.nlp_common import SHARED
from benchmarks.social_signal import (
    DATA,
    FILES,
    SEED_NOISE_WEIGHT,
    SEED_WEIGHT,
    SPB_COMMENTS,
    Trainer,
    _community_roles,
    _context,
    labelled_items,
    shared_rows,
    signal_labels,
)
from nlp.coldstart import seed_examples
from nlp.features import prepare
from nlp.lemmas import Lemmatizer
from nlp.social import SOCIAL_MODEL_FILE, SignalFeatures, load_social_model
from nlp.structure import structural_verdict

RULE = "commercial_offer"
CUR_FEED = "spb_cur_incidents_2022"


def labels_by_row() -> dict[str, dict[int, tuple[bool, str]]]:
    """data file name -> row -> (signal, kind), from every label file."""
    return {
        name: {row: (label["signal"] == "1", label["kind"]) for row, label in rows.items()}
        for name, rows in signal_labels().items()
    }


def held_out(name: str, row: int) -> bool:
    return name == CUR_FEED or (name == SPB_COMMENTS and row % 2 == 1)


def out_of_fold_passes(shared: Path, lemmatizer: Lemmatizer) -> dict[str, dict[int, bool]]:
    """file -> labelled row -> whether a model that did not see it passes it on its words
    (at its group's threshold), the structure's verdicts left aside: the folds of
    `benchmarks.social_signal.evaluate`."""
    items = labelled_items(shared)
    seeds = [(e.text, e.is_signal) for e in seed_examples(DATA)]
    trainer = Trainer(items, lemmatizer, seeds=seeds, seed_weight=SEED_WEIGHT,
                      seed_noise_weight=SEED_NOISE_WEIGHT)  # fmt: skip
    rows = np.arange(len(items))
    out: dict[str, dict[int, bool]] = {}
    folds = StratifiedKFold(5, shuffle=True, random_state=1)
    for train, test in folds.split(rows, trainer.y.astype(bool)):
        model = trainer.fit(rows[train])
        cuts = np.array([model.group_thresholds.get(g, model.threshold)
                         for g in trainer.groups[test]])  # fmt: skip
        passed = model.probabilities(trainer.matrix[test]) >= cuts
        for i, flag in zip(test, passed, strict=True):
            out.setdefault(items[i].file, {})[items[i].row] = bool(flag)
    return out


def measure(
    shared: Path, model_path: Path, out_of_fold: bool = False, rules: Collection[str] = (RULE,)
) -> dict[str, object]:
    """Per file and split, what the structure rules of `rules` decide (`_counts`)."""
    model = load_social_model(model_path)
    lemmatizer = Lemmatizer()
    fresh = out_of_fold_passes(shared, lemmatizer) if out_of_fold else None
    roles = _community_roles()
    labels = labels_by_row()
    out: dict[str, object] = {}
    totals: dict[str, Counter[str]] = {"dev": Counter(), "hold_out": Counter()}
    for name in FILES:
        rows = shared_rows(shared, name)
        known = labels.get(name, {})
        texts, contexts = [], []
        for number, row in enumerate(rows):
            texts.append(row.get("text") or row.get("Текст комментария") or "")
            kind = known[number][1] if number in known else ""
            contexts.append(_context(name, row, kind, roles))
        verdicts = [structural_verdict(c, t) for c, t in zip(contexts, texts, strict=True)]
        fired = np.array([v is not None and v.reason in rules for v in verdicts])
        ads = [i for i, (_, kind) in known.items() if kind == "ad"]
        passed = np.zeros(len(rows), dtype=bool)
        if fired.any():
            rows_fired = np.flatnonzero(fired)
            chosen = [contexts[i] for i in rows_fired]
            matrix, _ = model.inputs(
                SignalFeatures(), prepare([texts[i] for i in rows_fired], lemmatizer), chosen
            )
            passed[rows_fired] = model.probabilities(matrix) >= model.thresholds(chosen)
        for split in ("dev", "hold_out"):
            mine = [i for i in range(len(rows)) if held_out(name, i) == (split == "hold_out")]
            if not mine:
                continue
            counts = _counts(mine, fired, passed, known, ads)
            if fresh is not None:
                decided = fresh.get(name, {})
                counts["noise_passed_out_of_fold"] = sum(
                    1 for i in mine if fired[i] and i in known and not known[i][0] and decided[i]
                )
                counts["signals_passed_out_of_fold"] = sum(
                    1 for i in mine if fired[i] and i in known and known[i][0] and decided[i]
                )
            out[f"{name} ({split})"] = counts
            totals[split].update(counts)
    out["all (dev)"] = dict(totals["dev"])
    out["all (hold_out)"] = dict(totals["hold_out"])
    return out


def _counts(
    mine: list[int],
    fired: np.ndarray,
    passed: np.ndarray,
    known: dict[int, tuple[bool, str]],
    ads: list[int],
) -> dict[str, int]:
    hits = [i for i in mine if fired[i]]
    signals = [i for i in hits if i in known and known[i][0]]
    noise = [i for i in hits if i in known and not known[i][0]]
    labelled_ads = [i for i in ads if i in set(mine)]
    return {
        "rows": len(mine),
        "labelled": sum(1 for i in mine if i in known),
        "fires": len(hits),
        "fires_labelled_signal": len(signals),
        "fires_labelled_noise": len(noise),
        "fires_not_labelled": len(hits) - len(signals) - len(noise),
        "noise_the_model_passed": sum(1 for i in noise if passed[i]),
        "signals_the_model_passed": sum(1 for i in signals if passed[i]),
        "not_labelled_the_model_passed": sum(1 for i in hits if i not in known and passed[i]),
        "labelled_ads": len(labelled_ads),
        "ads_caught": sum(1 for i in labelled_ads if fired[i]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="The shared data directory.")
    parser.add_argument("--model", type=Path, default=DATA / SOCIAL_MODEL_FILE,
                        help="The signal model whose passes count as the gain.")  # fmt: skip
    parser.add_argument("--out-of-fold", action="store_true",
                        help="Also decide labelled rows by models that never saw them.",
                        )  # fmt: skip
    args = parser.parse_args()
    print(json.dumps(measure(args.shared, args.model, args.out_of_fold), indent=1))


if __name__ == "__main__":
    main()
