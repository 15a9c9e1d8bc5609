"""Peak memory and time of reading a large Telegram Desktop `result.json`, streamed or whole.

    .venv/bin/python -m benchmarks.export_memory --messages 300000

Writes a synthetic single-chat export (Russian messages of a few sentences with their
`text_entities`, some emoji reactions, Telegram Desktop's one-space indent) to a temporary
folder, or reuses `--path`. Each variant runs in a fresh subprocess, which reports its
peak RSS (`VmHWM` of /proc/self/status; `import` only imports: the interpreter's own) and
the time spent reading: `stream`, the current `telegram_desktop.read_export`; `whole`, the
reader before streaming, measured in the same run as the baseline (the file read and
decoded at once, `read_text(path.read_bytes())`, then every element decoded from the
text). Only reading and decoding: no database. Prints a Markdown table.
"""

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.batch import RawRecord
from ingest.exports.telegram_desktop import read_export

VARIANTS = ("import", "whole", "stream")
START = int(datetime(2024, 1, 9, 6, tzinfo=UTC).timestamp())
PLACES = ["Перми", "Березниках", "Соликамске", "Кунгуре", "Чайковском", "Лысьве", "Губахе"]
STREETS = ["Ленина", "Мира", "Комсомольский проспект", "Пушкина", "Гагарина", "Советской"]
SENTENCES = [
    "Третий день нет горячей воды, управляющая компания не отвечает на звонки.",
    "Во дворе не вывозят мусор, контейнеры переполнены, пакеты лежат на земле.",
    "На дороге огромная яма, машины бьют колёса, вечером её совсем не видно.",
    "Не горят фонари на всей улице, дети идут в школу в полной темноте.",
    "Автобус опять не пришёл по расписанию, люди мёрзнут на остановке по полчаса.",
    "Прорвало трубу в подвале, вода заливает подъезд, пахнет сыростью.",
    "Спасибо коммунальщикам, сегодня наконец почистили тротуары от снега.",
    "С крыши свисают сосульки, прохожие ходят под ними, никто ничего не огораживает.",
]
EMOJI = ["👍", "😡", "🙏", "🔥"]


def message(number: int, rng: random.Random) -> dict[str, Any]:
    place, street = rng.choice(PLACES), rng.choice(STREETS)
    text = f"В {place}, ул. {street}, {rng.randint(1, 120)}. " + " ".join(
        rng.choices(SENTENCES, k=rng.randint(1, 4))
    )
    moment = START + 97 * number
    item: dict[str, Any] = {
        "id": number,
        "type": "message",
        "date": datetime.fromtimestamp(moment + 5 * 3600, UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        "date_unixtime": str(moment),
        "from": "Пермь Онлайн",
        "from_id": "channel1234567",
        "text": text,
        "text_entities": [{"type": "plain", "text": text}],
    }
    if rng.random() < 0.3:
        emoji = rng.choice(EMOJI)
        item["reactions"] = [{"type": "emoji", "count": rng.randint(1, 40), "emoji": emoji}]
    return item


def write_export(path: Path, messages: int) -> None:
    """Written message by message, so that this process stays small."""
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n "name": "Пермь Онлайн",\n "type": "public_channel",\n "id": 1234567,\n')
        out.write(' "messages": [\n')
        for number in range(1, messages + 1):
            text = json.dumps(message(number, rng), ensure_ascii=False, indent=1)
            out.write(("  " + text.replace("\n", "\n  ")) + (",\n" if number < messages else "\n"))
        out.write(" ]\n}\n")


def read_whole(path: Path) -> Iterator[tuple[str, RawRecord]]:
    """The reader before streaming (valid files only): the whole file decoded, then element
    by element, with the chat id taken from the text before each array."""
    text = path.read_bytes().decode("utf-8", errors="surrogateescape").lstrip("\ufeff")
    decoder, space = json.JSONDecoder(), re.compile(r"[\s,]*")
    key, chat_id = re.compile(r'"messages"\s*:\s*\['), re.compile(r'"id"\s*:\s*(-?\d+)')
    position = 0
    while match := key.search(text, position):
        header, position = text[position : match.start()], match.end()
        while True:
            position = space.match(text, position).end()  # type: ignore[union-attr]
            if text[position] == "]":
                position += 1
                break
            _, end = decoder.raw_decode(text, position)
            raw = text[position:end].encode("utf-8", errors="surrogateescape")
            yield chat_id.findall(header)[-1], RawRecord(raw=raw, origin=f"{path}@{position}")
            position = end


def measure(variant: str, path: Path) -> None:
    """In the subprocess: read the file one way, print records, seconds and peak RSS."""
    started = time.perf_counter()
    records = 0
    if variant == "whole":
        records = sum(1 for _ in read_whole(path))
    elif variant == "stream":
        records = sum(1 for _ in read_export(path))
    seconds = time.perf_counter() - started
    status = Path("/proc/self/status").read_text()
    peak_kib = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]
    print(json.dumps({"records": records, "seconds": seconds, "peak_mib": peak_kib / 1024}))


def run(variant: str, path: Path) -> dict[str, float]:
    command = [sys.executable, "-m", "benchmarks.export_memory", "--measure", variant]
    output = subprocess.run([*command, "--path", str(path)], capture_output=True, check=True)
    result: dict[str, float] = json.loads(output.stdout)
    return result


def report(path: Path, runs: int) -> None:
    size_mib = path.stat().st_size / 2**20
    print(f"{path.name}: {size_mib:.0f} MiB\n")
    print(
        "| reader | records | peak RSS, MiB | above `import`, MiB | ÷ file size | seconds | MiB/s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    interpreter = 0.0
    for variant in VARIANTS:
        results = [run(variant, path) for _ in range(runs)]
        peak = max(r["peak_mib"] for r in results)
        seconds = min(r["seconds"] for r in results)
        interpreter = interpreter or peak
        above = peak - interpreter
        speed = f"{size_mib / seconds:.0f}" if variant != "import" else "–"
        print(
            f"| {variant} | {results[0]['records']:.0f} | {peak:.0f} | {above:.0f}"
            f" | {above / size_mib:.2f} | {seconds:.1f} | {speed} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=1, help="runs per reader: max RSS, min time")
    parser.add_argument("--path", type=Path, help="an existing export (kept), or where to write")
    parser.add_argument("--measure", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.path)
        return
    if args.path:
        if not args.path.exists():
            write_export(args.path, args.messages)
        report(args.path, args.runs)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "result.json"
        started = time.perf_counter()
        write_export(path, args.messages)
        print(f"written in {time.perf_counter() - started:.0f} s")
        report(path, args.runs)


if __name__ == "__main__":
    main()
