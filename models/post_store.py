"""Storing posts: each `(source_id, external_id)` lands once, whoever sends it how often.

One post, once: the same VK post or comment (owner id + id) or Telegram message (chat + id)
reached through several sources (a wall crawl and a search crawl) shares a `network_key`;
it is stored by the first source and every source that sees it is a `PostSighting`.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models.clock import now
from models.post import Post, PostCreate, PostSighting
from models.source import Source, SourceKind

BATCH_SIZE = 200
_VK_KINDS = {SourceKind.VK_WALL, SourceKind.VK_COMMENTS, SourceKind.VK_SEARCH, SourceKind.VK_DUMP}
_VK_ID = re.compile(r"^-?\d+_\d+(?:_\d+)?$")  # owner_post, owner_post_comment


@dataclass
class StoreResult:
    new_ids: list[int] = field(default_factory=list)
    known: int = 0

    @property
    def new(self) -> int:
        return len(self.new_ids)

    def add(self, other: "StoreResult") -> None:
        self.new_ids.extend(other.new_ids)
        self.known += other.known


def store_posts(
    session: Session,
    *,
    source_id: int,
    posts: Iterable[PostCreate],
    lemmatize: Callable[[str], str] | None = None,
) -> StoreResult:
    """Insert the posts that are new; count the ones already stored. The caller commits.

    `lemmatize` fills `search_lemmas`, which the SQLite full-text index searches.
    """
    result = StoreResult()
    source = session.get(Source, source_id)
    for batch in _batches(posts, BATCH_SIZE):
        rows = [_row(post, source, source_id, lemmatize) for post in _unique(batch)]
        inserted = _insert_ignoring_duplicates(session, rows)
        _record_sightings(session, rows, source_id)
        result.add(StoreResult(new_ids=inserted, known=len(batch) - len(inserted)))
    _count_new(session, source_id, result.new)
    return result


def network_key(source: Source | None, external_id: str) -> str | None:
    """The item's identity on its network, whichever source reached it; None if unknown."""
    if source is None:
        return None
    if source.kind in _VK_KINDS and _VK_ID.match(external_id):
        return f"vk:{external_id}"
    if source.kind == SourceKind.TELEGRAM and external_id.isdigit():
        return f"tg:{source.target.strip().lstrip('@').lower()}:{external_id}"
    return None


def _row(
    post: PostCreate, source: Source | None, source_id: int, lemmatize: Callable[[str], str] | None
) -> dict[str, Any]:
    row = post.model_dump()
    row.update(source_id=source_id, fetched_at=now())
    row["network_key"] = network_key(source, post.external_id)
    row["search_lemmas"] = lemmatize(post.text) if lemmatize else post.text.lower()
    return row


def _count_new(session: Session, source_id: int, new: int) -> None:
    """Add the new posts to the source's «Постов всего», whichever way they came (a crawl, a
    file import, a signal entered by hand), in SQL: two writers never lose each other's."""
    if new:
        session.execute(
            update(Source)
            .where(Source.id == source_id)  # type: ignore[arg-type]
            .values(posts_fetched=Source.posts_fetched + new)
            .execution_options(synchronize_session=False)
        )


def _insert_ignoring_duplicates(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    statement = (
        insert(Post)
        .values(rows)
        .on_conflict_do_nothing()  # (source, external id) or the network key already stored
        .returning(Post.id)  # type: ignore[arg-type]
    )
    return sorted(session.execute(statement).scalars().all())


def _record_sightings(session: Session, rows: list[dict[str, Any]], source_id: int) -> None:
    """Every source that reached a network-keyed post, the storing one included."""
    external = {row["network_key"]: row["external_id"] for row in rows if row["network_key"]}
    if not external:
        return
    stored = session.execute(
        select(Post.id, Post.network_key).where(Post.network_key.in_(external))  # type: ignore[union-attr]
    ).all()
    sightings = [
        {"post_id": post_id, "source_id": source_id, "external_id": external[key], "seen_at": now()}
        for post_id, key in stored
    ]
    insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    session.execute(insert(PostSighting).values(sightings).on_conflict_do_nothing())


def _unique(batch: list[PostCreate]) -> list[PostCreate]:
    """One row per external id: a page may repeat a post (a pinned post, a shifted offset)."""
    seen: dict[str, PostCreate] = {}
    for post in batch:
        seen.setdefault(post.external_id, post)
    return list(seen.values())


def _batches(items: Iterable[PostCreate], size: int) -> Iterator[list[PostCreate]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _dialect(session: Session) -> str:
    bind = session.get_bind()
    return bind.dialect.name if isinstance(bind, Engine) else bind.engine.dialect.name
