"""Annotate throughput: posts per CPU second, the full pipeline beside the baseline.

    .venv/bin/python -m benchmarks.nlp_throughput [--posts 2000] [--cli-posts 2000 10000]

Takes appeal texts from ../shared/data/appeals (Kursk first, then St Petersburg) and runs
`Annotator.annotate` (signal, category, topic, municipality with the default gazetteer and
natasha NER after settlement cues) with the cold-start model, trained once from
data/seed_examples.csv (none of the benchmark texts) and loaded from disk like a worker does:

* cold: a fresh process (only the gazetteer's own names lemmatised at load), first half of
  the posts;
* warm: the same process, the other half, with the caches the first half filled (a running
  worker's steady state);
* CLI: `otklik nlp annotate` end to end in a new process for each size (process start,
  model and natasha load, JSON lines in and out), with its load cost measured on one line;
* baseline, in the same run: the plain TF-IDF + LinearSVC, one label, no lemmas or places.

CPU seconds are counted (process or child CPU time), since other jobs share the machine.
"""

import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
from sqlmodel import Session, SQLModel, create_engine

import models  # noqa: F401
from benchmarks.nlp_common import SHARED, Baseline
from nlp.annotator import Annotator
from nlp.loading import build_annotator
from otklik.paths import DATA_DIR

BATCH = 256
KURSK_SHARE = 0.5  # of the posts, as long as the Kursk file has enough (2,000 rows)


def texts(count: int) -> list[str]:
    """`count` appeals: half from Kursk (at most all of them), the rest from St Petersburg."""
    kursk = pd.read_csv(SHARED / "appeals" / "kursk_train.csv", dtype=str)["text"].dropna()
    spb = pd.read_csv(SHARED / "appeals" / "spb_train.csv.gz", dtype=str)["text"].dropna()
    half = min(int(count * KURSK_SHARE), len(kursk))
    return (
        kursk.sample(n=half, random_state=0).tolist()
        + spb.sample(n=count - half, random_state=0).tolist()
    )


def measure(annotator: Annotator, batch: list[str]) -> float:
    """Posts per CPU second of one process."""
    started = time.process_time()
    for start in range(0, len(batch), BATCH):
        annotator.annotate(batch[start : start + BATCH])
    return round(len(batch) / (time.process_time() - started), 1)


def load_annotator(scratch: Path) -> Annotator:
    """The annotator a worker builds: reference data and cold-start model from `scratch`."""
    engine = create_engine(f"sqlite:///{scratch / 'bench.db'}")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        return build_annotator(session, model_dir=scratch, data_dir=DATA_DIR, region_code="57")


def in_fresh_process(scratch: Path, sample: list[str]) -> dict[str, float]:
    """Load, then cold and warm figures, in a new interpreter (nothing cached in memory)."""
    started = time.process_time()
    annotator = load_annotator(scratch)
    load_cpu = time.process_time() - started
    cold = measure(annotator, sample[: len(sample) // 2])
    warm = measure(annotator, sample[len(sample) // 2 :])
    return {"load_cpu_seconds": round(load_cpu, 1), "cold": cold, "warm": warm}


def cli_cpu_seconds(scratch: Path, lines: list[str]) -> float:
    """User + system CPU of one `otklik nlp annotate` process over `lines`."""
    source, sink = scratch / "in.jsonl", scratch / "out.jsonl"
    source.write_text("".join(lines), encoding="utf-8")
    env = os.environ | {
        # its own database: the CLI migrates it (the in-process one was made by create_all)
        "OTKLIK_DATABASE_URL": f"sqlite:///{scratch / 'cli.db'}",
        "OTKLIK_MODEL_DIR": str(scratch),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [sys.executable, "-m", "otklik", "nlp", "annotate"]
    subprocess.run([*command, "--input", str(source), "--output", str(sink)], env=env, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    annotated = sum(1 for _ in sink.open(encoding="utf-8"))
    assert annotated == len(lines), f"the CLI wrote {annotated} of {len(lines)} lines"
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cli_figures(scratch: Path, sizes: list[int]) -> dict[str, Any]:
    """End-to-end posts per CPU second for each size, with and without the fixed load cost."""
    one_line = [json.dumps({"text": "Яма на дороге"}) + "\n"]
    cli_cpu_seconds(scratch, one_line)  # retrains the cold-start model if its code changed
    load = cli_cpu_seconds(scratch, one_line)
    out: dict[str, Any] = {"load_cpu_seconds": round(load, 1)}
    for size in sizes:
        lines = [json.dumps({"text": text}, ensure_ascii=False) + "\n" for text in texts(size)]
        total = cli_cpu_seconds(scratch, lines)
        out[str(size)] = {
            "cpu_seconds": round(total, 1),
            "posts_per_cpu_second": round(size / total, 1),
            "posts_per_cpu_second_after_load": round(size / max(total - load, 1e-9), 1),
        }
    return out


def baseline_speed(sample: list[str]) -> float:
    lowered = [t.lower() for t in sample]
    half = len(lowered) // 2
    baseline = Baseline().fit(lowered[:half], [str(i % 7) for i in range(half)])
    started = time.process_time()
    for start in range(0, len(lowered), BATCH):
        baseline.predict(lowered[start : start + BATCH])
    return round(len(sample) / (time.process_time() - started), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--cli-posts", type=int, nargs="*", default=[2000, 10000])
    args = parser.parse_args()
    sample = texts(args.posts)
    with tempfile.TemporaryDirectory() as directory:
        scratch = Path(directory)
        started = time.perf_counter()
        load_annotator(scratch)  # seeds the database, trains and caches the cold-start model
        train_seconds = time.perf_counter() - started
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            fresh = pool.apply(in_fresh_process, (scratch, sample))
        cli = cli_figures(scratch, args.cli_posts) if args.cli_posts else None
    print(json.dumps({
        "posts": len(sample),
        "cold_start_training_seconds": round(train_seconds, 1),
        "load_cpu_seconds": fresh["load_cpu_seconds"],
        "cold_caches_posts_per_cpu_second": fresh["cold"],
        "warm_caches_posts_per_cpu_second": fresh["warm"],
        "baseline_posts_per_cpu_second": baseline_speed(sample),
        "cli": cli,
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
