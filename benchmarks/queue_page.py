"""How fast is the console's review-queue page at a million posts in PostgreSQL?

    .venv/bin/python -m benchmarks.queue_page [--posts 1000000] [--runs 5] [--reuse]

Creates (or, with --reuse, keeps) the database `otklik_bench_queue` on the PostgreSQL server
of `OTKLIK_TEST_POSTGRES_URL` (default postgres@127.0.0.1:5432), fills it with generated
posts and current annotations using INSERT … SELECT generate_series (30 % waiting for
review), then times `triage.queue.review_queue` — the exact call the Очередь page makes —
for the first page and a deep page, with and without filters and full-text search; deep
pages both by OFFSET and by keyset (after the previous page's last post, as the console
pages forward), checked to show the same posts; and the list's «Ответ» markers (which posts
of the first page have a public answer: every 10th post, a waiting one, has one). The
baseline, measured in the same run, is what the page avoids: reading every waiting post
into pandas. Prints a Markdown table for BENCHMARKS.md.
"""

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from models.db import make_engine
from otklik import migrate
from triage.answers import answered_post_ids
from triage.queue import QueueFilters, review_queue

ADMIN_URL = os.environ.get(
    "OTKLIK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DATABASE = "otklik_bench_queue"
CHUNK = 100_000
PAGE_SIZE = 20
CATEGORIES = ["zhkh", "roads", "transport", "waste", "light"]
TEXTS = [
    "В Краснокамске на улице Ленина прорвало трубу, вода заливает двор",
    "Третий день нет света в Чусовом на улице Мира, когда починят?",
    "Огромная яма на дороге у остановки, машины бьют колёса",
    "Мусор не вывозят уже неделю, контейнеры переполнены",
    "Автобус 12 не пришёл утром, люди мёрзнут на остановке",
    "В подъезде не горит свет, темно и страшно",
    "Холодные батареи в школе, дети сидят в куртках",
    "Спасибо коммунальщикам за быстрый ремонт",
    "Продам гараж недорого, звоните",
    "Во дворе не убирают снег, не пройти к подъезду",
]


def create_database(name: str = DATABASE) -> str:
    """An empty benchmark database `name` (dropped first if it is there); its URL."""
    admin = make_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return database_url(name)


def database_url(name: str = DATABASE) -> str:
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def fill(engine: Engine, *, posts: int) -> None:
    migrate.upgrade(engine)
    with engine.begin() as connection:
        _reference_data(connection)
    for start in range(1, posts + 1, CHUNK):
        stop = min(start + CHUNK - 1, posts)
        began = time.perf_counter()
        with engine.begin() as connection:
            _posts(connection, start, stop)
            _annotations(connection, start, stop)
        print(f"posts {start:>9,}..{stop:>9,} in {time.perf_counter() - began:5.1f} s", flush=True)
    with engine.begin() as connection:  # every 10th post (a waiting one) has a public answer
        connection.execute(
            text(
                "UPDATE post SET answer_to_post_id = id + 1"
                " WHERE id % 10 = 9 AND id < (SELECT max(id) FROM post)"
            )
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def _reference_data(connection: Any) -> None:
    for position, code in enumerate(CATEGORIES):
        connection.execute(
            text("INSERT INTO category (code, name, position, active) VALUES (:c, :c, :p, true)"),
            {"c": code, "p": position},
        )
        connection.execute(
            text(
                "INSERT INTO topic (code, category_code, name, sla_hours, urgent, agency_type,"
                " position, active) VALUES (:t, :c, :t, 40, false, 'municipal_administration',"
                " 0, true)"
            ),
            {"t": f"{code}.main", "c": code},
        )
    connection.execute(
        text(
            "INSERT INTO municipality (region_code, name, kind, variants)"
            " SELECT '57', 'Муниципалитет ' || g, 'municipal_district', '[]'"
            " FROM generate_series(1, 40) g"
        )
    )
    connection.execute(
        text(
            "INSERT INTO source (kind, name, target, hot, params, enabled, status,"
            " consecutive_failures, posts_fetched, created_at)"
            " SELECT 'vk_wall', 'Сообщество ' || g, '-' || g, false, '{}', true, 'ok', 0, 0, now()"
            " FROM generate_series(1, 50) g"
        )
    )


def _posts(connection: Any, start: int, stop: int) -> None:
    texts = "ARRAY[" + ", ".join(f"'{t}'" for t in TEXTS) + "]"
    connection.execute(
        text(
            "INSERT INTO post (external_id, kind, published_at, text, text_original, is_ad,"
            " attachments, raw, source_id, fetched_at, stage, review_status, priority, version,"
            " views)"
            f" SELECT g::text, 'post', now() - (g % 525600) * interval '1 minute',"
            f" ({texts})[1 + g % 10] || ' №' || g, ({texts})[1 + g % 10], false, '[]', '{{}}',"
            " 1 + g % 50, now(), 'triaged',"
            " CASE WHEN g % 10 < 3 THEN 'needs_review' WHEN g % 10 < 8 THEN 'auto_accepted'"
            " ELSE 'not_signal' END, random(), 1, (random() * 5000)::int"
            " FROM generate_series(CAST(:start AS integer), CAST(:stop AS integer)) g"
        ),
        {"start": start, "stop": stop},
    )


def _annotations(connection: Any, start: int, stop: int) -> None:
    categories = "ARRAY[" + ", ".join(f"'{c}'" for c in CATEGORIES) + "]"
    connection.execute(
        text(
            "INSERT INTO annotation (post_id, is_signal, signal_confidence, category_code,"
            " category_confidence, topic_code, topic_confidence, municipality_id,"
            " municipality_confidence, reasons, set_by, is_current, created_at)"
            f" SELECT id, true, random(), ({categories})[1 + id % 5], random(),"
            f" ({categories})[1 + id % 5] || '.main', random(), 1 + id % 40, random(), '{{}}',"
            " 'model', true, now() FROM post WHERE id BETWEEN :start AND :stop"
        ),
        {"start": start, "stop": stop},
    )


COUNT_WAITING = (
    "SELECT count(*) FROM post JOIN source ON source.id = post.source_id"
    " LEFT JOIN annotation ON annotation.post_id = post.id AND annotation.is_current"
    " WHERE post.review_status = 'needs_review'"
)


def timed(call: Callable[[], object], runs: int) -> float:
    """Median wall time in milliseconds over `runs` calls, after one warm-up call."""
    call()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def scenarios(total_pages: int) -> dict[str, tuple[QueueFilters, int]]:
    waiting = QueueFilters()
    return {
        "first page, no filter": (waiting, 1),
        "page 100, no filter": (waiting, 100),
        f"last page ({total_pages}), no filter": (waiting, total_pages),
        "first page, category + municipality": (
            QueueFilters(category_codes=("roads",), municipality_ids=(2,)),
            1,
        ),
        "first page, confidence 0.2–0.5": (
            QueueFilters(min_confidence=0.2, max_confidence=0.5),
            1,
        ),
        "first page, source filter": (QueueFilters(source_ids=(3, 4)), 1),
        "first page, full-text «прорвало трубу»": (QueueFilters(text="прорвало трубу"), 1),
    }


def measure(engine: Engine, *, runs: int) -> list[tuple[str, str, float]]:
    """Rows of (scenario, posts the page reports as matching, median ms)."""
    rows = []
    with Session(engine) as session:
        waiting = int(session.execute(text(COUNT_WAITING)).scalar_one())
        last_page = max((waiting + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        for name, (filters, page) in scenarios(last_page).items():
            result = review_queue(session, filters=filters, page=page, page_size=PAGE_SIZE)
            ms = timed(
                lambda f=filters, p=page: review_queue(
                    session, filters=f, page=p, page_size=PAGE_SIZE
                ),
                runs,
            )
            shown = f"{result.total:,}" + ("" if result.total_is_exact else "+ (capped)")
            rows.append((name, shown, ms))
            if page > 1:  # the same page after the previous one's last post (keyset)
                before = review_queue(session, filters=filters, page=page - 1, page_size=PAGE_SIZE)
                cursor = before.next_cursor
                keyset = review_queue(
                    session, filters=filters, page=page, page_size=PAGE_SIZE, after=cursor
                )
                assert [i.post_id for i in keyset.items] == [i.post_id for i in result.items]
                ms = timed(
                    lambda f=filters, p=page, c=cursor: review_queue(
                        session, filters=f, page=p, page_size=PAGE_SIZE, after=c
                    ),
                    runs,
                )
                rows.append((f"{name}, keyset (after page {page - 1}'s last post)", shown, ms))
        first = review_queue(session, filters=QueueFilters(), page=1, page_size=PAGE_SIZE)
        ids = [item.post_id for item in first.items]
        marked = len(answered_post_ids(session, post_ids=ids))
        markers = timed(lambda: answered_post_ids(session, post_ids=ids), runs)
        rows.append(("the list's «Ответ» markers, first page (one query)", f"{marked}", markers))
        counting = timed(
            lambda: session.execute(text(COUNT_WAITING)).scalar_one(),
            runs,
        )
        rows.append(("reference: an exact count(*) of the waiting posts", f"{waiting:,}", counting))
        baseline = timed(
            lambda: pd.read_sql(
                "SELECT p.*, a.* FROM post p LEFT JOIN annotation a"
                " ON a.post_id = p.id AND a.is_current WHERE p.review_status = 'needs_review'",
                session.connection(),
            ),
            1,
        )
        rows.append(("baseline: every waiting post into pandas", f"{waiting:,}", baseline))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep an already filled database")
    args = parser.parse_args()
    if args.reuse:
        engine = make_engine(database_url())
    else:
        engine = make_engine(create_database())
        began = time.perf_counter()
        fill(engine, posts=args.posts)
        print(f"filled {args.posts:,} posts in {time.perf_counter() - began:.0f} s")
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM post")).scalar_one()
    print(f"\n{count:,} posts; page size {PAGE_SIZE}; median of {args.runs} runs\n")
    print("| query | matching posts | median ms |\n| --- | ---: | ---: |")
    for name, shown, ms in measure(engine, runs=args.runs):
        print(f"| {name} | {shown} | {ms:,.1f} |")
    engine.dispose()


if __name__ == "__main__":
    main()
