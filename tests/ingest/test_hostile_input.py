"""Bad input at each adapter: refused with a reason (quarantined), never a crash; and the
database's own refusal of one row costs only that row."""

import io
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import Session

from ingest.batch import RawRecord, import_records
from ingest.exports.csv_table import ColumnMapping, import_csv
from ingest.exports.json_arrays import Damaged, Element, iter_arrays
from ingest.exports.telegram_desktop import adapt_export_message
from ingest.jsonl import adapt_line
from ingest.rejection import Rejected
from ingest.vk.adapt import adapt_vk_comment, adapt_vk_post
from models.post import Post, PostCreate
from models.quarantine import QuarantineRecord
from tests.pipeline.helpers import make_source

REFUSED = (Rejected, ValidationError)
VK_POST = {"id": 1, "owner_id": -100, "date": 1_704_430_800, "text": "Яма на дороге"}
TG_MESSAGE = {"id": 1, "type": "message", "date_unixtime": "1704430800", "text": "Нет воды"}


@pytest.mark.parametrize(
    "change",
    [
        {"date": 10**12},
        {"date": -(10**12)},
        {"edited": "x"},
        {"edited": 10**15},
        {"copy_history": "x"},
        {"copy_history": [5]},
        {"views": {"count": 10**30}},
        {"likes": {"count": -1}},
        {"from_id": "a\x00b"},
        {"signer_id": "s" * 100},
        {"extra": {"k": "\x00"}},
        {"extra": {"k": float("inf")}},
        {"extra": {"k": float("nan")}},
        {"geo": "x"},
    ],
)
def test_vk_post_fields_are_validated(change: dict[str, Any]) -> None:
    with pytest.raises(REFUSED):
        adapt_vk_post({**VK_POST, **change})


def test_vk_comment_date_out_of_range() -> None:
    with pytest.raises(REFUSED):
        adapt_vk_comment({**VK_POST, "post_id": 1, "date": 10**13})


@pytest.mark.parametrize(
    "change",
    [
        {"date_unixtime": str(10**18)},
        {"date_unixtime": "-62135596800"},
        {"edited_unixtime": "x"},
        {"reactions": [{"count": "5"}]},
        {"reactions": [{"count": 10**30}]},
        {"from_id": "a\x00b"},
        {"forwarded_from": "f\x00"},
        {"photo": "p\x00"},
        {"text": ["a", {"type": "bold", "text": "\x00"}]},
    ],
)
def test_telegram_export_fields_are_validated(change: dict[str, Any]) -> None:
    with pytest.raises(REFUSED):
        adapt_export_message(json.dumps({**TG_MESSAGE, **change}).encode(), chat_id="1")


@pytest.mark.parametrize(
    "line",
    [
        b'{"external_id":"1","text":"x","published_at":"0001-01-01T00:00:00+05:00"}',
        b'{"external_id":"1","text":"x","published_at":"9999-12-31T23:59:59-05:00"}',
        b'{"external_id":"1","text":"x","published_at":"2024-01-05T10:00:00Z","views":1e400}',
        b'{"external_id":"1","text":"x","published_at":"2024-01-05T10:00:00Z","raw":{"a":NaN}}',
        b'{"external_id":"1","text":"x","published_at":"2024-01-05T10:00:00Z","url":"\\u0000"}',
        b'{"external_id":"1","text":"x","published_at":"2024-01-05T10:00:00Z","raw":'
        + b"[" * 100
        + b"]" * 100
        + b"}",
    ],
)
def test_jsonl_fields_are_validated(line: bytes) -> None:
    with pytest.raises(REFUSED):
        adapt_line(line)


def test_a_too_deep_element_is_refused_alone_and_reading_goes_on() -> None:
    deep = "[" * 5_000 + "]" * 5_000
    items = ['{"id": 1}', '{"id": 2, "x": ' + deep + ', "s": "]]}"}', '{"id": 3, "s": "[["}']
    stream = io.BytesIO(('{"items": [' + ", ".join(items) + "]}").encode())
    pieces = list(iter_arrays(stream, "items", chunk_size=1024))
    assert [type(piece) for piece in pieces] == [Element, Damaged, Element]
    assert isinstance(pieces[1], Damaged) and "nested too deeply" in pieces[1].reason
    assert len(pieces[1].raw) < 11_000
    assert [p.value["id"] for p in pieces if isinstance(p, Element)] == [1, 3]


def _unchecked(external_id: str, published_at: datetime) -> PostCreate:
    """A post built without validation, as a careless adapter could: the database's refusal
    is the last line of defence."""
    return PostCreate.model_construct(
        external_id=external_id,
        kind="post",
        published_at=published_at,
        text="Прорвало трубу",
        text_original="Прорвало трубу",
        attachments=[],
        raw={},
    )


def test_a_row_the_database_refuses_costs_only_that_row(session: Session) -> None:
    source_id = make_source(session)
    good = datetime(2024, 1, 5, tzinfo=UTC)
    out_of_range = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))
    posts = {b"1": good, b"2": out_of_range, b"3": good}
    records = [RawRecord(raw=raw, origin=f"test:{raw.decode()}") for raw in posts]
    result = import_records(
        session,
        source_id=source_id,
        records=records,
        adapt=lambda raw: [_unchecked(raw.decode(), posts[raw])],
    )
    assert (result.new, result.quarantined) == (2, 1)
    stored = session.scalars(select(Post.external_id).order_by(Post.external_id)).all()
    assert stored == ["1", "3"]
    kept = session.scalars(select(QuarantineRecord)).one()
    assert kept.raw == b"2" and kept.origin == "test:2"
    assert kept.reason.startswith("refused by the database")


def test_over_long_csv_ids_are_refused_not_cut_and_merged(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "appeals.csv"
    rows = [f"{'9' * 200}{n},05.01.2024 10:00,Нет света {n}" for n in range(113)]
    path.write_text("id,date,body\n" + "\n".join(rows) + "\n1,05.01.2024 10:00,Нет воды\n")
    result = import_csv(
        session,
        source_id=make_source(session, kind="csv", target=str(path)),
        path=path,
        columns=ColumnMapping(text="body", date="date", id="id"),
        timezone=ZoneInfo("Asia/Yekaterinburg"),
    )
    assert (result.new, result.known, result.quarantined) == (1, 0, 113)
    reasons = session.scalars(select(QuarantineRecord.reason)).all()
    assert all("external_id" in reason for reason in reasons)


def test_a_csv_cell_over_the_csv_modules_limit(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "appeals.csv"
    path.write_text(f"id,date,body\n1,05.01.2024,{'я' * 131_073}\n2,05.01.2024,Нет воды\n")
    result = import_csv(
        session,
        source_id=make_source(session, kind="csv", target=str(path)),
        path=path,
        columns=ColumnMapping(text="body", date="date", id="id"),
        timezone=ZoneInfo("Asia/Yekaterinburg"),
    )
    assert (result.new, result.quarantined) == (1, 1)
