"""How long does a moderator take to dismiss a news post's chatter in the queue?

    PYTHONPATH=. .venv/bin/python -m benchmarks.whole_thread \\
        [--comments 150] [--others 300] [--rounds 3] [--postgres] [--before DIR]

Builds a fresh database (SQLite in a temporary folder, or with --postgres the database
`otklik_bench_thread` on the server of `OTKLIK_TEST_POSTGRES_URL`): one news post with
`--comments` waiting comments under it and `--others` waiting posts elsewhere. Then, in
Streamlit's AppTest (the page's own script, no browser), signed in as a moderator:
- opens the queue narrowed to that thread (`?thread=`) and times the page's run, then 15
  reruns (the median), and counts the SQL statements of one more;
- clicks «Все … в ветке — не сигналы» (and «Да, решить» when asked) until the thread is
  empty, counting the clicks and timing them all; checks the database: every comment
  decided, every other post still waiting.

`--before DIR` runs the same script, round after round alternating, in another source tree
(say `git archive main | tar -x -C /tmp/before`; this file is copied into it), so both trees
see the same machine load. Prints a Markdown table of medians.
"""

import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, event, func, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from benchmarks.alternating import alternate, table
from models.annotation import Annotation
from models.db import make_engine
from models.geo import Municipality
from models.post import Post, PostKind, ReviewStatus, ThreadPosition
from models.source import Source, SourceKind
from models.taxonomy import Category, Topic
from models.user import Role
from otklik import migrate
from otklik.settings import get_settings
from triage.accounts import create_user

ROOT = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get(
    "OTKLIK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DATABASE = "otklik_bench_thread"
USERNAME, PASSWORD = "bench-moderator", "bench-moderator-password"
NEWS = "-1_500"
RERUNS = 15
MAX_CLICKS = 50
TIMEOUT = 120
MEASURES = {
    "open_ms": "queue narrowed to the thread, first run, ms",
    "rerun_ms": "the same page rerun, median ms",
    "statements": "SQL statements of one rerun",
    "clicks": "clicks to decide the whole thread",
    "decide_ms": "those clicks, total ms",
}


def seed(engine: Engine, *, comments: int, others: int) -> None:
    """A moderator, the taxonomy's one topic, and the waiting posts (each annotated)."""
    with Session(engine, expire_on_commit=False) as session:
        create_user(session, username=USERNAME, password=PASSWORD, role=Role.MODERATOR)
        water = Topic(code="zhkh.water", category_code="zhkh", name="Водоснабжение")
        session.add_all([Category(code="zhkh", name="ЖКХ", position=1), water])
        place = Municipality(region_code="57", name="Краснокамский городской округ")
        source = Source(kind=SourceKind.VK_WALL, name="Новости", target="-1")
        session.add_all([place, source])
        session.flush()
        start = datetime.now(UTC) - timedelta(days=1)
        posts = [_post(source.id or 0, f"{NEWS}_{n}", NEWS, start, n) for n in range(comments)]
        posts += [_post(source.id or 0, f"-1_{900 + n}", None, start, n) for n in range(others)]
        session.add_all(posts)
        session.flush()
        session.add_all(
            Annotation(post_id=post.id or 0, signal_confidence=0.6, category_code="zhkh",
                       category_confidence=0.6, topic_code="zhkh.water", topic_confidence=0.5,
                       municipality_id=place.id, municipality_confidence=0.9)
            for post in posts
        )  # fmt: skip
        session.commit()


def _post(source_id: int, key: str, parent: str | None, start: datetime, n: int) -> Post:
    return Post(
        source_id=source_id,
        external_id=key,
        text=f"запись {n}",
        text_original=f"запись {n}",
        kind=PostKind.COMMENT if parent else PostKind.POST,
        thread_position=ThreadPosition.COMMENT if parent else ThreadPosition.POST,
        parent_external_id=parent,
        review_status=ReviewStatus.NEEDS_REVIEW,
        priority=float(n % 3),
        published_at=start + timedelta(minutes=n),
        raw={},
    )


def signed_in() -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=TIMEOUT).run()
    app.text_input(key="login_username").input(USERNAME)
    app.text_input(key="login_password").input(PASSWORD)
    return app.button(key="login_submit").click().run()


def press(app: AppTest, key: str) -> bool:
    """Click the button `key` if the page shows it."""
    try:
        button = app.button(key=key)
    except KeyError:
        return False
    button.click().run()
    return True


def count_statements(app: AppTest) -> int:
    """How many SQL statements one run of the page sends (whatever the machine's load)."""
    sent: list[str] = []

    def note(*args: object) -> None:
        sent.append(str(args[2]))

    event.listen(Engine, "before_cursor_execute", note)
    try:
        app.run()
    finally:
        event.remove(Engine, "before_cursor_execute", note)
    return len(sent)


def measure(url: str) -> dict[str, float]:
    """One round on the seeded database at `url`."""
    engine = make_engine(url)
    with Session(engine) as session:
        source_id = session.exec(select(Source.id)).one()
    app = signed_in()
    app.query_params["thread"] = f"{source_id}:{NEWS}"
    started = time.perf_counter()
    app.switch_page("screens/queue.py").run()
    opened = (time.perf_counter() - started) * 1000
    reruns = []
    for _ in range(RERUNS):
        started = time.perf_counter()
        app.run()
        reruns.append((time.perf_counter() - started) * 1000)
    statements = count_statements(app)
    clicks, started = 0, time.perf_counter()
    while clicks < MAX_CLICKS and (press(app, "q_rest_yes") or press(app, "q_rest_no")):
        assert not app.exception, app.exception
        clicks += 1
    decided = (time.perf_counter() - started) * 1000
    with Session(engine) as session:
        waiting = session.exec(
            select(col(Post.parent_external_id).is_(None), func.count())
            .where(Post.review_status == ReviewStatus.NEEDS_REVIEW)
            .group_by(col(Post.parent_external_id).is_(None))
        ).all()
    engine.dispose()
    assert dict(waiting).get(False, 0) == 0, f"comments left undecided: {waiting}"
    return {"open_ms": opened, "rerun_ms": statistics.median(reruns),
            "statements": statements, "clicks": clicks, "decide_ms": decided}  # fmt: skip


def fresh_database(postgres: bool, folder: Path) -> str:
    if not postgres:
        url = f"sqlite:///{folder / 'bench.db'}"
    else:
        admin = make_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
        admin.dispose()
        url = make_url(ADMIN_URL).set(database=DATABASE).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


def one_round(args: argparse.Namespace) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        url = fresh_database(args.postgres, Path(folder))
        engine = make_engine(url)
        seed(engine, comments=args.comments, others=args.others)
        engine.dispose()
        os.environ["OTKLIK_DATABASE_URL"] = url
        os.environ["OTKLIK_MODEL_DIR"] = str(Path(folder) / "models")
        os.environ.pop("OTKLIK_REDIS_URL", None)
        get_settings.cache_clear()
        return measure(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=150)
    parser.add_argument("--others", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--before", type=Path, help="another source tree, measured alternately")
    parser.add_argument("--one-round", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_round:
        print(json.dumps(one_round(args)))
        return
    options = ["--comments", str(args.comments), "--others", str(args.others)]
    options += ["--postgres"] if args.postgres else []
    runs = alternate(Path(__file__), options, before=args.before, rounds=args.rounds)
    print(table(runs, MEASURES))


if __name__ == "__main__":
    main()
