"""`otklik ingest table` and `otklik nlp train --map`: ЦУР exports (XLSX made with openpyxl,
CSV in UTF-8 and Windows-1251), their places and labels, bad rows and bad mappings."""

import csv
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from ingest.exports.table import read_table
from models.annotation import Annotation, SetBy
from models.geo import Municipality
from models.learning import ModelVersion, TrainingLabel
from models.post import Post
from models.quarantine import QuarantineRecord
from models.taxonomy import Category, Topic
from otklik.cli import app
from tests.nlp.test_cli import ROWS

runner = CliRunner()
HEADER = ["Номер", "Текст инцидента", "Дата создания", "Муниципалитет", "Тема", "Группа тем"]
GOOD = [
    ("101", "Прорвало трубу на Ленина, 5", datetime(2024, 6, 1, 10, 0),
     "Краснокамский городской округ", "Прорыв трубы", "ЖКХ"),
    ("102", "Темно во дворе, фонари не горят", "01.06.2024 21:00",
     "чусовской  городской округ", "Неизвестная тема", "Благоустройство"),
    ("103", "Яма у остановки", "2024-06-02", "Несуществующий округ", "Ямы", "Дороги"),
]  # fmt: skip
BAD = [
    ("104", "Нет воды", "вчера", "", "", ""),  # unreadable date
    ("105", "", "01.06.2024", "Краснокамский городской округ", "Ямы", "Дороги"),  # no text
]
MAP = [
    "--map", "id=Номер", "text=Текст инцидента", "date=Дата создания",
    "municipality=Муниципалитет", "topic=Тема", "category=Группа тем",
]  # fmt: skip


@pytest.fixture
def rubricator(configured: str, engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        session.add_all([Category(code="housing", name="ЖКХ"),
                         Category(code="amenities", name="Благоустройство"),
                         Category(code="roads", name="Дороги")])  # fmt: skip
        session.flush()
        pipe = Topic(code="housing_pipe_burst", category_code="housing", name="Прорыв трубы")
        session.add_all([pipe, Topic(code="roads_potholes", category_code="roads", name="Ямы")])
        names = ("Краснокамский городской округ", "Чусовской городской округ")
        places = {name: Municipality(region_code="57", name=name) for name in names}
        session.add_all(places.values())
        session.commit()
        return {name: place.id or 0 for name, place in places.items()}


def _xlsx(path: Path, rows: list[tuple[object, ...]], header: list[str] = HEADER) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def test_an_xlsx_export_becomes_posts_places_and_labels(
    rubricator: dict[str, int], engine: Engine, tmp_path: Path
) -> None:
    path = _xlsx(tmp_path / "cur_export.xlsx", [*GOOD, *BAD])
    result = runner.invoke(app, ["ingest", "table", str(path), *MAP, "--no-annotate"])
    assert result.exit_code == 0, result.output
    assert "new: 3, already known: 0, quarantined: 2" in result.output
    assert "training labels: 3, posts placed: 3" in result.output
    assert "unknown topic names: 'Неизвестная тема' (1)" in result.output
    assert "unknown municipality names: 'Несуществующий округ' (1)" in result.output
    assert "columns not mapped" not in result.output  # all six are mapped

    with Session(engine) as session:
        posts = {p.external_id: p for p in session.exec(select(Post)).all()}
        assert set(posts) == {"101", "102", "103"}
        assert posts["101"].published_at.isoformat() == "2024-06-01T05:00:00+00:00"  # Perm time
        labels = {(label.post_id, label.category_code, label.topic_code, label.municipality_id)
                  for label in session.exec(select(TrainingLabel)).all()}  # fmt: skip
        krasnokamsk, chusovoy = rubricator.values()
        assert labels == {
            (posts["101"].id, "housing", "housing_pipe_burst", krasnokamsk),
            (posts["102"].id, "amenities", None, chusovoy),  # unknown topic: its group only
            (posts["103"].id, "roads", "roads_potholes", None),  # unknown place: no place
        }
        places = {a.post_id: (a.municipality_id, a.topic_code, a.set_by)
                  for a in session.exec(select(Annotation)).all()}  # fmt: skip
        assert places == {
            posts["101"].id: (krasnokamsk, "housing_pipe_burst", SetBy.PERSON),
            posts["102"].id: (chusovoy, None, SetBy.PERSON),
            posts["103"].id: (None, "roads_potholes", SetBy.PERSON),
        }
        reasons = sorted(r.reason for r in session.exec(select(QuarantineRecord)).all())
        assert reasons[0].startswith("empty text") and "unreadable date 'вчера'" in reasons[1]
        origins = {r.origin for r in session.exec(select(QuarantineRecord)).all()}
        assert origins == {"cur_export.xlsx: row 5", "cur_export.xlsx: row 6"}

    again = runner.invoke(app, ["ingest", "table", str(path), *MAP, "--no-annotate"])
    assert "new: 0, already known: 3" in again.output and "training labels: 0" in again.output


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-8-sig", ","), ("cp1251", ";")])
def test_csv_exports_in_either_encoding_and_separator(
    rubricator: dict[str, int], engine: Engine, tmp_path: Path, encoding: str, delimiter: str
) -> None:
    path = tmp_path / "cur.csv"
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(HEADER)
        writer.writerows([(*row[:2], "01.06.2024 10:00", *row[3:]) for row in GOOD])
    without_group = [pair for pair in MAP if not pair.startswith("category=")]
    result = runner.invoke(app, ["ingest", "table", str(path), *without_group, "--no-annotate"])
    assert result.exit_code == 0, result.output
    assert "new: 3" in result.output  # the group unmapped: the unknown topic's row has no label
    assert "training labels: 2" in result.output
    assert "columns not mapped (kept in each post's raw row only): 'Группа тем'" in result.output
    with Session(engine) as session:
        texts = {p.text for p in session.exec(select(Post)).all()}
    assert "Прорвало трубу на Ленина, 5" in texts


def test_misspelled_columns_are_listed_with_the_real_ones_never_raw_bytes(
    rubricator: dict[str, int], engine: Engine, tmp_path: Path
) -> None:
    path = _xlsx(tmp_path / "cur_export.xlsx", GOOD)
    wrong = ["--map", "text=Текст инцидентa", "date=Дата", "topic=Тема"]  # a Latin "a"
    result = runner.invoke(app, ["ingest", "table", str(path), *wrong])
    assert result.exit_code == 2
    assert "text='Текст инцидентa' (did you mean 'Текст инцидента'?)" in result.output
    assert "Its columns: 'Номер', 'Текст инцидента', 'Дата создания'" in result.output
    unknown = runner.invoke(app, ["ingest", "table", str(path), "--map", "txt=Тема"])
    assert unknown.exit_code == 2 and "unknown field; known: text, date" in unknown.output
    unmapped = runner.invoke(app, ["ingest", "table", str(path), "--map", "topic=Тема"])
    assert unmapped.exit_code == 2 and "--map needs text and date" in unmapped.output
    assert "has the columns: 'Номер', 'Текст инцидента'" in unmapped.output

    old = runner.invoke(app, ["ingest", "csv", str(path), "--text-column", "Текст инцидента",
                              "--date-column", "Дата создания"])  # fmt: skip
    assert old.exit_code == 2 and "is an XLSX workbook" in old.output
    assert "PK" not in old.output and "\\x" not in old.output

    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    refused = runner.invoke(app, ["ingest", "table", str(binary), *MAP])
    assert refused.exit_code == 2 and "neither an XLSX workbook nor a text table" in refused.output
    assert "PNG" not in refused.output
    with Session(engine) as session:
        assert session.exec(select(Post)).all() == []


def test_nlp_train_reads_the_same_export_through_the_same_map(
    configured: str, engine: Engine, tmp_path: Path
) -> None:
    header = ["Текст инцидента", "Группа тем", "Тема"]
    path = _xlsx(tmp_path / "cur_export.xlsx", [*ROWS * 3, ("", "ЖКХ", "Отопление")], header)
    out = tmp_path / "model"
    trained = runner.invoke(app, ["nlp", "train", "--corpus", str(path), "--out", str(out),
                                  "--map", "text=Текст инцидента", "category=Группа тем",
                                  "topic=Тема"])  # fmt: skip
    assert trained.exit_code == 0, trained.output
    assert "skipped rows without text or label: 1" in trained.output
    assert (out / "model.joblib").is_file()
    with Session(engine) as session:
        assert session.exec(select(ModelVersion)).one().label_count == len(ROWS) * 3

    wrong = runner.invoke(app, ["nlp", "train", "--corpus", str(path), "--map", "text=Текст"])
    assert wrong.exit_code == 2 and "category=" in wrong.output


def test_repeated_and_blank_header_names_keep_every_column(configured: str, tmp_path: Path) -> None:
    header = ["Текст инцидента", "", "Дата создания", "Тема", "Тема"]
    path = _xlsx(tmp_path / "odd.xlsx", [("Яма", "x", "01.06.2024", "Ямы", "Дороги")], header)
    table = read_table(path)
    try:
        assert table.header == ["Текст инцидента", "column 2", "Дата создания", "Тема", "Тема (2)"]
        assert next(cells for _, cells in table.rows) == dict(
            zip(table.header, ["Яма", "x", "01.06.2024", "Ямы", "Дороги"], strict=True)
        )
    finally:
        table.close()
