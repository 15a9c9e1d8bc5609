"""How fast is a comment's parent found, for a page of 200 comments and for one?

    .venv/bin/python -m benchmarks.parent_lookup [--posts 200000] [--runs 9] [--postgres]
        [--analyze]

Fills a migrated database (a temporary SQLite file; with --postgres the database
`otklik_bench_parents` on the server of `OTKLIK_TEST_POSTGRES_URL`) with synthetic VK walls:
posts, and comments under them, each keyed by its network key as `store_posts` keys it.
Then times, in the same run, `models.parents.parent_posts` (one look-up through the unique
indexes) against the two twins it replaced, kept inline below: the NLP stage's batch query
(every post whose `external_id` is one of the page's: no index leads with that column) and
the console's one-post query. The page: comments whose parent is in their own source,
comments a search crawl found whose parent a wall stored (the network key), comments on
posts never collected. Prints the plans of the old and the new queries and a Markdown
table for BENCHMARKS.md. SQLite plans without statistics unless --analyze runs ANALYZE (the
application never does); PostgreSQL is always analyzed (autovacuum does it in service).
"""

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, insert, text
from sqlmodel import Session, col, select

from benchmarks.queue_page import create_database
from models.db import make_engine
from models.parents import parent_post, parent_posts
from models.post import Post
from models.post_store import network_key
from models.source import Source, SourceKind
from otklik import migrate

WALLS = 20
COMMENTS_PER_POST = 4
CHUNK = 10_000
START = datetime(2025, 1, 1, tzinfo=UTC)


def old_parent_posts(session: Session, *, posts: list[Post]) -> dict[int, Post]:
    """`nlp.context.parent_posts` before this change (the baseline)."""
    wanted = {p.parent_external_id for p in posts if p.parent_external_id}
    if not wanted:
        return {}
    found = session.exec(select(Post).where(col(Post.external_id).in_(wanted))).all()
    by_key = {(p.source_id, p.external_id): p for p in found}
    by_id = {p.external_id: p for p in found if "_" in p.external_id}
    out = {}
    for post in posts:
        key = post.parent_external_id
        parent = by_key.get((post.source_id, key or "")) or by_id.get(key or "")
        if parent is not None and post.id is not None:
            out[post.id] = parent
    return out


def old_parent_post(session: Session, post: Post) -> Post | None:
    """`dashboard.queries.parent_post` before this change (the baseline)."""
    key = post.parent_external_id
    if not key:
        return None
    parent = session.exec(
        select(Post).where(Post.source_id == post.source_id, Post.external_id == key)
    ).first()
    if parent is not None:
        return parent
    shared = network_key(session.get(Source, post.source_id), key)
    if shared is None:
        return None
    return session.exec(select(Post).where(Post.network_key == shared)).first()


def fill(engine: Engine, *, posts: int, analyze: bool) -> None:
    """`posts` rows over `WALLS` walls (a post, then its comments), and a search source."""
    migrate.upgrade(engine)
    with Session(engine) as session:
        for number in range(1, WALLS + 1):
            session.add(Source(kind=SourceKind.VK_WALL, name=f"стена {number}",
                               target=f"-{number}"))  # fmt: skip
        session.add(Source(kind=SourceKind.VK_SEARCH, name="поиск", target="течёт"))
        session.commit()
    rows = _rows(posts)
    began = time.perf_counter()
    while chunk := [row for _, row in zip(range(CHUNK), rows, strict=False)]:
        with engine.begin() as connection:
            connection.execute(insert(Post), chunk)
    if analyze:  # the application never runs it: SQLite then plans without statistics
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    print(f"{posts:,} posts stored in {time.perf_counter() - began:.1f} s", flush=True)


def _rows(posts: int) -> Iterator[dict[str, Any]]:
    per_thread = COMMENTS_PER_POST + 1
    for index in range(posts):
        thread, place = divmod(index, per_thread)
        wall = thread % WALLS + 1
        number = thread // WALLS + 1
        post_id = f"-{wall}_{number}"
        external_id = post_id if place == 0 else f"{post_id}_{place}"
        words = f"запись {index}: во дворе дома {number} течёт крыша"
        yield {
            "source_id": wall, "external_id": external_id, "network_key": f"vk:{external_id}",
            "parent_external_id": None if place == 0 else post_id,
            "kind": "post" if place == 0 else "comment",
            "thread_position": "post" if place == 0 else "comment",
            "author_kind": "unknown", "published_at": START + timedelta(minutes=index),
            "fetched_at": START, "text": words, "text_original": words, "search_lemmas": words,
            "is_ad": False, "attachments": [], "raw": {}, "stage": "annotated",
            "review_status": "pending", "priority": 0.0, "version": 1,
        }  # fmt: skip


def store_page(engine: Engine, *, threads: int) -> list[int]:
    """A page of 200 comments: 100 read from the walls (the parent in their own source), 80
    a search crawl found (the parent under another source), 20 under posts never stored."""
    with Session(engine) as session:
        search = session.exec(select(Source.id).where(Source.kind == SourceKind.VK_SEARCH)).one()
        wall_comments = session.exec(
            select(Post.id).where(col(Post.parent_external_id).is_not(None)).limit(100)
        ).all()
        found = []
        for number in range(100):
            thread = (number * 997) % threads
            parent = f"-{thread % WALLS + 1}_{thread // WALLS + 1}"
            if number >= 80:
                parent = f"-{number}_{10**9}"  # never stored
            found.append(Post(source_id=search or 0, external_id=f"{parent}_s{number}",
                              parent_external_id=parent, kind="comment", published_at=START,
                              text="и у нас", text_original="и у нас", raw={}))  # fmt: skip
        session.add_all(found[:100])
        session.commit()
        return list(wall_comments) + [post.id or 0 for post in found]


Call = Callable[[Session, list[Post]], int]


def time_both(engine: Engine, calls: tuple[Call, Call], ids: list[int],
              runs: int) -> list[tuple[float, int, int]]:  # fmt: skip
    """For the old and the new call, taking turns: the median ms on the page, the parents
    found and the queries sent (each run in a fresh session: nothing cached)."""
    times: list[list[float]] = [[], []]
    found, queries = [0, 0], [0, 0]
    counted: list[str] = []

    def count(*args: Any) -> None:
        counted.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    for _ in range(runs):
        for which, call in enumerate(calls):
            with Session(engine) as session:
                page = list(session.exec(select(Post).where(col(Post.id).in_(ids))).all())
                counted.clear()
                began = time.perf_counter()
                found[which] = call(session, page)
                times[which].append((time.perf_counter() - began) * 1000)
                queries[which] = len(counted)
    event.remove(engine, "before_cursor_execute", count)
    return [(statistics.median(times[i]), found[i], queries[i]) for i in (0, 1)]


def _agree(engine: Engine, ids: list[int]) -> tuple[int, int]:
    """How many comments both look-ups give the same parent, of how many either finds."""
    with Session(engine) as session:
        page = list(session.exec(select(Post).where(col(Post.id).in_(ids))).all())
        old = {key: post.id for key, post in old_parent_posts(session, posts=page).items()}
        new = {key: post.id for key, post in parent_posts(session, posts=page).items()}
    return sum(old.get(key) == value for key, value in new.items()), len(old.keys() | new.keys())


def plans(engine: Engine, ids: list[int], lookup: Callable[..., Any]) -> list[str]:
    """The look-up's statements on the `post` table, as the database plans them (each line
    once: SQLite repeats one search per source)."""
    seen: list[tuple[str, Any]] = []

    def record(_c: Any, _k: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM post" in statement:
            seen.append((statement, parameters))

    with Session(engine) as session:
        page = list(session.exec(select(Post).where(col(Post.id).in_(ids))).all())
        event.listen(engine, "before_cursor_execute", record)
        lookup(session, posts=page)
        event.remove(engine, "before_cursor_execute", record)
    explain = "EXPLAIN" if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
    out = []
    with engine.connect() as connection:
        for statement, parameters in seen:
            rows = connection.exec_driver_sql(f"{explain} {statement}", parameters).all()
            lines = [str(row[0] if explain == "EXPLAIN" else row[-1]) for row in rows]
            kept = (line[:150] for line in lines if "INDEX " not in line[:6])
            out.append("\n".join(dict.fromkeys(kept)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--analyze", action="store_true", help="ANALYZE (always on PostgreSQL)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.postgres:
            url = create_database("otklik_bench_parents")
        else:
            url = f"sqlite:///{Path(folder) / 'parents.db'}"
        engine = make_engine(url)
        fill(engine, posts=args.posts, analyze=args.analyze or args.postgres)
        ids = store_page(engine, threads=args.posts // (COMMENTS_PER_POST + 1))
        for name, lookup in (("old", old_parent_posts), ("new", parent_posts)):
            for plan in plans(engine, ids, lookup):
                print(f"{name}:\n{plan}", end="\n\n")
        one = ids[120]  # a search crawl's comment: the network key
        measures = [
            ("page of 200 comments", lambda s, p: len(old_parent_posts(s, posts=p)),
             lambda s, p: len(parent_posts(s, posts=p)), ids),
            ("one comment, parent in its source", lambda s, p: int(bool(old_parent_post(s, p[0]))),
             lambda s, p: int(bool(parent_post(s, p[0]))), ids[:1]),
            ("one comment, parent under another source",
             lambda s, p: int(bool(old_parent_post(s, p[0]))),
             lambda s, p: int(bool(parent_post(s, p[0]))), [one]),
        ]  # fmt: skip
        analyzed = "analyzed" if args.analyze or args.postgres else "no statistics"
        print(f"{engine.dialect.name} ({analyzed}), {args.posts:,} posts, "
              f"median of {args.runs} runs\n")  # fmt: skip
        print("| look-up | old, ms | new, ms | old: found / queries | new: found / queries |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, old, new, page in measures:
            (old_ms, old_found, old_queries), (new_ms, new_found, new_queries) = time_both(
                engine, (old, new), page, args.runs
            )
            print(f"| {name} | {old_ms:.2f} | {new_ms:.2f} | {old_found} / {old_queries} "
                  f"| {new_found} / {new_queries} |")  # fmt: skip
        same, either = _agree(engine, ids)
        print(f"\nthe page: the same parent from both for {same} of the {either} comments found")
        engine.dispose()


if __name__ == "__main__":
    main()
