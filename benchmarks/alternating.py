"""Before and after in one run: a benchmark's rounds alternate between this source tree
and another (say `git archive main | tar -x -C /tmp/before`), each round in a process of
its own running the copy of the benchmark's script in that tree, so both trees see the same
machine load and no engine or cache is kept from one round to the next."""

import json
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_round(tree: Path, script: Path, options: list[str]) -> dict[str, float]:
    """The figures `script` (a module under benchmarks/, run with `--one-round` and
    `options`) prints as JSON on its last line, run on `tree`'s code."""
    if tree != ROOT:  # the script, and this module it imports, into the other tree
        for path in (script, Path(__file__)):
            shutil.copy(path, tree / "benchmarks" / path.name)
    command = [sys.executable, "-m", f"benchmarks.{script.stem}", "--one-round", *options]
    done = subprocess.run(command, cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)},
                          capture_output=True, text=True, check=True)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def alternate(
    script: Path, options: list[str], *, before: Path | None, rounds: int
) -> dict[str, list[dict[str, float]]]:
    """`rounds` rounds of `script`, «before» (when given) and «this» by turns."""
    trees = {"before": before.resolve()} if before else {}
    trees["this"] = ROOT
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for _ in range(rounds):
        for name, tree in trees.items():
            runs[name].append(one_round(tree, script, options))
    return runs


def table(runs: dict[str, list[dict[str, float]]], measures: Mapping[str, str]) -> str:
    """A Markdown table of each measure's median per tree."""
    names = list(runs)
    lines = ["| measure | " + " | ".join(names) + " |", "| --- |" + " ---: |" * len(names)]
    for key, label in measures.items():
        values = [f"{statistics.median(r[key] for r in runs[name]):,.0f}" for name in names]
        lines.append(f"| {label} | " + " | ".join(values) + " |")
    return "\n".join(lines)
