"""Peak memory and time of reading a large ЦУР XLSX export: streamed, whole, and imported.

    .venv/bin/python -m benchmarks.table_memory --rows 100000

Writes a synthetic export (ЦУР's columns, Russian appeal texts of a few sentences, dates,
municipalities, topics) with openpyxl's write-only mode to a temporary folder, or reuses
`--path`. Each variant runs in a fresh subprocess, which reports its peak RSS (`VmHWM`) and
its time: `import` only imports (the interpreter's own); `pandas`, `pd.read_excel` of the
whole sheet (how `nlp train --text-column` reads it), the baseline measured in the same run;
`stream`, `ingest.exports.table.read_table` row by row (`ingest table`, `nlp train --map`);
`store`, the whole `import_table` into a fresh SQLite database (posts, quarantine, labels
lookup). Prints a Markdown table.
"""

import argparse
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

VARIANTS = ("import", "pandas", "stream", "store")
HEADER = ["Номер", "Текст инцидента", "Дата создания", "Муниципалитет", "Тема", "Группа тем"]
PLACES = ["Пермский городской округ", "Березниковский городской округ", "Кунгурский округ"]
TOPICS = [("Отсутствие горячей воды", "ЖКХ"), ("Ямы", "Дороги"), ("Освещение", "Благоустройство")]
SENTENCES = [
    "Третий день нет горячей воды, управляющая компания не отвечает на звонки.",
    "Во дворе не вывозят мусор, контейнеры переполнены, пакеты лежат на земле.",
    "На дороге огромная яма, машины бьют колёса, вечером её совсем не видно.",
    "Не горят фонари на всей улице, дети идут в школу в полной темноте.",
    "Прорвало трубу в подвале, вода заливает подъезд, пахнет сыростью.",
]


def write_export(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    start = datetime(2024, 1, 9, 6, tzinfo=UTC).replace(tzinfo=None)
    for number in range(1, rows + 1):
        topic, group = rng.choice(TOPICS)
        text = " ".join(rng.choices(SENTENCES, k=rng.randint(1, 4)))
        sheet.append([number, text, start + timedelta(minutes=7 * number), rng.choice(PLACES),
                      topic, group])  # fmt: skip
    workbook.save(path)


def run_variant(variant: str, path: Path) -> None:
    """In the subprocess: read (or import) the file, print `seconds peak_kib rows`."""
    started = time.perf_counter()
    rows = 0
    if variant == "pandas":
        import pandas as pd

        rows = len(pd.read_excel(path, dtype=str))
    elif variant == "stream":
        from ingest.exports.table import read_table

        table = read_table(path)
        rows = sum(1 for _ in table.rows)
    elif variant == "store":
        rows = _store(path)
    print(f"{time.perf_counter() - started:.2f} {_peak_kib()} {rows}")


def _store(path: Path) -> int:
    from zoneinfo import ZoneInfo

    from sqlmodel import Session

    import models  # noqa: F401  (registers the tables)
    from ingest.exports.table import import_table, parse_mapping
    from models.db import make_engine
    from models.source import Source
    from otklik import migrate

    engine = make_engine(f"sqlite:///{path.with_suffix('.db')}")
    migrate.upgrade(engine)
    mapping = parse_mapping([f"id={HEADER[0]}", f"text={HEADER[1]}", f"date={HEADER[2]}",
                             f"municipality={HEADER[3]}", f"topic={HEADER[4]}"])  # fmt: skip
    with Session(engine) as session:
        source = Source(kind="csv", name=path.name, target=str(path))
        session.add(source)
        session.commit()
        imported = import_table(session, source_id=source.id or 0, path=path, mapping=mapping,
                                timezone=ZoneInfo("Asia/Yekaterinburg"))  # fmt: skip
    return imported.result.new


def _peak_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--path", type=Path, default=None)
    parser.add_argument("--variant", choices=VARIANTS, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        run_variant(args.variant, args.path)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = args.path or Path(folder) / "cur_export.xlsx"
        if args.path is None:
            write_export(path, args.rows)
        size = path.stat().st_size / 2**20
        print(f"{path.name}: {args.rows} rows, {size:.1f} MiB\n")
        print("| variant | rows | seconds | peak RSS, MiB |\n| --- | ---: | ---: | ---: |")
        for variant in VARIANTS:
            command = [sys.executable, "-m", "benchmarks.table_memory", "--variant", variant,
                       "--path", str(path)]  # fmt: skip
            out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            seconds, peak, rows = out.split()[-3:]
            print(f"| {variant} | {rows} | {seconds} | {int(peak) / 1024:.0f} |")


if __name__ == "__main__":
    main()
