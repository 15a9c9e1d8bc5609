"""A comment's parent, for a page of posts or for one: in its own source, else under its
network key in another source, else none; every query an index serves."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session

from models.parents import parent_post, parent_posts
from models.post import Post, PostCreate, PostKind
from models.post_store import store_posts
from models.source import Source, SourceKind

AT = datetime(2025, 2, 11, 7, tzinfo=UTC)


def _item(external_id: str, text: str, parent: str | None = None) -> PostCreate:
    kind = PostKind.COMMENT if parent else PostKind.POST
    return PostCreate(external_id=external_id, text=text, text_original=text, published_at=AT,
                      kind=kind, parent_external_id=parent)  # fmt: skip


def _source(session: Session, kind: str, target: str) -> int:
    source = Source(kind=kind, name=f"источник {target}", target=target)
    session.add(source)
    session.flush()
    return source.id or 0


def _store(session: Session, source_id: int, *items: PostCreate) -> list[int]:
    return store_posts(session, source_id=source_id, posts=list(items)).new_ids


@pytest.fixture
def thread(session: Session) -> dict[str, int]:
    """A wall post with a comment under it; a search crawl's comment on the same post and
    one on a post never collected; a table that has a row of its own under the wall's id."""
    wall = _source(session, SourceKind.VK_WALL, "-5")
    search = _source(session, SourceKind.VK_SEARCH, "течёт крыша")
    table = _source(session, SourceKind.CSV, "/tmp/обращения.csv")
    post, own = _store(session, wall, _item("-5_7", "Над третьим подъездом течёт крыша"),
                       _item("-5_7_1", "и над вторым", parent="-5_7"))  # fmt: skip
    shared, orphan = _store(session, search, _item("-5_7_2", "уже неделю капает", parent="-5_7"),
                            _item("-5_8_3", "где это", parent="-5_8"))  # fmt: skip
    row, answer = _store(session, table, _item("-5_7", "жалоба на кровлю из таблицы"),
                         _item("t2", "ответ на жалобу из таблицы", parent="-5_7"))  # fmt: skip
    session.commit()
    return {"post": post, "own": own, "shared": shared, "orphan": orphan, "row": row,
            "answer": answer}  # fmt: skip


def _posts(session: Session, ids: list[int]) -> list[Post]:
    return [session.get_one(Post, post_id) for post_id in ids]


def test_a_page_of_comments_finds_each_parent(session: Session, thread: dict[str, int]) -> None:
    page = _posts(session, list(thread.values()))
    found = {post_id: parent.id for post_id, parent in parent_posts(session, posts=page).items()}
    assert found == {
        thread["own"]: thread["post"],  # the comment's own source
        thread["shared"]: thread["post"],  # another source stored it: the network key
        thread["answer"]: thread["row"],  # its own source first, though the wall has that id
    }  # the posts and the comment on a post never collected have none


def test_one_post_is_the_page_of_one(session: Session, thread: dict[str, int]) -> None:
    def parent_id(name: str) -> int | None:
        parent = parent_post(session, session.get_one(Post, thread[name]))
        return parent.id if parent is not None else None

    assert parent_id("own") == parent_id("shared") == thread["post"]
    assert parent_id("answer") == thread["row"]
    assert parent_id("orphan") is None and parent_id("post") is None


def test_every_look_up_is_served_by_an_index(
    session: Session, engine: Engine, thread: dict[str, int]
) -> None:
    page = _posts(session, list(thread.values()))
    with _post_queries(engine) as seen:
        assert len(parent_posts(session, posts=page)) == 3
    for statement, parameters in seen:
        plan = _plan(engine, statement, parameters)
        assert "post" in plan and not _scans(engine, plan), plan
    assert len(seen) == 2  # the sources' own posts, then the network keys


@contextmanager
def _post_queries(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The statements that read the `post` table, with their parameters, as sent."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM post" in statement:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _plan(engine: Engine, statement: str, parameters: Any) -> str:
    """The plan; PostgreSQL is told to avoid a table scan wherever an index can serve."""
    with engine.connect() as connection, connection.begin() as transaction:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
            plan = "\n".join(row[0] for row in rows)
        else:
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            plan = "\n".join(row[-1] for row in rows)
        transaction.rollback()
    return plan


def _scans(engine: Engine, plan: str) -> bool:
    """A table scan, or (PostgreSQL) a whole index read for a condition on a later column:
    every index condition must hold the index's first column, `source_id` or `network_key`."""
    lines = [line.strip() for line in plan.splitlines()]
    if engine.dialect.name == "postgresql":
        conditions = [line for line in lines if line.startswith("Index Cond:")]
        return (
            "Seq Scan" in plan
            or not conditions
            or not all("source_id" in line or "network_key" in line for line in conditions)
        )
    return any(line.startswith("SCAN") for line in lines)
