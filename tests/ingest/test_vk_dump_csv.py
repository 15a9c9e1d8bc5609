"""Saved VK responses and CSV tables."""

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlmodel import Session, select

from ingest.exports.csv_table import ColumnMapping, import_csv
from ingest.exports.vk_dump import import_vk_dump
from models.post import Post, PostKind
from models.quarantine import QuarantineRecord
from models.source import SourceKind
from tests.ingest.conftest import add_source
from tests.ingest.vk_fake import vk_post

DATE = int(datetime(2024, 2, 1, tzinfo=UTC).timestamp())
PERM = timezone(timedelta(hours=5))


def wall_response(owner: int, ids: range) -> dict[str, object]:
    items = [vk_post(owner, n, DATE + n, f"Пост {n} про Березники") for n in ids]
    return {"response": {"count": len(items), "items": items}}


def dump(session: Session, path: Path):  # type: ignore[no-untyped-def]
    source = add_source(session, kind=SourceKind.VK_DUMP, target=str(path))
    return import_vk_dump(session, source_id=source.id or 0, path=path)


def test_one_saved_wall_get_response(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "wall.json"
    path.write_text(json.dumps(wall_response(-1, range(1, 6)), ensure_ascii=False), "utf-8")
    assert dump(session, path).new == 5


def test_a_list_of_responses_with_and_without_envelope(session: Session, tmp_path: Path) -> None:
    comments = {
        "count": 1,
        "items": [
            {"id": 7, "owner_id": -1, "post_id": 3, "from_id": 5, "date": DATE, "text": "Да"}
        ],
    }
    search = {"items": [vk_post(44, 1, DATE, "Пермский район: нет автобуса")], "next_from": "x"}
    responses = [wall_response(-1, range(1, 4)), search, comments]
    path = tmp_path / "dumps.json"
    path.write_text(json.dumps(responses, ensure_ascii=False), "utf-8")

    result = dump(session, path)

    assert (result.new, result.quarantined) == (5, 0)
    kinds = dict(session.exec(select(Post.external_id, Post.kind)).all())
    assert kinds["-1_3_7"] == PostKind.COMMENT and kinds["44_1"] == PostKind.POST


def test_truncated_dump_and_bad_items(session: Session, tmp_path: Path) -> None:
    response = wall_response(-1, range(1, 6))
    response["response"]["items"][1]["date"] = "2024-02-01"  # type: ignore[index]
    text = json.dumps(response, ensure_ascii=False)
    path = tmp_path / "cut.json"
    path.write_text(text[: text.index('"id": 4')], "utf-8")

    result = dump(session, path)

    assert (result.new, result.quarantined) == (2, 2)
    reasons = sorted(r.reason for r in session.exec(select(QuarantineRecord)))
    assert any("not a unix time" in r for r in reasons)
    assert any("truncated" in r or "invalid JSON" in r for r in reasons)


def test_a_file_that_is_not_a_vk_response(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"hello": "world"}', "utf-8")
    result = dump(session, path)
    assert (result.new, result.quarantined) == (0, 1)
    assert session.exec(select(QuarantineRecord)).one().raw == b'{"hello": "world"}'


CSV = """номер;дата;текст;заявитель
A-1;05.03.2024 10:30;Во дворе на ул. Мира в Краснокамске не вывозят мусор;Иванова
A-2;2024-03-06T08:00:00+05:00;Не горят фонари на улице Ленина в Чусовом;
A-3;вчера;Дата не читается;Петров
A-4;07.03.2024;;Пустой текст
"""


def test_csv_with_a_column_mapping(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "appeals.csv"
    path.write_text(CSV, "utf-8")
    source = add_source(session, kind=SourceKind.CSV, target=str(path))
    columns = ColumnMapping(text="текст", date="дата", id="номер", author="заявитель")

    def run():  # type: ignore[no-untyped-def]
        return import_csv(
            session,
            source_id=source.id or 0,
            path=path,
            columns=columns,
            timezone=PERM,
            delimiter=";",
        )

    first = run()
    assert (first.new, first.quarantined) == (2, 2)
    assert run().known == 2
    post = session.exec(select(Post).where(Post.external_id == "A-1")).one()
    assert post.published_at == datetime(2024, 3, 5, 5, 30, tzinfo=UTC)
    assert (post.kind, post.author_id) == (PostKind.APPEAL, "Иванова")
    reasons = [r.reason for r in session.exec(select(QuarantineRecord))]
    assert any("unreadable date 'вчера'" in r for r in reasons)


def test_csv_without_the_mapped_column_is_a_clear_error(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "appeals.csv"
    path.write_text(CSV, "utf-8")
    source = add_source(session, kind=SourceKind.CSV, target=str(path))
    with pytest.raises(ValueError, match="no column body"):
        import_csv(
            session,
            source_id=source.id or 0,
            path=path,
            columns=ColumnMapping(text="body", date="дата"),
            timezone=PERM,
            delimiter=";",
        )


def test_an_import_counts_its_new_posts_on_its_source(session: Session, tmp_path: Path) -> None:
    """«Источники» shows an imported file's posts and when it was read, not 0 and «—»."""
    path = tmp_path / "wall.json"
    path.write_text(json.dumps(wall_response(-1, range(1, 6)), ensure_ascii=False), "utf-8")
    source = add_source(session, kind=SourceKind.VK_DUMP, target=str(path))
    import_vk_dump(session, source_id=source.id or 0, path=path)
    session.refresh(source)
    assert source.posts_fetched == 5 and source.last_success_at is not None

    path.write_text(json.dumps(wall_response(-1, range(4, 9)), ensure_ascii=False), "utf-8")
    import_vk_dump(session, source_id=source.id or 0, path=path)  # 4 and 5 are known
    session.refresh(source)
    assert source.posts_fetched == 8
