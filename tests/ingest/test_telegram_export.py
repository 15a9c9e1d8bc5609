"""Telegram Desktop `result.json` in both shapes, and bad input in them."""

from pathlib import Path

from sqlmodel import Session, select

from ingest.exports.telegram_desktop import flatten_text, import_telegram_export
from models.post import Post
from models.quarantine import QuarantineRecord
from models.source import SourceKind
from tests.ingest.conftest import add_source
from tests.ingest.export_samples import (
    START,
    dumps,
    full_account,
    single_chat,
    tg_message,
    tg_service,
)

ENTITIES = [
    "В ",
    {"type": "bold", "text": "Соликамске"},
    " не вывозят мусор, ",
    {"type": "link", "text": "фото"},
    {"type": "mention", "text": "@solikamsk_adm"},
]


def write(tmp_path: Path, text: str | bytes, name: str = "result.json") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def run(session: Session, path: Path):  # type: ignore[no-untyped-def]
    source = add_source(session, kind=SourceKind.TELEGRAM_EXPORT, target=str(path))
    return import_telegram_export(session, source_id=source.id or 0, path=path)


def test_flatten_text() -> None:
    assert flatten_text("просто текст") == "просто текст"
    assert flatten_text(ENTITIES) == "В Соликамске не вывозят мусор, фото@solikamsk_adm"


def test_single_chat_export(session: Session, tmp_path: Path) -> None:
    messages = [
        tg_message(1, "В Перми на Комсомольском проспекте яма"),
        tg_service(2),
        tg_message(3, ENTITIES, edited_unixtime=str(int(START.timestamp()) + 600)),
        tg_message(4, "", photo="photos/photo_1.jpg"),
        tg_message(5, "Спасибо", reactions=[{"type": "emoji", "count": 3, "emoji": "👍"}]),
        tg_message(6, "Репост", forwarded_from="Березники 24"),
    ]
    path = write(tmp_path, dumps(single_chat(messages)))

    result = run(session, path)

    assert (result.new, result.known, result.quarantined, result.skipped) == (4, 0, 0, 2)
    posts = {p.external_id: p for p in session.exec(select(Post))}
    assert set(posts) == {"1234567_1", "1234567_3", "1234567_5", "1234567_6"}
    assert posts["1234567_1"].published_at == START.replace(minute=1)
    assert posts["1234567_3"].text.startswith("В Соликамске")
    assert posts["1234567_3"].edited_at is not None
    assert posts["1234567_5"].reactions == 3
    assert posts["1234567_6"].forwarded_from == "Березники 24"
    assert run(session, path).known == 4  # a second import adds nothing


def test_full_account_export_with_chats_list(session: Session, tmp_path: Path) -> None:
    chats = [
        single_chat([tg_message(1, "Кунгур: нет воды"), tg_message(2, "Вода есть")], chat_id=11),
        {"name": "Пустой", "type": "private_group", "id": 12, "messages": []},
        single_chat([tg_message(1, "Добрянка: темно на улицах"), tg_service(2)], chat_id=13),
    ]
    path = write(tmp_path, dumps(full_account(chats)))

    result = run(session, path)

    assert (result.new, result.skipped) == (3, 1)
    ids = set(session.exec(select(Post.external_id)))
    assert ids == {"11_1", "11_2", "13_1"}


def test_truncated_export_keeps_what_came_before(session: Session, tmp_path: Path) -> None:
    messages = [tg_message(n, f"Лысьва, сообщение {n}") for n in range(1, 11)]
    text = dumps(single_chat(messages))
    cut = text.index('"id": 8')
    path = write(tmp_path, text[:cut])

    result = run(session, path)

    assert (result.new, result.quarantined) == (7, 1)
    record = session.exec(select(QuarantineRecord)).one()
    assert "truncated" in record.reason or "invalid JSON" in record.reason
    assert record.raw.startswith(b"{") and record.origin and "result.json@" in record.origin


def test_bad_messages_are_quarantined_and_the_rest_imported(
    session: Session, tmp_path: Path
) -> None:
    messages = [
        tg_message(1, "Нормальное сообщение"),
        tg_message(2, "NUL внутри \u0000 текста"),
        tg_message(3, "сломанный суррогат \ud83d конец"),
        tg_message(4, 42),  # wrong type of text
        tg_message(5, "без даты", date_unixtime="вчера"),
        tg_message(6, "Ещё одно нормальное"),
    ]
    text = dumps(single_chat(messages)).replace("\\ud83d", "\\ud83d")
    raw = text.encode("utf-8", errors="surrogatepass")
    raw = raw.replace("Ещё одно".encode(), b"\xff\xfe\xd0 bad bytes")  # invalid UTF-8
    path = write(tmp_path, raw)

    result = run(session, path)

    assert (result.new, result.quarantined) == (1, 5)
    reasons = sorted(r.reason for r in session.exec(select(QuarantineRecord)))
    assert any("NUL" in r for r in reasons)
    assert any("not UTF-8" in r for r in reasons)
    assert any("date_unixtime" in r for r in reasons)
    assert any("neither a string nor a list" in r for r in reasons)
    assert all(r.raw for r in session.exec(select(QuarantineRecord)))


def test_a_50_mb_export(session: Session, tmp_path: Path) -> None:
    filler = "Пермь, ул. Ленина: снова прорвало трубу, вода заливает двор. " * 115
    messages = [tg_message(n, f"{n}. {filler}") for n in range(1, 4001)]
    messages.insert(2000, {"id": "x", "type": "message", "text": "без даты"})
    path = write(tmp_path, dumps(single_chat(messages)))
    assert path.stat().st_size > 50_000_000

    result = run(session, path)

    assert (result.new, result.quarantined) == (4000, 1)


def test_absurdly_nested_message_is_quarantined(session: Session, tmp_path: Path) -> None:
    nested = "[" * 100_000 + "]" * 100_000
    text = dumps(single_chat([tg_message(1, "Первое")]))
    text = text.replace("\n ]\n}", f",\n {nested}\n ]\n}}")
    path = write(tmp_path, text)

    result = run(session, path)

    assert (result.new, result.quarantined) == (1, 1)
    assert "nested too deeply" in session.exec(select(QuarantineRecord)).one().reason


def test_jsonl_refuses_deep_nesting() -> None:
    import pytest

    from ingest.jsonl import adapt_line
    from ingest.rejection import Rejected

    with pytest.raises(Rejected, match="nested too deeply"):
        adapt_line(('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}").encode())
