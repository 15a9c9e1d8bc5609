"""The project's own reference files in `data/`: the taxonomy and the default gazetteer."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.geo import Municipality, Settlement
from models.taxonomy import Category, Topic

TAXONOMY_FILE = "taxonomy.json"
GAZETTEER_DIR = "gazetteer"
SEED_EXAMPLES_FILE = "seed_examples.csv"


class ReferenceDataError(ValueError):
    """A reference file is missing or malformed."""


def load_taxonomy(data_dir: Path) -> tuple[list[Category], list[Topic]]:
    """Categories and topics from `data/taxonomy.json`."""
    document = _read_json(data_dir / TAXONOMY_FILE)
    categories: list[Category] = []
    topics: list[Topic] = []
    for position, item in enumerate(document.get("categories", [])):
        categories.append(Category(code=item["code"], name=item["name"], position=position))
        for topic_position, topic in enumerate(item.get("topics", [])):
            topics.append(adapt_topic(topic, item["code"], topic_position))
    if not topics:
        raise ReferenceDataError(f"{data_dir / TAXONOMY_FILE} defines no topics")
    return categories, topics


def topic_wordings(data_dir: Path, names: Mapping[str, str] | None = None) -> dict[str, str]:
    """topic code -> its name, and the rubricator theme it stands for when that reads
    differently: the words the classifier learns as one more example of the topic.

    `names` (the database's, as operators edited them) override the file's names and add
    topics the file lacks; the file's rubricator themes are kept."""
    names = names or {}
    wordings = dict(names)
    for item in _read_json(data_dir / TAXONOMY_FILE).get("categories", []):
        for topic in item.get("topics", []):
            name = names.get(topic["code"], topic["name"])
            parts = dict.fromkeys([name, topic.get("rubricator") or name])
            wordings[topic["code"]] = ". ".join(parts)
    return wordings


def adapt_topic(item: dict[str, Any], category_code: str, position: int) -> Topic:
    return Topic(
        code=item["code"],
        category_code=category_code,
        name=item["name"],
        sla_hours=int(item.get("sla_hours", 40)),
        urgent=bool(item.get("urgent", False)),
        agency_type=item.get("agency_type", "municipal_administration"),
        position=position,
    )


@dataclass
class GazetteerEntry:
    municipality: Municipality
    settlements: list[Settlement] = field(default_factory=list)


def load_gazetteer(data_dir: Path, region_code: str) -> list[GazetteerEntry]:
    """The authored gazetteer files of `region_code` (none: an empty list)."""
    entries: list[GazetteerEntry] = []
    for path in sorted((data_dir / GAZETTEER_DIR).glob("*.json")):
        document = _read_json(path)
        if str(document.get("region_code")) != region_code:
            continue
        entries.extend(adapt_municipality(item, region_code) for item in document["municipalities"])
    return entries


def adapt_municipality(item: dict[str, Any], region_code: str) -> GazetteerEntry:
    municipality = Municipality(
        region_code=region_code,
        oktmo=item.get("oktmo"),
        name=item["name"],
        kind=item.get("kind", "municipal_district"),
        center=item.get("center"),
        latitude=item.get("lat"),
        longitude=item.get("lon"),
        population=item.get("population"),
        variants=list(item.get("variants", [])),
    )
    settlements = [
        Settlement(municipality_id=0, name=name, kind=kind, latitude=lat, longitude=lon)
        for name, kind, lat, lon in item.get("settlements", [])
    ]
    return GazetteerEntry(municipality=municipality, settlements=settlements)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ReferenceDataError(f"missing reference file {path}") from error
    except json.JSONDecodeError as error:
        raise ReferenceDataError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise ReferenceDataError(f"{path} must hold a JSON object")
    return document
