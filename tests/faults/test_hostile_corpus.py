"""10,000 hostile and good records through the four import paths, on SQLite and PostgreSQL:
every record is stored, quarantined or skipped, the command exits 0, no traceback."""

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session
from typer.testing import CliRunner

from models.db import make_engine
from models.post import Post
from models.quarantine import QuarantineRecord
from otklik.cli import app
from tests.faults import hostile_corpus

runner = CliRunner()
PER_PATH = 2_500  # four paths: 10,000 records
SUMMARY = re.compile(r"new: (\d+), already known: (\d+), quarantined: (\d+)(?:, skipped: (\d+))?")

PATHS: list[tuple[str, str, Callable[..., int], list[str]]] = [
    ("jsonl", "corpus.jsonl", hostile_corpus.write_jsonl, []),
    ("csv", "corpus.csv", hostile_corpus.write_csv,
     ["--text-column", "body", "--date-column", "date", "--id-column", "id",
      "--author-column", "author", "--url-column", "link"]),
    ("vk-dump", "corpus_vk.json", hostile_corpus.write_vk_dump, []),
    ("telegram-export", "result.json", hostile_corpus.write_telegram_export, []),
]  # fmt: skip


def _counts(output: str) -> tuple[int, int, int, int]:
    match = SUMMARY.search(output)
    assert match, output[-2000:]
    new, known, quarantined, skipped = (int(group or 0) for group in match.groups())
    return new, known, quarantined, skipped


def test_hostile_corpus_is_fully_accounted_for(configured: str, tmp_path: Path) -> None:
    total_new = total_quarantined = total_input = 0
    for seed, (command, name, write, options) in enumerate(PATHS):
        path = tmp_path / name
        written = write(path, count=PER_PATH, seed=seed)
        result = runner.invoke(app, ["ingest", command, str(path), *options, "--no-annotate"])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{command}: {result.exception!r}"
        )
        assert result.exit_code == 0, f"{command}: {result.output[-2000:]}"
        assert "Traceback" not in result.output
        new, known, quarantined, skipped = _counts(result.output)
        assert new + known + quarantined + skipped == written, (command, result.output)
        assert quarantined > PER_PATH * 0.2 and new > PER_PATH * 0.5, (command, result.output)
        total_new += new
        total_quarantined += quarantined
        total_input += written
    assert total_input == 10_000
    engine = make_engine(configured)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Post)) == total_new
        stored_quarantine = session.scalar(select(func.count()).select_from(QuarantineRecord))
        assert stored_quarantine == total_quarantined
        biggest = session.scalar(select(func.max(func.length(QuarantineRecord.raw))))
    engine.dispose()
    # Only the one deep message is quarantined, not the rest of its file with it.
    assert biggest is not None and biggest < 300_000


@pytest.mark.parametrize("date", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
def test_one_line_out_of_range_date(configured: str, tmp_path: Path, date: str) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"external_id": "1", "text": "x", "published_at": date}) + "\n")
    result = runner.invoke(app, ["ingest", "jsonl", str(path), "--no-annotate"])
    assert result.exit_code == 0, result.output
    assert "quarantined: 1" in result.output
