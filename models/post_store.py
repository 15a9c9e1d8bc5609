"""Storing posts: each `(source_id, external_id)` lands once, whoever sends it how often."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models.clock import now
from models.post import Post, PostCreate

BATCH_SIZE = 200


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
    for batch in _batches(posts, BATCH_SIZE):
        rows = [_row(post, source_id, lemmatize) for post in _unique(batch)]
        inserted = _insert_ignoring_duplicates(session, rows)
        result.add(StoreResult(new_ids=inserted, known=len(batch) - len(inserted)))
    return result


def _row(
    post: PostCreate, source_id: int, lemmatize: Callable[[str], str] | None
) -> dict[str, Any]:
    row = post.model_dump()
    row.update(source_id=source_id, fetched_at=now())
    row["search_lemmas"] = lemmatize(post.text) if lemmatize else post.text.lower()
    return row


def _insert_ignoring_duplicates(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    statement = (
        insert(Post)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["source_id", "external_id"])
        .returning(Post.id)  # type: ignore[arg-type]
    )
    return sorted(session.execute(statement).scalars().all())


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
