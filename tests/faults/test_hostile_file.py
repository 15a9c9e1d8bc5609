"""A file of 10,000 malformed or hostile records: every one is accounted for (imported or
quarantined with its reason), and the hostile text that is imported goes through NLP."""

import json
import random
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from ingest import jsonl
from ingest.batch import import_records
from models.post import Post
from models.quarantine import QuarantineRecord
from otklik import resources
from otklik.pipeline import batches
from otklik.stage_runs import annotate_batch
from tests.faults.conftest import Stack
from tests.faults.helpers import stage_counts
from tests.pipeline.helpers import COMPLAINTS, make_source

RECORDS = 10_000
DATE = "2024-01-05T10:00:00Z"
HOSTILE_TEXTS = [
    "<script>alert('xss')</script> Яма на Ленина",
    '<img src=x onerror="fetch(`//evil`)"> Нет воды',
    "Не вывозят мусор \x07\x1b[31m красный \x1b[0m",
    "Фонарь не горит " + "\u202e" * 20 + "‮перевёрнуто",
    "' OR 1=1; DROP TABLE post; -- прорвало трубу",
    "😡" * 3000 + " автобус не пришёл",
    "я " * 10_000,  # big but allowed
    "Z̸̢̛a̷͔͝l̴̰̈g̵̣͝o̵̢͐ " * 50 + " отопление",
]


def _good(number: int, text: str) -> dict:
    return {"external_id": f"ok-{number}", "text": text, "published_at": DATE}


def _bad_lines(number: int, rng: random.Random) -> bytes:
    kind = number % 12
    good = _good(number, COMPLAINTS[number % len(COMPLAINTS)])
    if kind == 0:
        return json.dumps(good, ensure_ascii=False).encode()[: rng.randint(5, 40)]  # truncated
    if kind == 1:
        return json.dumps([good]).encode()  # not an object
    if kind == 2:
        return json.dumps({**good, "text": None}).encode()
    if kind == 3:
        return json.dumps({**good, "text": "x" * 100_001}).encode()  # too long
    if kind == 4:
        return json.dumps({**good, "text": "NUL \u0000 inside"}).encode()
    if kind == 5:
        return (
            b'{"external_id": "s", "text": "\\ud800 lone", "published_at": "'
            + DATE.encode()
            + b'"}'
        )
    if kind == 6:
        return json.dumps({**good, "published_at": "вчера"}, ensure_ascii=False).encode()
    if kind == 7:
        return json.dumps({**good, "published_at": "2024-01-05T10:00:00"}).encode()  # naive
    if kind == 8:
        return json.dumps({**good, "external_id": "e" * 5000}).encode()
    if kind == 9:
        return "не JSON вообще".encode() + bytes([0xFF, 0xFE])  # not UTF-8
    if kind == 10:
        return json.dumps({**good, "likes": "много"}, ensure_ascii=False).encode()
    return json.dumps({**good, "text": "   "}).encode()  # blank


def _write_file(path: Path, *, nested: bool) -> tuple[int, int]:
    """Write the file; return how many records are valid and how many are not."""
    rng = random.Random(7)
    good = bad = 0
    with path.open("wb") as handle:
        for number in range(RECORDS):
            if number % 5 == 0:
                text = HOSTILE_TEXTS[number // 5 % len(HOSTILE_TEXTS)]
                line = json.dumps(_good(number, text), ensure_ascii=False).encode()
                good += 1
            elif nested and number % 97 == 0:
                line = b"[" * 50_000 + b"]" * 50_000
                bad += 1
            else:
                line = _bad_lines(number, rng)
                bad += 1
            handle.write(line.replace(b"\n", b" ") + b"\n")
    return good, bad


def _import(stack: Stack, path: Path) -> tuple[int, int, int]:
    with Session(stack.engine) as session:
        source_id = make_source(session, target=str(path), kind="jsonl")
        result = import_records(
            session, source_id=source_id, records=jsonl.read_lines(path), adapt=jsonl.adapt_line
        )
        posts = session.execute(select(func.count()).select_from(Post)).scalar_one()
        quarantined = session.execute(
            select(func.count()).select_from(QuarantineRecord)
        ).scalar_one()
    assert (result.new, result.quarantined) == (posts, quarantined)
    return result.new, result.quarantined, result.known


def test_ten_thousand_hostile_records_are_all_accounted_for(stack: Stack, tmp_path: Path) -> None:
    path = tmp_path / "hostile.jsonl"
    good, bad = _write_file(path, nested=False)

    new, quarantined, known = _import(stack, path)

    assert new + quarantined + known == RECORDS
    assert (new, quarantined) == (good, bad)
    with Session(stack.engine) as session:
        stored = set(session.execute(select(Post.text)).scalars())
        reasons = session.execute(select(QuarantineRecord.reason)).scalars().all()
        ids = sorted(session.execute(select(Post.id)).scalars())
    assert HOSTILE_TEXTS[0] in stored  # kept verbatim; the console escapes it on display
    assert all(reasons) and any("invalid JSON" in reason for reason in reasons)

    annotator = resources.annotator()
    for batch in batches(ids, 200):
        outcome = annotate_batch(
            stack.engine, annotator=annotator, post_ids=batch, isolate_failures=True
        )
        assert outcome.quarantined == []  # hostile text does not crash NLP
    assert stage_counts(stack.engine) == {"annotated": good}


def test_deeply_nested_json_records_are_quarantined(stack: Stack, tmp_path: Path) -> None:
    path = tmp_path / "nested.jsonl"
    good, bad = _write_file(path, nested=True)
    new, quarantined, _ = _import(stack, path)
    assert (new, quarantined) == (good, bad)
