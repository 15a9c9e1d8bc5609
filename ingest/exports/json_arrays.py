"""Read the elements of named JSON arrays one by one, salvaging what precedes any damage.

A large export is decoded element by element (`json.JSONDecoder.raw_decode`), so a file
truncated or broken in the middle still yields every element before the damage; the rest
comes back as one `Damaged` piece with its raw bytes, for quarantine.
"""

import json
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[\s,]*")


@dataclass(frozen=True)
class Element:
    value: Any
    raw: bytes
    offset: int  # character offset in the file
    header: str  # the text between the previous array's end and this array's key


@dataclass(frozen=True)
class Damaged:
    raw: bytes
    offset: int
    reason: str


def read_text(raw: bytes) -> str:
    """Decode leniently: undecodable bytes survive as surrogates and are refused per element."""
    return raw.decode("utf-8", errors="surrogateescape").lstrip("\ufeff")


def iter_arrays(text: str, key: str) -> Iterator[Element | Damaged]:
    """Every element of every array named `key`, in file order."""
    pattern = re.compile(rf'"{re.escape(key)}"\s*:\s*\[')
    position = 0
    while match := pattern.search(text, position):
        header = text[position : match.start()]
        position = yield from _elements(text, match.end(), header)
        if position < 0:
            return


def _elements(text: str, position: int, header: str) -> Generator[Element | Damaged, None, int]:
    """The elements of one array; returns where the array ended (-1: the text is damaged)."""
    while True:
        position = _SPACE.match(text, position).end()  # type: ignore[union-attr]
        if position >= len(text):
            yield _damaged(text, position, "the file ends inside an array (truncated JSON)")
            return -1
        if text[position] == "]":
            return position + 1
        try:
            value, end = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError as error:
            yield _damaged(text, position, f"invalid JSON at character {error.pos}: {error.msg}")
            return -1
        except RecursionError:
            yield _damaged(text, position, f"JSON nested too deeply at character {position}")
            return -1
        yield Element(value=value, raw=_bytes(text[position:end]), offset=position, header=header)
        position = end


def _damaged(text: str, position: int, reason: str) -> Damaged:
    return Damaged(raw=_bytes(text[position:]), offset=position, reason=reason)


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")
