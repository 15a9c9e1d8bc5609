"""A seeded corpus of hostile records mixed with good ones, for the four import paths.

Each writer puts `count` records into one file (JSON lines, a CSV table, a saved VK response,
a Telegram Desktop export) and returns how many records it wrote, so a test can check that
stored + quarantined + skipped adds up to the input. Every hostile variant is one that once
sank a whole batch or the whole file.
"""

import csv
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.pipeline.helpers import COMPLAINTS

DATE = "2024-01-05T10:00:00+05:00"
UNIX = 1_704_430_800
DEEP = 5_000  # levels of nesting of the one message that once swallowed the file


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def _text(rng: random.Random) -> str:
    return rng.choice(COMPLAINTS)


# --- JSON lines ------------------------------------------------------------------------


def _jsonl_good(n: int, rng: random.Random) -> str:
    return json.dumps({"external_id": f"j{n}", "text": _text(rng), "published_at": DATE})


def _jsonl_raw(n: int, value: str) -> str:
    """A line whose `raw` holds `value` verbatim (JSON the json module would not write)."""
    return (
        json.dumps({"external_id": f"j{n}", "text": "t", "published_at": DATE, "raw": 0})[:-2]
        + f"{value}}}"
    )


_JSONL_HOSTILE: list[Callable[[int, random.Random], str]] = [
    lambda n, r: json.dumps(
        {"external_id": f"j{n}", "text": "x", "published_at": "0001-01-01T00:00:00+05:00"}
    ),
    lambda n, r: json.dumps(
        {"external_id": f"j{n}", "text": "x", "published_at": "9999-12-31T23:59:59-05:00"}
    ),
    lambda n, r: json.dumps(
        {"external_id": f"j{n}", "text": _text(r), "published_at": DATE, "views": 10**30}
    ),
    lambda n, r: json.dumps(
        {"external_id": f"j{n}", "text": _text(r), "published_at": DATE, "likes": 2**40}
    ),
    lambda n, r: json.dumps(
        {"external_id": f"j{n}", "text": _text(r), "published_at": DATE, "author_id": "a\x00b"}
    ),
    lambda n, r: json.dumps({"external_id": f"j\x00{n}", "text": _text(r), "published_at": DATE}),
    lambda n, r: json.dumps(
        {"external_id": f"j{n}", "text": _text(r), "published_at": DATE, "raw": {"k": "\x00"}}
    ),
    lambda n, r: _jsonl_raw(n, "Infinity"),
    lambda n, r: _jsonl_raw(n, "NaN"),
    lambda n, r: _jsonl_raw(n, _deep(900)),
    lambda n, r: _jsonl_raw(n, _deep(DEEP)),
    lambda n, r: json.dumps(
        {"external_id": f"j{n}", "text": _text(r), "published_at": DATE, "geo": {"k": [1e400]}}
    ),
    lambda n, r: json.dumps(
        {"external_id": f"j{n}", "text": _text(r), "published_at": DATE, "url": "http://\x00"}
    ),
    lambda n, r: json.dumps({"external_id": "j" * 201, "text": _text(r), "published_at": DATE}),
    lambda n, r: json.dumps({"external_id": f"j{n}", "text": "x\x00", "published_at": DATE}),
    lambda n, r: "{not json",
]


def write_jsonl(path: Path, *, count: int, seed: int) -> int:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            hostile = rng.random() < 0.4
            line = rng.choice(_JSONL_HOSTILE)(n, rng) if hostile else _jsonl_good(n, rng)
            handle.write(line + "\n")
    return count


# --- CSV ------------------------------------------------------------------------------

CSV_HEADER = ["id", "date", "body", "author", "link"]


def _csv_good(n: int, rng: random.Random) -> list[str]:
    return [f"c{n}", "05.01.2024 10:00", _text(rng), f"user{n}", f"https://example.org/{n}"]


_CSV_HOSTILE: list[Callable[[int, random.Random], list[str]]] = [
    lambda n, r: [f"c{n}", "0001-01-01T00:00+05:00", _text(r), "", ""],
    lambda n, r: [f"c{n}", "31.12.9999 23:59", _text(r), "", ""],
    lambda n, r: [f"{n:0>250}", DATE, _text(r), "", ""],  # over-long ids, each distinct
    lambda n, r: [f"c{n}", DATE, "я" * 131_073, "", ""],  # over the csv module's cell limit
    lambda n, r: [f"c{n}", DATE, _text(r), "a\x00b", ""],
    lambda n, r: [f"c{n}", DATE, _text(r), "x" * 300, ""],
    lambda n, r: [f"c{n}", DATE, _text(r), "", "http://" + "l" * 3000],
    lambda n, r: [f"c{n}", "вчера", _text(r), "", ""],
    lambda n, r: [f"c{n}", DATE, "   ", "", ""],
]


def write_csv(path: Path, *, count: int, seed: int) -> int:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADER)
        for n in range(count):
            hostile = rng.random() < 0.4
            writer.writerow(rng.choice(_CSV_HOSTILE)(n, rng) if hostile else _csv_good(n, rng))
    return count


# --- saved VK responses ----------------------------------------------------------------


def _vk_good(n: int, rng: random.Random) -> dict[str, Any]:
    return {
        "id": n,
        "owner_id": -100,
        "from_id": -100,
        "date": UNIX + n,
        "text": _text(rng),
        "views": {"count": 10},
        "likes": {"count": 1},
    }


_VK_HOSTILE: list[Callable[[int, random.Random], str]] = [
    lambda n, r: json.dumps({**_vk_good(n, r), "date": 10**12}),
    lambda n, r: json.dumps({**_vk_good(n, r), "date": -(10**12)}),
    lambda n, r: json.dumps({**_vk_good(n, r), "views": {"count": 10**30}}),
    lambda n, r: json.dumps({**_vk_good(n, r), "likes": {"count": 2**63}}),
    lambda n, r: json.dumps({**_vk_good(n, r), "copy_history": "x"}),
    lambda n, r: json.dumps({**_vk_good(n, r), "copy_history": [5]}),
    lambda n, r: json.dumps({**_vk_good(n, r), "edited": "x"}),
    lambda n, r: json.dumps({**_vk_good(n, r), "edited": 10**15}),
    lambda n, r: json.dumps({**_vk_good(n, r), "from_id": "a\x00b"}),
    lambda n, r: json.dumps({**_vk_good(n, r), "signer_id": "s" * 100}),
    lambda n, r: json.dumps({**_vk_good(n, r), "extra": "\x00"}),
    lambda n, r: json.dumps({**_vk_good(n, r), "geo": "x"}),
    lambda n, r: json.dumps({**_vk_good(n, r), "owner_id": "x" * 300}),
    lambda n, r: json.dumps({**_vk_good(n, r), "text": None}),
    lambda n, r: json.dumps(_vk_good(n, r))[:-1] + ', "x": Infinity}',
    lambda n, r: json.dumps(_vk_good(n, r))[:-1] + f', "x": {_deep(DEEP)}}}',
    lambda n, r: json.dumps({**_vk_good(n, r), "is_deleted": True}),  # skipped
]


def write_vk_dump(path: Path, *, count: int, seed: int) -> int:
    rng = random.Random(seed)
    items = [
        rng.choice(_VK_HOSTILE)(n, rng) if rng.random() < 0.4 else json.dumps(_vk_good(n, rng))
        for n in range(count)
    ]
    body = ",\n".join(items)
    path.write_text(f'{{"response": {{"count": {count}, "items": [{body}]}}}}')
    return count


# --- Telegram Desktop export -----------------------------------------------------------


def _tg_good(n: int, rng: random.Random) -> dict[str, Any]:
    return {
        "id": n,
        "type": "message",
        "date": "2024-01-05T10:00:00",
        "date_unixtime": str(UNIX + n),
        "from": "Канал",
        "from_id": "channel1",
        "text": _text(rng),
    }


_TG_HOSTILE: list[Callable[[int, random.Random], str]] = [
    lambda n, r: json.dumps({**_tg_good(n, r), "date_unixtime": str(10**18)}),
    lambda n, r: json.dumps({**_tg_good(n, r), "date_unixtime": "-62135596800"}),
    lambda n, r: json.dumps({**_tg_good(n, r), "reactions": [{"count": "5"}]}),
    lambda n, r: json.dumps({**_tg_good(n, r), "reactions": [{"count": 10**30}]}),
    lambda n, r: json.dumps({**_tg_good(n, r), "edited_unixtime": "x"}),
    lambda n, r: json.dumps({**_tg_good(n, r), "from_id": "a\x00b"}),
    lambda n, r: json.dumps({**_tg_good(n, r), "forwarded_from": "f\x00"}),
    lambda n, r: json.dumps({**_tg_good(n, r), "photo": "p\x00"}),
    lambda n, r: json.dumps({**_tg_good(n, r), "text": ["a", {"type": "bold", "text": "\x00"}]}),
    lambda n, r: json.dumps({**_tg_good(n, r), "id": 10**30}),
    lambda n, r: json.dumps(_tg_good(n, r))[:-1] + ', "x": -Infinity}',
    lambda n, r: json.dumps(_tg_good(n, r))[:-1] + f', "x": {_deep(DEEP)}}}',
    lambda n, r: json.dumps({**_tg_good(n, r), "type": "service"}),  # skipped
]


def write_telegram_export(path: Path, *, count: int, seed: int) -> int:
    rng = random.Random(seed)
    messages = [
        rng.choice(_TG_HOSTILE)(n, rng) if rng.random() < 0.4 else json.dumps(_tg_good(n, rng))
        for n in range(count)
    ]
    head = '{"name": "Канал", "type": "public_channel", "id": 777, "messages": ['
    path.write_text(head + ",\n".join(messages) + "]}")
    return count
