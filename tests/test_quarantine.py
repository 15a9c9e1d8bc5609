import json
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from ingest import jsonl
from ingest.batch import import_records
from ingest.sources import get_or_create_source
from models.post import Post
from models.quarantine import QuarantineRecord
from models.source import SourceCreate


def _line(external_id: str, text: str) -> bytes:
    record = {"external_id": external_id, "text": text, "published_at": "2024-01-05T10:00:00Z"}
    return json.dumps(record, ensure_ascii=False).encode()


def test_malformed_records_are_quarantined_and_the_rest_imported(
    session: Session, tmp_path: Path
) -> None:
    huge = _line("huge", "я" * 5_000_000)
    lines = [
        _line("1", "Прорвало трубу на Ленина, 5"),
        b'{"external_id": "no-text", "published_at": "2024-01-05T10:00:00Z"}',
        b'{"external_id": "latin1", "text": "\xe0\xe1\xe2", '
        b'"published_at": "2024-01-05T10:00:00Z"}',
        huge,
        b'{"external_id": "truncated", "text": "abc',
        b'{"external_id": "naive", "text": "abc", "published_at": "2024-01-05T10:00:00"}',
        b"[1, 2, 3]",
        _line("2", "Не вывозят мусор третью неделю"),
    ]
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    source = get_or_create_source(
        session, source=SourceCreate(kind="jsonl", name="test", target=str(path))
    )
    session.commit()

    result = import_records(
        session, source_id=source.id or 0, records=jsonl.read_lines(path), adapt=jsonl.adapt_line
    )

    assert (result.new, result.known, result.quarantined) == (2, 0, 6)
    stored = session.execute(select(Post.external_id).order_by(Post.external_id)).scalars().all()
    assert stored == ["1", "2"]
    kept = session.execute(select(QuarantineRecord).order_by(QuarantineRecord.id)).scalars().all()
    reasons = [record.reason for record in kept]
    assert reasons[0] == "missing text"
    assert reasons[1].startswith("not UTF-8")
    assert "more than 100000" in reasons[2]
    assert reasons[3].startswith("invalid JSON")
    assert "timezone-aware" in reasons[4]
    assert reasons[5] == "expected a JSON object, got list"
    # the raw input is kept byte for byte, with where it came from
    assert kept[1].raw == lines[2]
    assert kept[2].raw == huge
    assert kept[0].origin == f"{path}:2"
    assert all(record.stage == "ingest" and record.source_id == source.id for record in kept)
