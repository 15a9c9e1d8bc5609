"""Otklik's own interchange format: one JSON object a line, the fields of `PostCreate`.

The minimal line is `{"external_id": "1", "text": "...", "published_at": "2024-01-05T10:00:00Z"}`;
`text_original` defaults to `text`. Used for backfills and by tests and benchmarks.
"""

from collections.abc import Iterator
from pathlib import Path

from ingest.batch import RawRecord
from ingest.json_input import parse_json
from ingest.rejection import Rejected
from models.post import PostCreate


def read_lines(path: Path) -> Iterator[RawRecord]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield RawRecord(raw=line.rstrip(b"\r\n"), origin=f"{path}:{number}")


def adapt_line(raw: bytes) -> list[PostCreate]:
    payload = parse_json(raw)
    if not isinstance(payload, dict):
        raise Rejected(f"expected a JSON object, got {type(payload).__name__}")
    if not isinstance(payload.get("text"), str) or not payload["text"].strip():
        raise Rejected("missing text")
    payload.setdefault("text_original", payload["text"])
    return [PostCreate.model_validate(payload)]
