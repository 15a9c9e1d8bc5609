"""The bundled demo posts go through the real importers."""

from pathlib import Path

from sqlmodel import Session, select

from ingest.exports.telegram_desktop import import_telegram_export
from ingest.exports.vk_dump import import_vk_dump
from models.post import Post
from models.source import SourceKind
from tests.ingest.conftest import add_source

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def test_demo_files_import_completely(session: Session) -> None:
    vk_source = add_source(session, kind=SourceKind.VK_DUMP, target="demo-vk")
    tg_source = add_source(session, kind=SourceKind.TELEGRAM_EXPORT, target="demo-tg")

    vk = import_vk_dump(session, source_id=vk_source.id or 0, path=DEMO / "vk_wall.json")
    tg = import_telegram_export(
        session, source_id=tg_source.id or 0, path=DEMO / "telegram_result.json"
    )

    assert (vk.new, vk.quarantined, vk.skipped) == (52, 0, 0)
    assert (tg.new, tg.quarantined, tg.skipped) == (37, 0, 3)
    posts = list(session.exec(select(Post)))
    assert len(posts) >= 80
    texts = " ".join(post.text for post in posts)
    for town in ("Пермь", "Краснокамск", "Березник", "Соликамск", "Чусов", "Лысьв", "Кунгур"):
        assert town in texts
    assert sum(post.is_ad for post in posts) == 3
    assert sum(post.repost_of is not None for post in posts) == 2
    assert all("[club" not in post.text and "[id" not in post.text for post in posts)
