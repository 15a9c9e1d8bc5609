"""Text similarity for grouping on real posts: content words against character trigrams.

    OTKLIK_SHARED_DATA=../shared/data .venv/bin/python -m benchmarks.long_text_joins

Three measures of `triage.similarity`, in one run:

- `trigrams` (baseline, the product's measure before this benchmark): the cosine of the
  character-trigram profiles of the two texts' content-word lemmas;
- `stems`: the cosine of content-word `stem` counts (the product without a lemmatizer);
- `lemmas`: the cosine of content-word lemma counts (the product with its lemmatizer).

Figures, each against the grouping threshold (`Thresholds().group_similarity`):

- stories: the hand-labelled stories of `benchmarks/labels/stavropol_vk_posts_stories.csv`
  (93 posts of `social/stavropol_vk_posts.csv`: every labelled signal and the news posts
  about accidents, fires, traffic, drones and the like, the ones a moderator sees beside
  them; 14 stories told by 2-7 posts, often from different publics). Every pair of them is
  one story or two; pairwise precision and recall of "cosine >= threshold", and the best F1
  any threshold reaches (how well the measure separates at all);
- random pairs: the share of random pairs of long posts (over `--long` characters) and of
  comments (`social/stavropol_vk_comments.csv`) at or over the threshold, and their median:
  each such pair is a false join waiting for a shared municipality and category;
- cost: microseconds a comparison, caches cold, over the stories' pairs.
"""

import argparse
import csv
import math
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import combinations
from pathlib import Path

from benchmarks.nlp_common import SHARED
from nlp.lemmas import Lemmatizer
from triage import similarity
from triage.similarity import content_words, text_similarity
from triage.thresholds import Thresholds

STORIES = Path(__file__).parent / "labels" / "stavropol_vk_posts_stories.csv"
Measure = Callable[[str, str], float]


def trigram_similarity(lemmatize: Callable[[str], str]) -> Measure:
    """The baseline: the product's measure before, character trigrams of lemmas."""
    cache: dict[str, tuple[Counter[str], float]] = {}

    def profile(text: str) -> tuple[Counter[str], float]:
        if text not in cache:
            grams: Counter[str] = Counter()
            for word in content_words(text, lemmatize):
                padded = f" {word} "
                grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
            cache[text] = grams, math.sqrt(sum(c * c for c in grams.values()))
        return cache[text]

    def measure(left: str, right: str) -> float:
        (a, a_norm), (b, b_norm) = profile(left), profile(right)
        if not a or not b:
            return 0.0
        return sum(c * b[g] for g, c in a.items() if g in b) / (a_norm * b_norm)

    return measure


def measures(lemmatize: Callable[[str], str]) -> dict[str, Measure]:
    return {
        "trigrams": trigram_similarity(lemmatize),
        "stems": lambda left, right: text_similarity(left, right),
        "lemmas": lambda left, right: text_similarity(left, right, lemmatize),
    }


def texts(name: str) -> list[str]:
    with (SHARED / "social" / name).open(encoding="utf-8", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def stories() -> dict[int, str]:
    with STORIES.open(encoding="utf-8", newline="") as handle:
        return {int(row["row"]): row["story"] for row in csv.DictReader(handle)}


def pair_figures(
    scores: Sequence[float], same: Sequence[bool], threshold: float
) -> tuple[float, float, float]:
    joined = [s >= threshold for s in scores]
    true = sum(j and t for j, t in zip(joined, same, strict=True))
    precision = true / sum(joined) if any(joined) else 1.0
    recall = true / sum(same) if any(same) else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def best_threshold(scores: Sequence[float], same: Sequence[bool]) -> tuple[float, float]:
    """The threshold with the best pairwise F1, and that F1."""
    best = (0.0, 0.0)
    for threshold in sorted(set(round(s, 3) for s in scores)):
        f1 = pair_figures(scores, same, threshold)[2]
        if f1 > best[1]:
            best = (threshold, f1)
    return best


def random_pairs(count: int, pairs: int, seed: int) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    found: list[tuple[int, int]] = []
    while len(found) < pairs:
        i, j = rng.randrange(count), rng.randrange(count)
        if i != j:
            found.append((i, j))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=20000, help="random pairs per sample")
    parser.add_argument("--long", type=int, default=300, help="a long post's characters")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    threshold = Thresholds().group_similarity
    lemmatize = Lemmatizer().lemmatize_text
    posts = texts("stavropol_vk_posts.csv")
    labelled = stories()
    rows = sorted(labelled)
    pairs = list(combinations(rows, 2))
    same = [labelled[i] == labelled[j] for i, j in pairs]
    print(f"threshold {threshold}; stories: {len(rows)} posts, {len(set(labelled.values()))} "
          f"stories, {len(pairs)} pairs, {sum(same)} of one story")  # fmt: skip
    print("measure | stories P | R | F1 | best threshold (F1) | µs a pair, cold")
    for name, measure in measures(lemmatize).items():
        similarity._profile.cache_clear()
        start = time.perf_counter()
        scores = [measure(posts[i], posts[j]) for i, j in pairs]
        cost = (time.perf_counter() - start) / len(pairs) * 1e6
        precision, recall, f1 = pair_figures(scores, same, threshold)
        at, best = best_threshold(scores, same)
        print(f"{name} | {precision:.3f} | {recall:.3f} | {f1:.3f} | {at:.3f} ({best:.3f}) "
              f"| {cost:.1f}")  # fmt: skip
        missed = [(round(s, 3), p) for s, p, t in zip(scores, pairs, same, strict=True)
                  if t and s < threshold]  # fmt: skip
        print(f"    one story, under the threshold: {sorted(missed)}")
    long_posts = [text for text in posts if len(text) > args.long]
    comments = texts("stavropol_vk_comments.csv")
    print(f"\nrandom pairs: {args.pairs} of {len(long_posts)} posts over {args.long} characters, "
          f"{args.pairs} of {len(comments)} comments")  # fmt: skip
    print("measure | long posts >= threshold | median | comments >= threshold | median")
    for name, measure in measures(lemmatize).items():
        cells = []
        for sample in (long_posts, comments):
            scores = [measure(sample[i], sample[j])
                      for i, j in random_pairs(len(sample), args.pairs, args.seed)]  # fmt: skip
            share = sum(s >= threshold for s in scores) / len(scores)
            cells += [f"{share:.1%}", f"{statistics.median(scores):.3f}"]
        print(f"{name} | " + " | ".join(cells))


if __name__ == "__main__":
    main()
