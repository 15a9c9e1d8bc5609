"""Building blocks for pipeline tests: a source and posts stored the way ingest stores them."""

from datetime import UTC, datetime

from sqlmodel import Session

from ingest.sources import get_or_create_source
from models.post import PostCreate
from models.post_store import store_posts
from models.source import SourceCreate

COMPLAINTS = [
    "В Краснокамске на улице Ленина огромная яма, машины бьют колёса",
    "Третий день нет горячей воды в доме на Комсомольском проспекте, Пермь",
    "Не вывозят мусор во дворе на Гагарина, контейнеры переполнены",
    "На остановке Молодёжная не горят фонари, вечером темно и опасно",
    "Автобус 42 в Березниках не пришёл ни разу за утро, люди мёрзнут",
    "Спасибо коммунальщикам, дорогу на Мира починили быстро",
    "Продаю диван недорого, самовывоз из Соликамска",
    "В Чусовом прорвало трубу, вода течёт по улице Чайковского",
]


def make_source(session: Session, *, target: str = "-1", kind: str = "vk_wall") -> int:
    source = get_or_create_source(
        session, source=SourceCreate(kind=kind, name=f"Сообщество {target}", target=target)
    )
    session.commit()
    assert source.id is not None
    return source.id


def post(external_id: str, text: str, *, author_id: str | None = None) -> PostCreate:
    return PostCreate(
        external_id=external_id,
        text=text,
        text_original=text,
        author_id=author_id,
        published_at=datetime(2024, 1, 5, 10, tzinfo=UTC),
        raw={"id": external_id, "from_id": author_id, "text": text},
    )


def store(session: Session, *, source_id: int, texts: list[str], prefix: str = "") -> list[int]:
    posts = [post(f"{prefix}{number}", text) for number, text in enumerate(texts)]
    stored = store_posts(session, source_id=source_id, posts=posts)
    session.commit()
    return stored.new_ids
