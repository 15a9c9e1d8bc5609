"""The cold-start model: trained from `data/seed_examples.csv` in seconds, cached on disk."""

import csv
import hashlib
from pathlib import Path

from nlp.classifier import (
    MODEL_FORMAT,
    NOT_SIGNAL,
    ClassifierBundle,
    Example,
    load_bundle,
    train_bundle,
)
from nlp.lemmas import Lemmatizer
from nlp.reference import SEED_EXAMPLES_FILE, load_taxonomy, topic_wordings


def seed_examples(data_dir: Path) -> list[Example]:
    """The authored seed posts: `label` is a topic code or `not_signal`."""
    with (data_dir / SEED_EXAMPLES_FILE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Example(row["text"], None, False) if row["label"] == NOT_SIGNAL
        else Example(row["text"], row["label"], True)
        for row in rows
    ]  # fmt: skip


def topic_categories(data_dir: Path) -> dict[str, str]:
    _, topics = load_taxonomy(data_dir)
    return {topic.code: topic.category_code for topic in topics}


def cold_start_bundle(
    data_dir: Path, *, cache_dir: Path, lemmatizer: Lemmatizer
) -> ClassifierBundle:
    """Load the cached cold-start model for these seed files, or train and cache it."""
    directory = cache_dir / f"cold-start-{_fingerprint(data_dir)}"
    if (directory / "model.joblib").is_file():
        return load_bundle(directory)
    bundle = train_bundle(
        seed_examples(data_dir),
        lemmatizer=lemmatizer,
        topic_category=topic_categories(data_dir),
        label_names=topic_wordings(data_dir),
        meta={"name": directory.name, "origin": "seed"},
    )
    # A cache every CLI run and worker start loads: uncompressed, the shipped taxonomy's
    # model is 186 MB instead of 61 MB and loads in 0.3 CPU s instead of 1.2 (BENCHMARKS.md).
    bundle.save(directory, compress=0)
    return bundle


def _fingerprint(data_dir: Path) -> str:
    digest = hashlib.sha256(MODEL_FORMAT.encode())
    for name in (SEED_EXAMPLES_FILE, "taxonomy.json"):
        digest.update((data_dir / name).read_bytes())
    return digest.hexdigest()[:12]
