"""Read the elements of named JSON arrays one by one, salvaging what precedes any damage.

A large export is streamed: the file is read in chunks (`CHUNK_SIZE` bytes) and only a
window of decoded text is kept, the unconsumed tail plus the next chunk, grown as needed
for an element larger than the window. Each element is decoded on its own
(`json.JSONDecoder.raw_decode`), so a file truncated or broken in the middle still yields
every element before the damage; the rest of the file comes back as one `Damaged` piece
with its raw bytes, for quarantine. An element nested too deeply to decode is one `Damaged`
piece of its own, and the elements after it are read on.

Offsets are character offsets into the decoded file (after the BOM; an undecodable byte
counts as one character), as decoding the whole file at once numbered them. The damaged
remainder is read whole into memory: the quarantine keeps it byte for byte, in one record.
"""

import codecs
import json
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

CHUNK_SIZE = 1 << 20  # bytes read at a time
HEADER_LIMIT = 64 * 1024  # characters of `Element.header` kept (its end: where a chat's id is)
# A decoding error (or a number's end) this close to the window's end may be the window's
# end, not damage (`tru`, `-Infinity`, `\uXXXX`, `1.5e+` cut short).
_LOOKAHEAD = 16

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[\s,]*")


@dataclass(frozen=True)
class Element:
    value: Any
    raw: bytes
    offset: int  # character offset in the file
    header: str  # the end (HEADER_LIMIT) of the text between the previous array and this key


@dataclass(frozen=True)
class Damaged:
    raw: bytes  # one element nested too deeply, or everything from `offset` to the file's end
    offset: int  # character offset in the file
    reason: str


class _Window:
    """Decoded text of a binary stream; `text[0]` is character `start` of the file."""

    def __init__(self, stream: BinaryIO, chunk_size: int) -> None:
        self._stream = stream
        self._chunk_size = chunk_size
        # Lenient: undecodable bytes survive as surrogates and are refused per element.
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
        self._at_start = True
        self.text = ""
        self.start = 0
        self.ended = False

    def advance(self, keep: int) -> None:
        """Drop the text before `keep` and read on (at least doubling what is kept)."""
        data = self._stream.read(max(self._chunk_size, len(self.text) - keep))
        self.ended = not data
        piece = self._decoder.decode(data, final=self.ended)
        if self._at_start:
            piece = piece.lstrip("\ufeff")
            self._at_start = not piece
        self.text = self.text[keep:] + piece
        self.start += keep

    def rest(self, position: int) -> bytes:
        """The raw bytes from `position` to the end of the file, all read into memory."""
        pending = b"" if self.ended else self._decoder.getstate()[0]
        return _bytes(self.text[position:]) + pending + self._stream.read()


def iter_arrays(
    stream: BinaryIO, key: str, *, chunk_size: int = CHUNK_SIZE
) -> Iterator[Element | Damaged]:
    """Every element of every array named `key` (no quotes in it), in file order."""
    pattern = re.compile(rf'"{re.escape(key)}"\s*:\s*\[')
    window = _Window(stream, chunk_size)
    position = 0
    header = ""
    while True:
        match = pattern.search(window.text, position)
        if match is None:
            if window.ended:
                return
            keep = _key_start(window.text, position)
            header = _tail(header + window.text[position:keep])
            window.advance(keep)
            position = 0
            continue
        header = _tail(header + window.text[position : match.start()])
        position = yield from _elements(window, match.end(), header)
        if position < 0:
            return
        header = ""


def _elements(
    window: _Window, position: int, header: str
) -> Generator[Element | Damaged, None, int]:
    """The elements of one array; returns where the array ended (-1: the file is damaged)."""
    while True:
        position = _SPACE.match(window.text, position).end()  # type: ignore[union-attr]
        if position >= len(window.text) and window.ended:
            yield _damaged(window, position, "the file ends inside an array (truncated JSON)")
            return -1
        if window.text[position : position + 1] == "]":
            return position + 1
        try:
            value, end = _DECODER.raw_decode(window.text, position)
        except json.JSONDecodeError as error:  # also at the window's end: read on
            if not window.ended and _maybe_cut(error, len(window.text)):
                window.advance(position)
                position = 0
                continue
            at = window.start + error.pos
            yield _damaged(window, position, f"invalid JSON at character {at}: {error.msg}")
            return -1
        except RecursionError:
            end = _value_end(window.text, position)
            if end is None and not window.ended:
                window.advance(position)
                position = 0
                continue
            at = window.start + position
            if end is None:
                yield _damaged(window, position, f"JSON nested too deeply at character {at}")
                return -1
            raw = _bytes(window.text[position:end])
            yield Damaged(raw=raw, offset=at, reason=f"JSON nested too deeply at character {at}")
            position = end
            continue
        if len(window.text) - end < _LOOKAHEAD and not window.ended:  # `1.5e` may go on
            window.advance(position)
            position = 0
            continue
        raw = _bytes(window.text[position:end])
        yield Element(value=value, raw=raw, offset=window.start + position, header=header)
        position = end


_BRACKET_OR_QUOTE = re.compile(r'[\[\]{}"]')
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')


def _value_end(text: str, position: int) -> int | None:
    """Where the array or object starting at `position` ends, by counting its brackets
    outside strings (no recursion); None when `text` ends first."""
    depth = 0
    while match := _BRACKET_OR_QUOTE.search(text, position):
        char = match.group()
        if char == '"':
            string = _STRING.match(text, match.start())
            if string is None:
                return None
            position = string.end()
            continue
        depth += 1 if char in "[{" else -1
        position = match.end()
        if depth == 0:
            return position
    return None


def _maybe_cut(error: json.JSONDecodeError, length: int) -> bool:
    """Whether more text could mend the error: it is at the window's end, or a string is open
    (reported where the string starts)."""
    return error.pos >= length - _LOOKAHEAD or error.msg.startswith("Unterminated string")


def _key_start(text: str, position: int) -> int:
    """Where a key cut by the window's end may begin: `"key"\\s*:\\s*[` holds two quotes, so
    at one of the last two quotes."""
    last = text.rfind('"', position)
    if last < 0:
        return len(text)
    before = text.rfind('"', position, last)
    return before if before >= 0 else last


def _tail(header: str) -> str:
    return header[-HEADER_LIMIT:]


def _damaged(window: _Window, position: int, reason: str) -> Damaged:
    return Damaged(raw=window.rest(position), offset=window.start + position, reason=reason)


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")
