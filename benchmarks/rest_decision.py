"""How long does «Все в ветке — не сигналы» (or «— подтвердить») take on a thousand posts?

    PYTHONPATH=. .venv/bin/python -m benchmarks.rest_decision \\
        [--posts 1000] [--per-incident 10] [--rounds 3] [--postgres] [--before DIR]

Builds a fresh database (SQLite in a temporary folder, or with --postgres the database
`otklik_bench_rest` on the server of `OTKLIK_TEST_POSTGRES_URL`): one news post's thread of
`--posts` waiting comments, each a signal, grouped `--per-incident` to an incident (titled
after its first). Then decides the whole thread as the console's «Да, решить» does — one
`triage.moderation.review_each` call with a decision per post, at the version read — and
times it, counting its SQL statements; checks every post decided. Once with «Не сигнал»
(every incident emptied and closed), once, on a fresh database, with «Подтвердить».

`--before DIR` runs the same script, round after round alternating, in another source tree
(say `git archive main | tar -x -C /tmp/before`; this file is copied into it), so both trees
see the same machine load. Prints a Markdown table of medians.
"""

import argparse
import json
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, event, func, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from benchmarks.alternating import alternate, table
from models.annotation import Annotation
from models.db import make_engine
from models.geo import Municipality
from models.incident import Incident, IncidentPost
from models.post import Post, PostKind, ReviewStatus, ThreadPosition
from models.source import Source, SourceKind
from models.taxonomy import Category, Topic
from otklik import migrate
from triage.moderation import Decision, review_each

ROOT = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get(
    "OTKLIK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DATABASE = "otklik_bench_rest"
NEWS = "-1_500"
MEASURES = {
    "not_signal_ms": "«Не сигнал» on the whole thread, ms",
    "not_signal_statements": "its SQL statements",
    "confirm_ms": "«Подтвердить» on the whole thread, ms",
    "confirm_statements": "its SQL statements",
}


def seed(engine: Engine, *, posts: int, per_incident: int) -> None:
    """The taxonomy's one topic, the thread's annotated posts and their incidents."""
    with Session(engine, expire_on_commit=False) as session:
        water = Topic(code="zhkh.water", category_code="zhkh", name="Водоснабжение")
        session.add_all([Category(code="zhkh", name="ЖКХ", position=1), water])
        place = Municipality(region_code="57", name="Краснокамский городской округ")
        source = Source(kind=SourceKind.VK_WALL, name="Новости", target="-1")
        session.add_all([place, source])
        session.flush()
        start = datetime.now(UTC) - timedelta(days=1)
        rows = [_post(source.id or 0, start, n) for n in range(posts)]
        session.add_all(rows)
        session.flush()
        session.add_all(
            Annotation(post_id=post.id or 0, signal_confidence=0.6, category_code="zhkh",
                       category_confidence=0.6, topic_code="zhkh.water", topic_confidence=0.5,
                       municipality_id=place.id, municipality_confidence=0.9)
            for post in rows
        )  # fmt: skip
        for first in range(0, posts, per_incident):
            _incident(session, rows[first : first + per_incident], place.id or 0)
        session.commit()


def _post(source_id: int, start: datetime, n: int) -> Post:
    return Post(
        source_id=source_id,
        external_id=f"{NEWS}_{n}",
        text=f"запись {n}: в доме {n} нет воды",
        text_original=f"запись {n}: в доме {n} нет воды",
        kind=PostKind.COMMENT,
        thread_position=ThreadPosition.COMMENT,
        parent_external_id=NEWS,
        review_status=ReviewStatus.NEEDS_REVIEW,
        priority=float(n % 3),
        published_at=start + timedelta(minutes=n),
        raw={},
    )


def _incident(session: Session, members: list[Post], municipality_id: int) -> None:
    incident = Incident(title=members[0].text, category_code="zhkh", topic_code="zhkh.water",
                        municipality_id=municipality_id, post_count=len(members),
                        first_post_at=members[0].published_at,
                        last_post_at=members[-1].published_at)  # fmt: skip
    session.add(incident)
    session.flush()
    session.add_all(
        IncidentPost(post_id=post.id or 0, incident_id=incident.id or 0, reason={"rule": "new"},
                     attached_by="pipeline")
        for post in members
    )  # fmt: skip


def decide(engine: Engine, *, is_signal: bool) -> tuple[float, int]:
    """The whole thread decided in one call: milliseconds and SQL statements."""
    sent: list[str] = []

    def note(*args: object) -> None:
        sent.append(str(args[2]))

    with Session(engine) as session:
        found = session.exec(select(Post.id, Post.version).order_by(Post.id)).all()
        decisions = [
            Decision(post_id or 0, version, is_signal=is_signal) for post_id, version in found
        ]
        event.listen(engine, "before_cursor_execute", note)
        started = time.perf_counter()
        done = review_each(session, decisions=decisions, actor="bench", user_id=None)
        elapsed = (time.perf_counter() - started) * 1000
        event.remove(engine, "before_cursor_execute", note)
        waiting = session.exec(
            select(func.count()).where(Post.review_status == ReviewStatus.NEEDS_REVIEW)
        ).one()
    assert len(done.decided) == len(decisions) and waiting == 0, (done.skipped, waiting)
    return elapsed, len(sent)


def fresh_database(postgres: bool, folder: Path) -> str:
    if not postgres:
        path = folder / "bench.db"
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
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
    result: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, is_signal in (("not_signal", False), ("confirm", True)):
            engine = make_engine(fresh_database(args.postgres, Path(folder)))
            seed(engine, posts=args.posts, per_incident=args.per_incident)
            result[f"{name}_ms"], result[f"{name}_statements"] = decide(engine, is_signal=is_signal)
            engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--per-incident", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--before", type=Path, help="another source tree, measured alternately")
    parser.add_argument("--one-round", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_round:
        print(json.dumps(one_round(args)))
        return
    options = ["--posts", str(args.posts), "--per-incident", str(args.per_incident)]
    options += ["--postgres"] if args.postgres else []
    runs = alternate(Path(__file__), options, before=args.before, rounds=args.rounds)
    print(table(runs, MEASURES))


if __name__ == "__main__":
    main()
