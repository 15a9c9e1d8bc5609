from datetime import UTC, datetime

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import Session

from ingest.sources import get_or_create_source
from models.post import Post, PostCreate, PostSighting
from models.post_store import store_posts
from models.search import post_search_filter
from models.source import SourceCreate


def _source(session: Session, target: str = "-1") -> int:
    source = get_or_create_source(
        session, source=SourceCreate(kind="vk_wall", name="Администрация", target=target)
    )
    session.commit()
    assert source.id is not None
    return source.id


def _post(external_id: str, text: str = "Яма на улице Ленина") -> PostCreate:
    return PostCreate(
        external_id=external_id,
        text=text,
        text_original=text,
        published_at=datetime(2024, 1, 5, 10, tzinfo=UTC),
    )


def test_the_same_post_stored_twice_is_stored_once(session: Session) -> None:
    source_id = _source(session)
    first = store_posts(session, source_id=source_id, posts=[_post("1"), _post("2")])
    session.commit()
    second = store_posts(session, source_id=source_id, posts=[_post("2"), _post("3")])
    session.commit()

    assert (first.new, first.known) == (2, 0)
    assert (second.new, second.known) == (1, 1)
    stored = session.exec(select(Post.external_id).order_by(Post.external_id)).all()
    assert [row[0] for row in stored] == ["1", "2", "3"]


def test_a_post_repeated_inside_one_batch_is_stored_once(session: Session) -> None:
    source_id = _source(session)
    result = store_posts(session, source_id=source_id, posts=[_post("7"), _post("7")])
    session.commit()
    assert (result.new, result.known) == (1, 1)


def test_the_same_external_id_from_two_sources_is_two_posts(session: Session) -> None:
    one, two = _source(session, "-1"), _source(session, "-2")
    store_posts(session, source_id=one, posts=[_post("1")])
    store_posts(session, source_id=two, posts=[_post("1")])
    session.commit()
    assert len(session.exec(select(Post.id)).all()) == 2


def test_timestamps_come_back_timezone_aware_utc(session: Session) -> None:
    source_id = _source(session)
    store_posts(session, source_id=source_id, posts=[_post("1")])
    session.commit()
    post = session.exec(select(Post)).scalar_one()
    assert post.published_at == datetime(2024, 1, 5, 10, tzinfo=UTC)
    assert post.published_at.tzinfo is not None
    assert post.fetched_at.tzinfo is not None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("text", "a\x00b", "NUL"),
        ("text", "x" * 100_001, "more than"),
        ("text", "broken \ud800 surrogate", "surrogate"),
        ("published_at", datetime(2024, 1, 5), "timezone-aware"),
    ],
)
def test_post_records_refuse_what_cannot_be_stored(field: str, value: object, message: str) -> None:
    fields: dict[str, object] = {
        "external_id": "1",
        "text": "ok",
        "text_original": "ok",
        "published_at": datetime(2024, 1, 5, tzinfo=UTC),
    }
    fields[field] = value
    with pytest.raises(ValidationError, match=message):
        PostCreate(**fields)


def test_full_text_search_finds_inflected_forms(session: Session) -> None:
    source_id = _source(session)
    lemmas = {"ямы": "яма", "дворах": "двор", "яма": "яма", "во": "в", "в": "в", "дворе": "двор"}

    def lemmatize(text: str) -> str:
        return " ".join(lemmas.get(word, word) for word in text.lower().split())

    posts = [_post("1", "ямы во дворах"), _post("2", "снег не убран")]
    store_posts(session, source_id=source_id, posts=posts, lemmatize=lemmatize)
    session.commit()
    dialect = session.get_bind().dialect.name
    statement = post_search_filter(
        select(Post.external_id), query="яма в дворе", dialect=dialect, lemmatize=lemmatize
    )
    assert session.exec(statement).scalars().all() == ["1"]


def _typed_source(session: Session, kind: str, target: str) -> int:
    source = get_or_create_source(session, source=SourceCreate(kind=kind, name=kind, target=target))
    session.commit()
    assert source.id is not None
    return source.id


def test_a_vk_post_reached_by_a_wall_and_a_search_crawl_is_stored_once(session: Session) -> None:
    wall = _typed_source(session, "vk_wall", "-1")
    search = _typed_source(session, "vk_search", "яма Ленина")
    first = store_posts(session, source_id=wall, posts=[_post("-1_25"), _post("-1_25_7")])
    second = store_posts(session, source_id=search, posts=[_post("-1_25"), _post("-9_3")])
    session.commit()

    assert (first.new, second.new, second.known) == (2, 1, 1)
    keys = session.exec(select(Post.network_key).order_by(Post.id)).scalars().all()
    assert keys == ["vk:-1_25", "vk:-1_25_7", "vk:-9_3"]
    post_id = session.exec(select(Post.id).where(Post.network_key == "vk:-1_25")).scalar_one()
    seen_by = session.exec(
        select(PostSighting.source_id).where(PostSighting.post_id == post_id)
    ).scalars()
    assert sorted(seen_by) == sorted([wall, search])


def test_a_telegram_message_is_keyed_by_chat_and_id(session: Session) -> None:
    one = _typed_source(session, "telegram", "@perm_news")
    again = _typed_source(session, "telegram", "perm_news")
    other = _typed_source(session, "telegram", "@kama_news")
    for source_id in (one, again, other):
        store_posts(session, source_id=source_id, posts=[_post("7")])
    session.commit()
    keys = session.exec(select(Post.network_key).order_by(Post.id)).scalars().all()
    assert keys == ["tg:perm_news:7", "tg:kama_news:7"]
    assert len(session.exec(select(PostSighting.post_id)).all()) == 3


def test_files_without_a_network_identity_keep_one_post_per_source(session: Session) -> None:
    one, two = _typed_source(session, "csv", "a.csv"), _typed_source(session, "csv", "b.csv")
    store_posts(session, source_id=one, posts=[_post("-1_25")])
    store_posts(session, source_id=two, posts=[_post("-1_25")])
    session.commit()
    assert session.exec(select(Post.network_key)).scalars().all() == [None, None]
