"""A CSV table a ЦУР already has (appeals, a spreadsheet export), through a column mapping.

The file is streamed row by row. Dates are ISO 8601 or `ДД.ММ.ГГГГ[ ЧЧ:ММ[:СС]]`; a date
without a zone is read in the given local time zone. Without an id column a row's id is a
hash of its date and text, so importing the same table twice adds nothing.
"""

import csv
import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from sqlmodel import Session

from ingest.batch import ImportResult, RawRecord, import_records
from ingest.rejection import Rejected
from models.post import PostCreate, PostKind

DATE_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y")
# Cells up to this size are read (and refused later if a field cannot hold them); a row
# with a bigger cell is refused by the reader itself, by its line number.
CELL_LIMIT = 16 * 1024 * 1024


@dataclass(frozen=True)
class ColumnMapping:
    text: str
    date: str
    id: str | None = None
    author: str | None = None
    url: str | None = None


def import_csv(
    session: Session,
    *,
    source_id: int,
    path: Path,
    columns: ColumnMapping,
    timezone: tzinfo,
    delimiter: str = ",",
    lemmatize: Callable[[str], str] | None = None,
    on_record: Callable[[], None] | None = None,
) -> ImportResult:
    def adapt(raw: bytes) -> list[PostCreate]:
        return [adapt_csv_row(raw, columns=columns, timezone=timezone)]

    return import_records(
        session,
        source_id=source_id,
        records=read_rows(path, columns=columns, delimiter=delimiter),
        adapt=adapt,
        lemmatize=lemmatize,
        on_record=on_record,
    )


def read_rows(path: Path, *, columns: ColumnMapping, delimiter: str) -> Iterator[RawRecord]:
    """Each row as a JSON object of its cells; a header missing a mapped column is an error."""
    with (
        _cell_limit(CELL_LIMIT),
        path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle,
    ):
        reader = csv.DictReader(handle, delimiter=delimiter)
        missing = _missing_columns(reader.fieldnames or [], columns)
        if missing:
            raise ValueError(f"{path}: no column {', '.join(missing)} in {reader.fieldnames}")
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                reason = f"unreadable CSV row: {error}"
                origin = f"{path}:{reader.line_num}"
                yield RawRecord(raw=reason.encode(), origin=origin, refused=reason)
                continue
            raw = json.dumps(row, ensure_ascii=False).encode("utf-8", errors="surrogateescape")
            yield RawRecord(raw=raw, origin=f"{path}:{reader.line_num}")


@contextmanager
def _cell_limit(limit: int) -> Iterator[None]:
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def adapt_csv_row(raw: bytes, *, columns: ColumnMapping, timezone: tzinfo) -> PostCreate:
    row = json.loads(raw.decode("utf-8"))
    text = row.get(columns.text) or ""
    if not isinstance(text, str) or not text.strip():
        raise Rejected(f"empty text in column {columns.text!r}")
    published = parse_date(row.get(columns.date) or "", timezone=timezone)
    external_id = _cell(row, columns.id) or _row_hash(published, text)
    return PostCreate(
        external_id=external_id,
        kind=PostKind.APPEAL,
        url=_cell(row, columns.url),
        author_id=_cell(row, columns.author),
        published_at=published,
        text=text,
        text_original=text,
        raw=row,
    )


def parse_date(value: str, *, timezone: tzinfo) -> datetime:
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = _russian_date(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone)


def _russian_date(value: str) -> datetime:
    for layout in DATE_FORMATS:
        try:
            return datetime.strptime(value, layout)
        except ValueError:
            continue
    raise Rejected(f"unreadable date {value!r} (expected ISO 8601 or ДД.ММ.ГГГГ ЧЧ:ММ)")


def _cell(row: dict[str, str], column: str | None) -> str | None:
    """A cell's value, whole: one too long for its field is refused, never cut (cutting ids
    merged distinct rows)."""
    value = row.get(column) if column else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _row_hash(published: datetime, text: str) -> str:
    digest = hashlib.sha256(f"{published.isoformat()}\n{text}".encode()).hexdigest()
    return f"sha256:{digest[:32]}"


def _missing_columns(header: list[str], columns: ColumnMapping) -> list[str]:
    wanted = [columns.text, columns.date, columns.id, columns.author, columns.url]
    return [column for column in wanted if column and column not in header]
