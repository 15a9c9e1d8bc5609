"""Annotate throughput: posts per CPU second, the full pipeline beside the baseline.

    .venv/bin/python -m benchmarks.nlp_throughput [--posts 2000]

Takes appeal texts from ../shared/data/appeals (half Kursk, half St Petersburg) and runs
`Annotator.annotate` (signal, category, topic, municipality with the default gazetteer and
natasha NER after settlement cues) with the cold-start model in one process: first on one
half with cold lemma caches, then on the other half with the caches the first half warmed
(a running worker's steady state). Baseline: the plain TF-IDF + LinearSVC, one label.
"""

import argparse
import json
import tempfile
import time
from pathlib import Path

import pandas as pd
from sqlmodel import Session, SQLModel, create_engine

import models  # noqa: F401
from benchmarks.nlp_common import SHARED, Baseline
from nlp.annotator import Annotator
from nlp.loading import build_annotator
from otklik.paths import DATA_DIR

BATCH = 256


def texts(count: int) -> list[str]:
    kursk = pd.read_csv(SHARED / "appeals" / "kursk_train.csv", dtype=str)["text"].dropna()
    spb = pd.read_csv(SHARED / "appeals" / "spb_train.csv.gz", dtype=str)["text"].dropna()
    half = count // 2
    return (
        kursk.sample(n=half, random_state=0).tolist()
        + spb.sample(n=count - half, random_state=0).tolist()
    )


def measure(annotator: Annotator, batch: list[str]) -> float:
    """Posts per CPU second of one process (other helpers share the machine's cores)."""
    started = time.process_time()
    for start in range(0, len(batch), BATCH):
        annotator.annotate(batch[start : start + BATCH])
    return round(len(batch) / (time.process_time() - started), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    args = parser.parse_args()
    sample = texts(args.posts)
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'x.db'}")
        SQLModel.metadata.create_all(engine)
        with Session(engine) as session:
            started = time.perf_counter()
            annotator = build_annotator(session, model_dir=Path(scratch), data_dir=DATA_DIR,
                                        region_code="57")  # fmt: skip
            load_seconds = time.perf_counter() - started
    cold = measure(annotator, sample[: len(sample) // 2])
    warm = measure(annotator, sample[len(sample) // 2 :])
    lowered = [t.lower() for t in sample]
    baseline = Baseline().fit(
        lowered[: len(lowered) // 2], [str(i % 7) for i in range(len(lowered) // 2)]
    )
    base_cpu = time.process_time()
    for start in range(0, len(lowered), BATCH):
        baseline.predict(lowered[start : start + BATCH])
    base_cpu = time.process_time() - base_cpu
    print(json.dumps({
        "posts": len(sample), "load_seconds": round(load_seconds, 1),
        "cold_caches_posts_per_cpu_second": cold,
        "warm_caches_posts_per_cpu_second": warm,
        "baseline_posts_per_cpu_second": round(len(sample) / base_cpu, 1),
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
