"""Promotions and priced sales: what the two rules take out of what reaches moderators.

    .venv/bin/python -m benchmarks.promotions   # JSON: where they fire, the whole filter
                                                # before/after, moderator load before/after
    .venv/bin/python -m benchmarks.promotions --rules sale_listing vacancy   # later rules
    .venv/bin/python -m benchmarks.promotions --rules outlet_report

`nlp.structure` decides two more kinds of noise by their words, after every other rule:
`priced_sale` (a seller's own sale and its price, no contact in the text: on VK the author
is the contact) and `promotion` (a giveaway, an invitation to follow a channel or group, a
sponsor's mark; `nlp.promotion`), both never beside a complaint cue. In one run, with the
two rules off ("before", `Trainer.without`) and on ("after"):

- `noise_to_moderators_by_kind`: the labelled dev noise that reaches moderators, by the
  kind of its label (ad, news, chatter…), out of fold and with its file left out;
- `fires`: per labelled file, dev and hold-out, the items they decide and what those are by
  the hand labels (`benchmarks.commercial_offers.measure`: signals hit, noise the shipped
  model passed, and out of fold);
- `filter`: precision/recall of the whole filter (the structure, then the words at each
  group's threshold) on 5-fold CV, per source role and with each file left out, beside the
  TF-IDF + logistic regression baseline of the same folds (`benchmarks.social_signal`);
- `moderator_load`: items of the three whole crawls that reach moderators, the shipped
  model in sample and the labelled rows out of fold.

`--rules` measures other rules of `nlp.structure` the same way ("before": those off, every
other rule on): `sale_listing` and `vacancy` (BENCHMARKS.md, "Sale listings and vacancies by
their shape"), `outlet_report` (BENCHMARKS.md, "News outlets' reports of crime, courts and
weather").

Dev and hold-out as `benchmarks.commercial_offers` defines them; the rules were chosen on dev
rows, the hold-out (the ЦУР feed and the SPb comments' odd rows) is printed last, once.
"""

import argparse
import json
from collections import Counter
from pathlib import Path

from benchmarks.commercial_offers import held_out, measure
from benchmarks.nlp_common import SHARED
from benchmarks.social_signal import (
    DATA,
    SEED_NOISE_WEIGHT,
    SEED_WEIGHT,
    Trainer,
    evaluate,
    file_left_out_decisions,
    labelled_items,
    moderator_load,
    out_of_fold_decisions,
)
from nlp.coldstart import seed_examples
from nlp.lemmas import Lemmatizer
from nlp.social import SOCIAL_MODEL_FILE
from nlp.structure import REASONS

RULES = ("priced_sale", "promotion")
Folds = dict[str, dict[int, bool]]  # file -> row -> passed (`out_of_fold_decisions`)


def whole_filter(sides: dict[str, Trainer]) -> dict[str, object]:
    """`evaluate`'s precision/recall before and after, with the baseline of the same folds
    (it reads the texts alone: the structure rules do not change it)."""
    before, after = evaluate(sides["before"]), evaluate(sides["after"])
    out: dict[str, object] = {"cv5_all": _side_by_side(before["cv5_all"], after["cv5_all"],
                                                       "baseline_tfidf_logreg")}  # fmt: skip
    for key in ("cv5_by_role", "leave_one_file_out"):
        b, a = before[key], after[key]
        assert isinstance(b, dict) and isinstance(a, dict)
        out[key] = {name: _side_by_side(b[name], a[name], "baseline") for name in a}
    return out


def noise_by_kind(sides: dict[str, Trainer], folds: dict[str, Folds]) -> dict[str, object]:
    """The labelled dev noise that reaches moderators, by its label's kind, before and after:
    out of fold (5-fold CV) and with its file left out."""
    out: dict[str, object] = {}
    for side, chosen in sides.items():
        for name, passed in (
            ("out_of_fold", [folds[side][i.file][i.row] for i in chosen.items]),
            ("file_left_out", file_left_out_decisions(chosen)),
        ):
            kinds = Counter(
                item.kind for item, flag in zip(chosen.items, passed, strict=True)
                if flag and not item.is_signal and not held_out(item.file, item.row)
            )  # fmt: skip
            out[f"{name} ({side})"] = {"all": kinds.total(), **dict(kinds.most_common())}
    return out


def _side_by_side(before: object, after: object, baseline: str) -> dict[str, object]:
    assert isinstance(before, dict) and isinstance(after, dict)
    return {"before": before["ours"], "after": after["ours"], "baseline": after[baseline]}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="The shared data directory.")
    parser.add_argument("--model", type=Path, default=DATA / SOCIAL_MODEL_FILE,
                        help="The shipped signal model (load, in-sample passes).")  # fmt: skip
    parser.add_argument("--rules", nargs="+", default=list(RULES), choices=sorted(REASONS),
                        help="The structure rules measured (before: off).")  # fmt: skip
    args = parser.parse_args()
    rules = tuple(args.rules)
    lemmatizer = Lemmatizer()
    seeds = [(e.text, e.is_signal) for e in seed_examples(DATA)]
    trainer = Trainer(labelled_items(args.shared), lemmatizer, seeds=seeds,
                      seed_weight=SEED_WEIGHT, seed_noise_weight=SEED_NOISE_WEIGHT)  # fmt: skip
    sides = {"before": trainer.without(rules), "after": trainer}
    folds = {side: out_of_fold_decisions(chosen) for side, chosen in sides.items()}
    fires = measure(args.shared, args.model, out_of_fold=True, rules=rules)
    hold_out = {name: counts for name, counts in fires.items() if "hold_out" in name}
    report = {
        "noise_to_moderators_by_kind (dev)": noise_by_kind(sides, folds),
        "fires (dev)": {name: c for name, c in fires.items() if name not in hold_out},
        "filter": whole_filter(sides),
        "moderator_load": {
            side: moderator_load(
                args.shared,
                lemmatizer,
                args.model,
                folds[side],
                skip=rules if side == "before" else (),
            )
            for side in sides
        },
        "fires (hold-out, printed once)": hold_out,
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
