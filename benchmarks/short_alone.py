"""Short texts read alone on pages of unknown role: how many reach moderators, and what they are.

    OTKLIK_SHARED_DATA=../shared/data .venv/bin/python -m benchmarks.short_alone

A text is short here when it has at most `--words` words (default 5) after `clean_text`,
counting those with a letter or a figure. Two measures, each by the structure's verdicts
(`nlp.structure.structural_verdict`) and the shipped signal model at its group thresholds:

- labelled: the hand-labelled rows as `benchmarks.social_signal` reads them (the Stavropol
  comments are residents' comments on pages of unknown role, no parent fetched), short ones
  by role: how many pass and how many of those are labelled signals, in sample (the shipped
  model was trained on every labelled row) and out of fold (each row decided by the 5-fold
  model that did not see it, `social_signal.out_of_fold_decisions`);
- crawl: every row of every social file as a page of unknown role would give it (posts as
  posts, comments as comments, no parent): how many items and how many short ones pass, and
  how many labelled signals the `short_alone` rule holds back (on the SPb files, whose pages
  are administrations' in truth, the rule never applies: the figure says what it would cost
  on such texts if their page's role were unknown).

The counts of each structure reason among the short rows say what held them back. Run it
from two trees (a worktree of the old code and this one) to compare.
"""

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from benchmarks.nlp_common import SHARED
from benchmarks.social_signal import (
    DATA,
    Item,
    Trainer,
    labelled_items,
    out_of_fold_decisions,
    shared_rows,
    signal_labels,
)
from models.annotation import PostContext
from nlp.coldstart import seed_examples
from nlp.features import prepare
from nlp.lemmas import Lemmatizer
from nlp.social import SOCIAL_MODEL_FILE, SignalFeatures, SocialSignalModel, load_social_model
from nlp.structure import structural_verdict, with_parent
from nlp.text import clean_text

WORDS = 5
CRAWL = {  # file -> the position its rows take on a page of unknown role
    "stavropol_vk_posts": "post",
    "moscow_tg_moskvach": "post",
    "stavropol_vk_comments": "comment",
    "spb_vk_comments_sample": "comment",
    "spb_cur_incidents_2022": "comment",
}


def word_count(text: str) -> int:
    return sum(any(ch.isalnum() for ch in word) for word in clean_text(text).split())


def passed(
    model: SocialSignalModel, lemmatizer: Lemmatizer, texts: Sequence[str],
    contexts: Sequence[PostContext],
) -> tuple[np.ndarray, list[str]]:  # fmt: skip
    """The product's decision on each text and the structure's reason ("" when none)."""
    read = [with_parent(c, t) for t, c in zip(texts, contexts, strict=True)]
    matrix, _ = model.inputs(SignalFeatures(), prepare(read, lemmatizer), contexts)
    by_model = model.probabilities(matrix) >= model.thresholds(contexts)
    verdicts = [structural_verdict(c, t) for t, c in zip(texts, contexts, strict=True)]
    reasons = [v.reason if v else "" for v in verdicts]
    return by_model & np.array([not r for r in reasons], dtype=bool), reasons


def labelled(
    items: list[Item], model: SocialSignalModel, lemmatizer: Lemmatizer, words: int,
    held_out: dict[str, dict[int, bool]],
) -> dict[str, dict[str, object]]:  # fmt: skip
    """Short labelled rows by role: all, signals, passed (in sample, out of fold), reasons."""
    flags, reasons = passed(model, lemmatizer, [i.text for i in items], [i.context for i in items])
    out: dict[str, Counter[str]] = {}
    why: dict[str, Counter[str]] = {}
    for item, flag, reason in zip(items, flags, reasons, strict=True):
        if word_count(item.text) > words or item.context.parent_text:
            continue
        role = item.context.source_role or "unknown"
        counts = out.setdefault(role, Counter())
        fresh = held_out[item.file][item.row]
        counts["short"] += 1
        counts["signals"] += item.is_signal
        counts["passed"] += bool(flag)
        counts["passed_signals"] += bool(flag) and item.is_signal
        counts["passed_out_of_fold"] += fresh
        counts["passed_out_of_fold_signals"] += fresh and item.is_signal
        why.setdefault(role, Counter())[reason or "-"] += 1
    return {role: dict(sorted(c.items())) | {"reasons": dict(why[role])} for role, c in out.items()}


def crawl(
    shared: Path, model: SocialSignalModel, lemmatizer: Lemmatizer, words: int
) -> dict[str, dict[str, object]]:
    """Every row of the social files as an item of a page of unknown role."""
    labels = signal_labels()
    out: dict[str, dict[str, object]] = {}
    totals: Counter[str] = Counter()
    for name, position in CRAWL.items():
        rows = shared_rows(shared, name)
        texts = [r.get("text") or r.get("Текст комментария") or "" for r in rows]
        contexts = [PostContext(position=position)] * len(texts)
        flags, reasons = passed(model, lemmatizer, texts, contexts)
        short = np.array([word_count(t) <= words for t in texts])
        known = labels.get(name, {})
        shown = [known.get(i, {}).get("signal") for i in np.flatnonzero(flags & short)]
        held = [known.get(i, {}).get("signal") for i, r in enumerate(reasons) if r == "short_alone"]
        counts = Counter({
            "items": len(texts), "passed": int(flags.sum()), "short": int(short.sum()),
            "short_passed": int((flags & short).sum()),
            "short_passed_labelled_signals": shown.count("1"),
            "short_passed_labelled_noise": shown.count("0"),
            "short_alone_held": len(held), "short_alone_held_labelled_signals": held.count("1"),
        })  # fmt: skip
        totals.update(counts)
        out[name] = dict(counts)
    out["all"] = dict(totals)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="The shared data directory.")
    parser.add_argument("--words", type=int, default=WORDS, help="Short: at most this many.")
    args = parser.parse_args()
    lemmatizer = Lemmatizer()
    model = load_social_model(DATA / SOCIAL_MODEL_FILE)
    items = labelled_items(args.shared)
    seeds = [(e.text, e.is_signal) for e in seed_examples(DATA)]
    held_out = out_of_fold_decisions(Trainer(items, lemmatizer, seeds=seeds))
    report = {
        "words": args.words,
        "labelled": labelled(items, model, lemmatizer, args.words, held_out),
        "crawl as unknown role": crawl(args.shared, model, lemmatizer, args.words),
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
