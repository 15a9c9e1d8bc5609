"""Writing rows (dataclasses) to CSV or XLSX files, for people: Russian headers and names,
local time, and no cell a spreadsheet would run as a formula."""

import csv
from collections.abc import Mapping, Sequence
from dataclasses import asdict, fields, is_dataclass
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlmodel import Session, select

from models.taxonomy import Topic
from triage.export_labels import HEADERS, SOURCE_KIND_NAMES, STATUS_NAMES

# A spreadsheet runs a cell starting with one of these as a formula (or a DDE command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
DATE_FORMAT = "%d.%m.%Y %H:%M"


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


def export_rows(
    rows: Sequence[Any],
    *,
    columns: list[str],
    path: Path,
    fmt: ExportFormat,
    zone: tzinfo = UTC,
    topic_names: Mapping[str, str] | None = None,
) -> int:
    """Write `rows` under Russian headers of `columns`; returns the number of rows written.

    Times are written in `zone`, statuses, source kinds and topics by their names.
    """
    names = topic_names or {}
    values = [[_cell(name, asdict(row)[name], zone, names) for name in columns] for row in rows]
    header = [HEADERS.get(name, name) for name in columns]
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == ExportFormat.CSV:
        _write_csv(path, header, values)
    else:
        _write_xlsx(path, header, values)
    return len(values)


def column_names(record_type: type) -> list[str]:
    assert is_dataclass(record_type)
    return [field.name for field in fields(record_type)]


def topic_names(session: Session) -> dict[str, str]:
    """Topic code -> name, for exports that show topics by name."""
    return dict(session.exec(select(Topic.code, Topic.name)).all())  # type: ignore[arg-type]


def neutralise_formula(text: str) -> str:
    """A text cell a spreadsheet would evaluate, made inert by a leading apostrophe (OWASP)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _write_csv(path: Path, header: list[str], values: list[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as file:  # BOM: Excel reads UTF-8
        writer = csv.writer(file)
        writer.writerow(header)
        for row in values:
            writer.writerow([neutralise_formula(v) if isinstance(v, str) else v for v in row])


def _write_xlsx(path: Path, header: list[str], values: list[list[Any]]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row_number, row in enumerate([header, *values], start=1):
        for column_number, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column_number, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text as it is: openpyxl stores "=..." as a live formula
    workbook.save(path)


def _cell(column: str, value: Any, zone: tzinfo, names: Mapping[str, str]) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(zone).strftime(DATE_FORMAT)
    if isinstance(value, bool):
        return "да" if value else "нет"
    if column == "status":
        return STATUS_NAMES.get(value, value)
    if column == "source_kind":
        return SOURCE_KIND_NAMES.get(value, value)
    if column == "topic_code":
        return names.get(value, value)
    return value
