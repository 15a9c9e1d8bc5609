"""Writing rows (dataclasses) to CSV or XLSX files."""

import csv
from collections.abc import Sequence
from dataclasses import asdict, fields, is_dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from openpyxl import Workbook


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


def export_rows(rows: Sequence[Any], *, columns: list[str], path: Path, fmt: ExportFormat) -> int:
    """Write `rows` with a header of `columns`; returns the number of rows written."""
    values = [[_cell(asdict(row)[name]) for name in columns] for row in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == ExportFormat.CSV:
        with path.open("w", newline="", encoding="utf-8-sig") as file:  # BOM: Excel reads UTF-8
            writer = csv.writer(file)
            writer.writerow(columns)
            writer.writerows(values)
    else:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(columns)
        for row in values:
            sheet.append(row)
        workbook.save(path)
    return len(values)


def column_names(record_type: type) -> list[str]:
    assert is_dataclass(record_type)
    return [field.name for field in fields(record_type)]


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value
