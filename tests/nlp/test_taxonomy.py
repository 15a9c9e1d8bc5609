"""The default taxonomy follows the whole Perm ЦУР rubricator, and every topic has seeds."""

import csv
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from nlp.classifier import NOT_SIGNAL
from nlp.coldstart import seed_examples
from nlp.reference import SEED_EXAMPLES_FILE, TAXONOMY_FILE, load_taxonomy
from otklik.paths import DATA_DIR
from triage.routing import MUNICIPAL_ADMINISTRATION

MIN_SEEDS_PER_TOPIC = 4


def normalised(name: str) -> str:
    """Compare names without the source's «★ » flag, case, «ё» and spacing."""
    name = name.removeprefix("★").strip().casefold().replace("ё", "е")
    return re.sub(r"\s+", " ", name)


@pytest.fixture(scope="module")
def rubricator(shared_data: Path) -> dict[str, str]:
    """Theme -> group, as the Perm ЦУР rubricator has them (read in place)."""
    path = shared_data / "taxonomy" / "perm_cur_rubricator_2022.json"
    document: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return {normalised(theme): normalised(group) for theme, group in document.items()}


@pytest.fixture(scope="module")
def taxonomy() -> list[dict[str, Any]]:
    document = json.loads((DATA_DIR / TAXONOMY_FILE).read_text(encoding="utf-8"))
    categories: list[dict[str, Any]] = document["categories"]
    return categories


def counterpart(item: dict[str, Any]) -> str | None:
    """The rubricator group or theme an item stands for (`None`: one of Otklik's own)."""
    name = item.get("rubricator")
    return normalised(name) if name else None


def test_every_rubricator_group_has_one_category(
    rubricator: dict[str, str], taxonomy: list[dict[str, Any]]
) -> None:
    mapped = Counter(counterpart(c) for c in taxonomy if counterpart(c))
    assert set(mapped) == set(rubricator.values())
    assert max(mapped.values()) == 1


def test_every_rubricator_theme_has_one_topic_in_its_group(
    rubricator: dict[str, str], taxonomy: list[dict[str, Any]]
) -> None:
    mapped: Counter[str] = Counter()
    for category in taxonomy:
        for topic in category["topics"]:
            theme = counterpart(topic)
            if theme is None:
                continue
            mapped[theme] += 1
            assert theme in rubricator, topic["code"]
            group = counterpart(category)
            # A topic sits in its theme's group, unless its category is one of Otklik's own.
            assert group is None or group == rubricator[theme], topic["code"]
    assert set(mapped) == set(rubricator)
    assert max(mapped.values()) == 1


def test_codes_are_unique_and_topics_well_formed() -> None:
    categories, topics = load_taxonomy(DATA_DIR)
    assert len({c.code for c in categories}) == len(categories)
    assert len({t.code for t in topics}) == len(topics)
    for topic in topics:
        assert topic.name and 0 < topic.sla_hours <= 80, topic.code  # at most two working weeks


def test_every_agency_type_has_an_agency() -> None:
    agencies = json.loads((DATA_DIR / "agencies.json").read_text(encoding="utf-8"))
    known = {a["agency_type"] for a in agencies["agencies"]} | {MUNICIPAL_ADMINISTRATION}
    _, topics = load_taxonomy(DATA_DIR)
    assert {t.agency_type for t in topics} <= known


def test_seed_rows_have_exactly_a_label_and_a_text() -> None:
    """Texts with commas must be quoted, or csv cuts them at the first comma."""
    with (DATA_DIR / SEED_EXAMPLES_FILE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        assert None not in row and row["text"], row
    texts = [row["text"] for row in rows]
    assert len(set(texts)) == len(texts)  # no example counts twice


def test_every_topic_has_enough_seed_examples() -> None:
    _, topics = load_taxonomy(DATA_DIR)
    examples = seed_examples(DATA_DIR)
    per_label = Counter(e.label for e in examples if e.is_signal)
    assert set(per_label) <= {t.code for t in topics}  # no seed for an unknown topic
    short = {t.code: per_label[t.code] for t in topics if per_label[t.code] < MIN_SEEDS_PER_TOPIC}
    assert short == {}
    assert sum(not e.is_signal for e in examples) >= MIN_SEEDS_PER_TOPIC  # non-signals too
    assert NOT_SIGNAL not in per_label
