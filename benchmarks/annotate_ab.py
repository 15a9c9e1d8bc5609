"""Annotate speed, interleaved A/B in one process: the annotate path as it was at 4fc1ee0
(its n-gram, ensemble and vector steps re-created below) against the current code.

    OTKLIK_SHARED_DATA=/work/shared/data .venv/bin/python -m benchmarks.annotate_ab \
        [--mode same|firstpass] [--rounds 14]

The benchmark's own texts and annotator (`benchmarks.nlp_throughput`): the cold pass over
its first 1,000 appeals, then rounds over its warm 1,000, old and new alternating (their
order swapped every round; round 0 is a warm-up, not counted). CPU time of this process,
the cyclic collector held off during a timed pass (collected before it): the two paths'
own work. `firstpass`: before each new pass, the per-word column cache is put back as the
cold pass left it, so the new path pays its first sight of the warm pass's new words.
Every round checks both paths' annotations are equal.
"""

import argparse
import gc
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

import nlp.annotator
from benchmarks.nlp_throughput import BATCH, load_annotator, texts
from nlp.annotator import Annotator
from nlp.calibrated import _softmax
from nlp.ensemble import LinearEnsemble
from nlp.features import TextFeatures, _analysers, analyse, char_wb_grams, prepare
from nlp.vectors import TextVectors


@dataclass(frozen=True)
class _OldAnalysed:
    words: list[list[str]]
    char_pairs: list[list[str]]
    char_longer: list[list[str]]

    @property
    def chars(self) -> list[list[str]]:
        return [a + b for a, b in zip(self.char_pairs, self.char_longer, strict=True)]


def _old_analyse(prepared: Sequence[tuple[str, str]]) -> _OldAnalysed:
    words, _ = _analysers()
    pairs, longer = [], []
    for _, cleaned in prepared:
        two, rest = char_wb_grams(cleaned)
        pairs.append(two)
        longer.append(rest)
    return _OldAnalysed([words(p[0]) for p in prepared], pairs, longer)


def _old_features(self: TextFeatures, prepared: Any, analysed: Any = None) -> sp.csr_matrix:
    words, chars = self._readers_for()  # type: ignore[misc]
    return sp.hstack([words.transform(analysed.words), chars.transform(analysed.chars)]).tocsr()


_OWN: dict[int, np.ndarray] = {}  # each member's own contiguous weights, as 4fc1ee0 kept them


def _old_ensemble(self: LinearEnsemble, features: sp.csr_matrix) -> np.ndarray:
    def member_proba(member: Any) -> np.ndarray:
        scores = member.scores(np.asarray(features @ _OWN[id(member)]))
        return _softmax(scores / member.temperature)

    total = sum(weight * member_proba(member) for member, weight in self.weighted_members())
    return np.asarray(total / sum(self.member_weights))


def _old_vectors(self: TextVectors, lowered: Sequence[str]) -> np.ndarray:
    return np.asarray(normalize(self.weighted_sums(lowered)), dtype=np.float64)


NEW = (analyse, TextFeatures.transform, LinearEnsemble.predict_proba, TextVectors.transform)
OLD = (_old_analyse, _old_features, _old_ensemble, _old_vectors)


def use(paths: tuple[Callable[..., Any], ...]) -> None:
    nlp.annotator.analyse = paths[0]  # type: ignore[assignment]
    TextFeatures.transform = paths[1]  # type: ignore[method-assign]
    LinearEnsemble.predict_proba = paths[2]  # type: ignore[method-assign]
    TextVectors.transform = paths[3]  # type: ignore[method-assign]


def timed(annotator: Annotator, chunk: list[str]) -> tuple[float, list[dict[str, Any]]]:
    """Posts per CPU second of one pass, and its annotations."""
    out = []
    gc.collect()
    gc.disable()
    started = time.process_time()
    for start in range(0, len(chunk), BATCH):
        out += annotator.annotate(chunk[start : start + BATCH])
    rate = len(chunk) / (time.process_time() - started)
    gc.enable()
    return rate, [a.model_dump() for a in out]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mode", choices=["same", "firstpass"], default="same")
    parser.add_argument("--rounds", type=int, default=14)
    args = parser.parse_args()
    sample = texts(2000)
    with tempfile.TemporaryDirectory() as scratch:  # the model is in memory once loaded
        annotator = load_annotator(Path(scratch))
    for ensemble in (annotator.bundle.labels, annotator.bundle.categories):
        for member in getattr(ensemble, "members", []):
            _OWN[id(member)] = np.ascontiguousarray(member.weights()[0])
    use(NEW)
    timed(annotator, sample[:1000])  # the cold pass
    lemmatizer = annotator.resolver.gazetteer.lemmatizer
    cold = [prepare(sample[start : start + BATCH], lemmatizer) for start in range(0, 1000, BATCH)]
    cold_words = [words for prepared in cold for words in analyse(prepared).char_words]
    _, chars = annotator.bundle.features._readers_for()  # type: ignore[misc]
    warm = sample[1000:]
    rates: dict[str, list[float]] = {"old": [], "new": []}
    for k in range(args.rounds + 1):
        order = [("old", OLD), ("new", NEW)] if k % 2 == 0 else [("new", NEW), ("old", OLD)]
        dumps = {}
        for name, paths in order:
            if args.mode == "firstpass" and name == "new":
                chars._word_columns.cache_clear()
                chars._count_words(cold_words)
            use(paths)
            rate, dumps[name] = timed(annotator, warm)
            if k > 0:
                rates[name].append(rate)
        assert dumps["old"] == dumps["new"], f"round {k}: the annotations differ"
    ratios = [new / old for new, old in zip(rates["new"], rates["old"], strict=True)]
    print(json.dumps({
        "mode": args.mode, "rounds": args.rounds,
        "old": [round(r) for r in rates["old"]], "new": [round(r) for r in rates["new"]],
        "old_median": round(statistics.median(rates["old"])),
        "new_median": round(statistics.median(rates["new"])),
        "median_of_ratios": round(statistics.median(ratios), 3),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
