"""A ЦУР export (XLSX or CSV) through a `--map field="Column"` mapping, streamed row by row.

XLSX is read with openpyxl in read-only mode (rows stream off the zip, the sheet is never
loaded whole); CSV with the csv module (UTF-8, or Windows-1251 as Excel saves it; `,` `;`
or tab, sniffed). What the file is comes from its first bytes, not its name. A mapping that
names a column the file lacks is refused with the file's real columns and the closest ones;
nothing of the file's raw bytes ever reaches a message.

Each row becomes a post (an appeal) and, when mapped, the operators' labels for it: the
municipality (the post's place), the topic and the topic group (training labels), by name.
"""

import csv
import difflib
import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlmodel import Session

from ingest.batch import ImportResult, RawRecord, import_records
from ingest.exports.csv_table import parse_date
from ingest.rejection import Rejected
from models.labels import ImportedLabels
from models.post import Post, PostCreate, PostKind

ZIP_MAGIC = b"PK\x03\x04"
SNIFF_BYTES = 64 * 1024
CSV_ENCODINGS = ("utf-8-sig", "cp1251")
LOOKUP_CHUNK = 500


class TableError(ValueError):
    """The file or the mapping cannot be used; the message is meant for the operator."""


@dataclass(frozen=True)
class TableMapping:
    """Which column holds what; only `text` and `date` are required."""

    text: str
    date: str
    id: str | None = None
    author: str | None = None
    url: str | None = None
    municipality: str | None = None
    topic: str | None = None
    category: str | None = None

    def columns(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


FIELDS = tuple(f.name for f in fields(TableMapping))


def parse_mapping(
    pairs: list[str], *, required: tuple[str, ...] = ("text", "date")
) -> TableMapping:
    """`["text=Текст инцидента", "date=Дата создания", ...]` as a mapping."""
    chosen: dict[str, str] = {}
    for pair in pairs:
        key, sep, column = pair.partition("=")
        key, column = key.strip(), column.strip().strip('"').strip("'")
        if not sep or not column:
            raise TableError(f'--map {pair!r}: expected field="Column name"')
        if key not in FIELDS:
            raise TableError(f"--map {key}: unknown field; known: {', '.join(FIELDS)}")
        chosen[key] = column
    missing = [key for key in required if key not in chosen]
    if missing:
        raise TableError(f'--map needs {" and ".join(missing)} (e.g. text="Текст инцидента")')
    return TableMapping(**{"date": "", **chosen})  # training needs no date


@dataclass(frozen=True)
class Table:
    header: list[str]
    # (row number in the file, cells by column, or why the row cannot be read)
    rows: Iterator[tuple[int, dict[str, str] | str]]
    close: Callable[[], None]


def read_table(path: Path) -> Table:
    """The header and a stream of rows; an unreadable file is a `TableError`."""
    with path.open("rb") as handle:
        start = handle.read(SNIFF_BYTES)
    if start.startswith(ZIP_MAGIC):
        return _xlsx(path)
    if b"\x00" in start:
        raise TableError(f"{path.name} is neither an XLSX workbook nor a text table")
    return _csv(path, start)


def check_mapping(table: Table, mapping: TableMapping, *, name: str) -> None:
    """Refuse a mapping naming columns the file lacks, listing the real ones."""
    missing = {key: column for key, column in mapping.columns().items()
               if column not in table.header}  # fmt: skip
    if not missing:
        return
    problems = []
    for key, column in missing.items():
        close = difflib.get_close_matches(column, table.header, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problems.append(f"{key}={column!r}{hint}")
    raise TableError(
        f"{name} has no column {'; '.join(problems)}. Its columns: "
        + ", ".join(repr(column) for column in table.header)
    )


@dataclass
class TableImport:
    result: ImportResult
    labels: list[ImportedLabels]  # for the posts new in this import


def import_table(
    session: Session,
    *,
    source_id: int,
    path: Path,
    mapping: TableMapping,
    timezone: tzinfo,
    on_record: Callable[[], None] | None = None,
) -> TableImport:
    """Store each row as a post; bad rows are quarantined with their reasons, never fatal.

    The labels of new posts are returned by post id (the names as the file has them).
    """
    table = read_table(path)
    try:
        return _import(session, source_id, table, path, mapping, timezone, on_record)
    finally:
        table.close()


def _import(
    session: Session,
    source_id: int,
    table: Table,
    path: Path,
    mapping: TableMapping,
    timezone: tzinfo,
    on_record: Callable[[], None] | None,
) -> TableImport:
    check_mapping(table, mapping, name=path.name)
    wanted: dict[str, ImportedLabels] = {}

    def adapt(raw: bytes) -> list[PostCreate]:
        post, labels = adapt_table_row(raw, mapping=mapping, timezone=timezone)
        if labels.any():
            wanted[post.external_id] = labels
        return [post]

    records = (
        RawRecord(raw=b"", origin=f"{path.name}: row {number}", refused=cells)
        if isinstance(cells, str)
        else RawRecord(raw=_encode(cells), origin=f"{path.name}: row {number}")
        for number, cells in table.rows
    )
    result = import_records(
        session, source_id=source_id, records=records, adapt=adapt, on_record=on_record
    )
    return TableImport(result, _labels_of_new(session, source_id, result.new_ids, wanted))


def adapt_table_row(
    raw: bytes, *, mapping: TableMapping, timezone: tzinfo
) -> tuple[PostCreate, ImportedLabels]:
    row = json.loads(raw.decode("utf-8"))
    text = (row.get(mapping.text) or "").strip()
    if not text:
        raise Rejected(f"empty text in column {mapping.text!r}")
    when = row.get(mapping.date) or ""
    if not when.strip():
        raise Rejected(f"empty date in column {mapping.date!r}")
    published = parse_date(when, timezone=timezone)
    post = PostCreate(
        external_id=_cell(row, mapping.id) or _row_hash(published, text),
        kind=PostKind.APPEAL,
        url=_cell(row, mapping.url),
        author_id=_cell(row, mapping.author, limit=64),
        published_at=published,
        text=text,
        text_original=text,
        raw=row,
    )
    labels = ImportedLabels(
        post_id=0,
        municipality=_cell(row, mapping.municipality),
        topic=_cell(row, mapping.topic),
        category=_cell(row, mapping.category),
    )
    return post, labels


def _labels_of_new(
    session: Session, source_id: int, new_ids: list[int], wanted: dict[str, ImportedLabels]
) -> list[ImportedLabels]:
    labels: list[ImportedLabels] = []
    for start in range(0, len(new_ids), LOOKUP_CHUNK):
        chunk = new_ids[start : start + LOOKUP_CHUNK]
        statement = select(Post.id, Post.external_id).where(
            Post.source_id == source_id,
            Post.id.in_(chunk),  # type: ignore[union-attr]
        )
        for post_id, external_id in session.execute(statement):
            found = wanted.get(external_id)
            if found is not None:
                labels.append(ImportedLabels(post_id, found.municipality, found.topic,
                                             found.category))  # fmt: skip
    return labels


def _xlsx(path: Path) -> Table:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        reason = type(error).__name__
        raise TableError(f"{path.name} is not a readable XLSX workbook ({reason})") from error
    sheet = workbook.active
    if sheet is None:
        raise TableError(f"{path.name} has no worksheet")
    rows = sheet.iter_rows(values_only=True)
    header = _header(next(rows, ()), path)
    width = len(header)

    def stream() -> Iterator[tuple[int, dict[str, str] | str]]:
        try:
            for number, values in enumerate(rows, start=2):
                cells = [_text(value) for value in values[:width]]
                if any(cells):
                    yield (
                        number,
                        dict(zip(header, cells + [""] * (width - len(cells)), strict=True)),
                    )
        finally:
            workbook.close()

    return Table(header, stream(), workbook.close)


def _csv(path: Path, start: bytes) -> Table:
    encoding = _encoding(start, path)
    sample = start.decode(encoding, errors="ignore")
    try:
        dialect: Any = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # Undecodable bytes survive as surrogates: that row alone is quarantined ("not UTF-8").
    handle = path.open(encoding=encoding, errors="surrogateescape", newline="")
    reader = csv.reader(handle, dialect)
    header = _header(next(reader, []), path)
    width = len(header)

    def stream() -> Iterator[tuple[int, dict[str, str] | str]]:
        try:
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:  # e.g. a field over the size limit: this row only
                    yield reader.line_num, f"unreadable CSV row: {error}"
                    continue
                cells = [value.strip() for value in values[:width]]
                if any(cells):
                    padded = cells + [""] * (width - len(cells))
                    yield reader.line_num, dict(zip(header, padded, strict=True))
        finally:
            handle.close()

    return Table(header, stream(), handle.close)


def _encoding(start: bytes, path: Path) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            start.decode(encoding)
            return encoding
        except UnicodeDecodeError as error:
            if encoding == "utf-8-sig" and error.start > len(start) - 4:
                return encoding  # a character cut by the sample's end
    raise TableError(f"{path.name} is neither UTF-8 nor Windows-1251 text")


def _header(values: Any, path: Path) -> list[str]:
    header = [_text(value) for value in values]
    while header and not header[-1]:
        header.pop()
    if not header or not any(header):
        raise TableError(f"{path.name} has no header row")
    if any(not name.isprintable() for name in header):
        raise TableError(f"{path.name}: the first row is not a header of column names")
    named = [name or f"column {index + 1}" for index, name in enumerate(header)]
    seen: dict[str, int] = {}
    for index, name in enumerate(named):  # a repeated name keeps every column: "Тема (2)"
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            named[index] = f"{name} ({seen[name]})"
    return named


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _encode(cells: dict[str, str]) -> bytes:
    return json.dumps(cells, ensure_ascii=False).encode("utf-8", errors="surrogateescape")


def _cell(row: dict[str, str], column: str | None, *, limit: int = 200) -> str | None:
    value = row.get(column) if column else None
    return value.strip()[:limit] if value and value.strip() else None


def _row_hash(published: datetime, text: str) -> str:
    digest = hashlib.sha256(f"{published.isoformat()}\n{text}".encode()).hexdigest()
    return f"sha256:{digest[:32]}"


def is_workbook(path: Path) -> bool:
    """Whether the file is a zip (an XLSX workbook), whatever its name."""
    with path.open("rb") as handle:
        return handle.read(len(ZIP_MAGIC)) == ZIP_MAGIC
