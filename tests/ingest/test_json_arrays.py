"""Streaming `json_arrays`: tiny chunks put every boundary (key, element, UTF-8 character,
BOM) across reads; the result must be what decoding the whole text at once gave."""

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from ingest.exports.json_arrays import HEADER_LIMIT, Damaged, Element, iter_arrays
from ingest.exports.telegram_desktop import read_export
from tests.ingest.export_samples import dumps, full_account, single_chat, tg_message, tg_service

BOM = b"\xef\xbb\xbf"
Piece = tuple[str, Any, bytes, int, str]


def whole_text(raw: bytes, key: str) -> list[Piece]:
    """The reader before streaming (the whole file decoded at once), as the reference."""
    text = raw.decode("utf-8", errors="surrogateescape").lstrip("\ufeff")
    pattern, space = re.compile(rf'"{re.escape(key)}"\s*:\s*\['), re.compile(r"[\s,]*")
    pieces: list[Piece] = []
    position = 0
    while match := pattern.search(text, position):
        header, position = text[position : match.start()], match.end()
        while True:
            position = space.match(text, position).end()  # type: ignore[union-attr]
            rest = text[position:].encode("utf-8", errors="surrogateescape")
            if position >= len(text):
                reason = "the file ends inside an array (truncated JSON)"
                return [*pieces, ("damaged", reason, rest, position, "")]
            if text[position] == "]":
                position += 1
                break
            try:
                value, end = json.JSONDecoder().raw_decode(text, position)
            except json.JSONDecodeError as error:
                reason = f"invalid JSON at character {error.pos}: {error.msg}"
                return [*pieces, ("damaged", reason, rest, position, "")]
            raw_element = text[position:end].encode("utf-8", errors="surrogateescape")
            pieces.append(("element", value, raw_element, position, header[-HEADER_LIMIT:]))
            position = end
    return pieces


def streamed(raw: bytes, key: str, chunk_size: int) -> list[Piece]:
    pieces: list[Piece] = []
    for piece in iter_arrays(io.BytesIO(raw), key, chunk_size=chunk_size):
        if isinstance(piece, Damaged):
            pieces.append(("damaged", piece.reason, piece.raw, piece.offset, ""))
        else:
            pieces.append(("element", piece.value, piece.raw, piece.offset, piece.header))
    return pieces


class CountingReader(io.BytesIO):
    """Bytes in memory that count the reads and remember the largest."""

    def __init__(self, raw: bytes) -> None:
        super().__init__(raw)
        self.reads = self.largest = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.reads += 1
        self.largest = max(self.largest, len(data))
        return data


def elements(raw: bytes, key: str = "messages", chunk_size: int = 5) -> list[Element]:
    pieces = list(iter_arrays(io.BytesIO(raw), key, chunk_size=chunk_size))
    assert all(isinstance(p, Element) for p in pieces), pieces
    return pieces  # type: ignore[return-value]


def realistic_export() -> bytes:
    """A full-account export: chats with Cyrillic, emoji, entities, bad bytes, an empty one."""
    chats = []
    for chat_id in (101, 102, 103, 104):
        messages: list[dict[str, Any]] = [
            tg_message(n, f"Чат {chat_id}, сообщение {n}: нет воды на ул. Ленина 🚰 «срочно»")
            for n in range(1, 40)
        ]
        messages[5] = tg_service(6)
        messages[7] = tg_message(8, ["Смотрите ", {"type": "link", "text": "фото"}], photo="a.jpg")
        if chat_id == 102:
            messages = []
        chats.append(single_chat(messages, chat_id=chat_id))
    raw = BOM + dumps(full_account(chats)).encode()
    return raw.replace("сообщение 20".encode(), b"\xff\xd0 20", 2)  # not UTF-8


SMALL = (
    '{"id": 7, "items": [1, 23456789, -1.5e3, "Ёжик", true, null, {"a": [1, {"b": "в"}]}],'
    ' "more": {"id": 8, "items": ["\\u0436", [], {}]}}'
).encode()


@pytest.mark.parametrize("chunk_size", range(1, 40))
def test_every_boundary_of_a_small_document(chunk_size: int) -> None:
    # Each chunk size puts the key, numbers and two-byte letters across a read somewhere.
    expected = whole_text(SMALL, "items")
    values = [p[1] for p in expected]
    assert values == [1, 23456789, -1500.0, "Ёжик", True, None, {"a": [1, {"b": "в"}]}, "ж", [], {}]
    assert streamed(SMALL, "items", chunk_size) == expected


@pytest.mark.parametrize("chunk_size", [1, 3, 7, 64, 4096, 1 << 20])
def test_same_as_the_whole_text_on_a_realistic_export(chunk_size: int) -> None:
    raw = realistic_export()
    expected = whole_text(raw, "messages")
    assert len(expected) == 3 * 39 and expected[0][3] > 0
    assert streamed(raw, "messages", chunk_size) == expected


def test_an_element_spanning_many_chunks() -> None:
    text = "Березники: " + "провал грунта у дома №5, " * 2000
    message = tg_message(2, text)
    raw = dumps(single_chat([tg_message(1, "до"), message, tg_message(3, "после")])).encode()

    stream = CountingReader(raw)
    first, big, last = iter_arrays(stream, "messages", chunk_size=16)

    assert isinstance(big, Element) and len(big.raw) > 16 * 5000
    assert stream.reads < 100  # the window doubles: not one read (and decode) per chunk
    assert big.value == message and big.value["text"] == text
    at = len(raw.decode()[: big.offset].encode())  # the character offset, in bytes
    assert raw[at : at + len(big.raw)] == big.raw and big.raw.endswith(b"}")
    assert (first.value["text"], last.value["text"]) == ("до", "после")  # type: ignore[union-attr]


def test_a_key_split_across_chunks() -> None:
    raw = b'{"id": 5, "messages"  :\n [{"id": 1}, {"id": 2}]}'
    split = raw.index(b"sages")
    for chunk_size in (split, split - 3, split + 4, raw.index(b"[")):
        pieces = elements(raw, chunk_size=chunk_size)
        assert [p.value for p in pieces] == [{"id": 1}, {"id": 2}]
        assert pieces[0].header == '{"id": 5, '


def test_a_cyrillic_letter_split_across_chunks() -> None:
    raw = b'{"messages": [{"text": "\xd0\x96\xd0\xb4\xd1\x91\xd0\xbc"}]}'
    split = raw.index(b"\x96")  # between the two bytes of "Ж"
    for chunk_size in (split, split + 2, 3):
        (piece,) = elements(raw, chunk_size=chunk_size)
        assert piece.value == {"text": "Ждём"}
        assert piece.raw == raw[14:-2]


def test_a_bom_is_dropped_whatever_the_chunk() -> None:
    raw = BOM + b'{"messages": [{"id": 1}]}'
    for chunk_size in (1, 2, 3, 4, 100):
        (piece,) = elements(raw, chunk_size=chunk_size)
        assert (piece.value, piece.offset, piece.header) == ({"id": 1}, 14, "{")


def test_undecodable_bytes_are_kept_raw() -> None:
    raw = b'{"messages": [{"text": "a\xff\xd0"}, {"text": "\xd0\xb1"}]}'
    for chunk_size in (1, 2, 5):
        first, second = elements(raw, chunk_size=chunk_size)
        assert first.raw == b'{"text": "a\xff\xd0"}'
        assert second.value == {"text": "б"}


def test_truncation_yields_every_earlier_element_then_the_rest() -> None:
    messages = [tg_message(n, f"Кизел, сообщение {n}") for n in range(1, 30)]
    text = dumps(single_chat(messages))
    raw = text[: text.index('"Кизел, сообщение 17') + 5].encode()
    start = raw.rindex(b"{\n")

    for chunk_size in (7, 256, 1 << 20):
        *good, damaged = iter_arrays(io.BytesIO(raw), "messages", chunk_size=chunk_size)
        assert [p.value for p in good] == messages[:16]  # type: ignore[union-attr]
        assert isinstance(damaged, Damaged)
        assert damaged.raw == raw[start:]
        assert damaged.offset == len(raw[:start].decode())
        assert "Unterminated string" in damaged.reason
        assert streamed(raw, "messages", chunk_size) == whole_text(raw, "messages")


def test_a_file_ending_between_elements() -> None:
    raw = b'{"messages": [{"id": 1},\n  '
    *good, damaged = iter_arrays(io.BytesIO(raw), "messages", chunk_size=4)
    assert [p.value for p in good] == [{"id": 1}]  # type: ignore[union-attr]
    assert damaged == Damaged(raw=b"", offset=len(raw), reason=damaged.reason)  # type: ignore[union-attr]
    assert "truncated" in damaged.reason  # type: ignore[union-attr]


def test_invalid_json_mid_array_returns_the_rest_of_the_file() -> None:
    good = [{"id": n, "text": "Губаха " * 50} for n in range(1, 6)]
    broken = '{"id": 6, "text": "ошибка" ой ' + "ё" * 300 + '}, {"id": 7}]}'
    tail = broken + ' {"messages": ["ёж"]}' * 500
    head = json.dumps({"messages": good}, ensure_ascii=False)[:-2] + ", "
    raw = (head + tail).encode()

    for chunk_size in [*range(1, 12), 100, 1 << 20]:  # some cut a letter of "ёёё…" in two
        pieces = list(iter_arrays(io.BytesIO(raw), "messages", chunk_size=chunk_size))
        assert [p.value for p in pieces[:-1]] == good  # type: ignore[union-attr]
        damaged = pieces[-1]
        assert isinstance(damaged, Damaged) and damaged.raw == tail.encode()
        assert damaged.offset == len(head)
        at = len(head) + tail.index("ой")
        assert damaged.reason == f"invalid JSON at character {at}: Expecting ',' delimiter"


def test_nesting_too_deep_across_chunks() -> None:
    nested = "[" * 100_000 + "]" * 100_000
    raw = ('{"messages": [{"id": 1}, ' + nested + ', {"id": 3}]}').encode()
    first, damaged, third = iter_arrays(io.BytesIO(raw), "messages", chunk_size=64)
    assert first.value == {"id": 1}  # type: ignore[union-attr]
    assert isinstance(damaged, Damaged) and "nested too deeply" in damaged.reason
    assert damaged.raw == nested.encode()  # only that element; the array is read on
    assert third.value == {"id": 3}  # type: ignore[union-attr]


def test_the_file_is_read_chunk_by_chunk() -> None:
    messages = [tg_message(n, f"Чусовой, {n}") for n in range(1, 2001)]
    raw = dumps(single_chat(messages)).encode()
    stream = CountingReader(raw)

    pieces = iter_arrays(stream, "messages", chunk_size=4096)
    assert next(pieces).value == messages[0]  # type: ignore[union-attr]
    assert stream.tell() <= 4096

    assert [p.value for p in pieces] == messages[1:]  # type: ignore[union-attr]
    assert stream.tell() == len(raw) > 100 * 4096
    assert stream.largest <= 4096


def test_a_long_header_keeps_its_end_and_the_chat_id(tmp_path: Path) -> None:
    account = full_account([single_chat([tg_message(1, "Оса: нет света")], chat_id=77)])
    contacts = [{"id": n, "first_name": "Контакт", "phone_number": "+7"} for n in range(3000)]
    account["contacts"] = {"about": "...", "list": contacts}
    account["chats"] = account.pop("chats")  # after the contacts, as Telegram writes it
    path = tmp_path / "result.json"
    path.write_text(dumps(account), "utf-8")

    (piece,) = elements(path.read_bytes(), chunk_size=1000)
    ((chat_id, record),) = read_export(path)

    assert len(piece.header) == HEADER_LIMIT
    assert piece.header.endswith('"id": 77,\n    ')
    assert chat_id == "77" and json.loads(record.raw)["text"] == "Оса: нет света"
