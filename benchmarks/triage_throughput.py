"""Triage throughput: `triage_posts` on N annotated posts, batches of 50, SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.triage_throughput --posts 600

Posts are spread over a few municipalities and categories, an hour apart in groups, so
open incidents pile up as in production; the real lemmatizer (`otklik.resources`) is used.
PostgreSQL: a scratch database `otklik_bench_triage` on the test server (dropped after).
"""

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlmodel import Session

from models.annotation import Annotation
from models.db import make_engine
from models.geo import Municipality
from models.post import PipelineStage, Post
from models.source import Source
from models.taxonomy import Category, Topic
from nlp.address import AddressParser
from nlp.annotator import address_key
from otklik.migrate import upgrade
from otklik.resources import lemmatize_text, lemmatizer
from triage.stage import triage_posts
from triage.thresholds import Thresholds

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_NAME = "otklik_bench_triage"
TOPICS = {
    "housing": ("housing_pipe_burst", ["прорвало трубу, течет вода в подвале", "нет горячей воды"]),
    "amenities": ("amenities_lighting", ["не горят фонари, темно", "сломан фонарь у остановки"]),
    "roads": ("roads_potholes", ["огромная яма на дороге", "разбитый асфальт, ямы на проезде"]),
}
STREETS = ["Ленина", "Мира", "Пушкина", "Гагарина", "Кирова", "Советская"]


def _words(rng: random.Random) -> str:
    letters = "абвгдежзиклмнопрстуфхцчшэюя"
    return " ".join("".join(rng.choices(letters, k=rng.randint(5, 9))) for _ in range(4))


def seed(session: Session, posts: int) -> list[int]:
    rng = random.Random(7)
    places = []
    for name in ("Пермь", "Кунгур", "Чайковский", "Соликамск"):
        row = Municipality(region_code="57", name=name)
        session.add(row)
        places.append(row)
    for code, (topic, _) in TOPICS.items():
        session.add(Category(code=code, name=code))
        session.flush()
        session.add(Topic(code=topic, category_code=code, name=topic, sla_hours=24))
    source = Source(kind="vk_wall", name="bench", target="bench")
    session.add(source)
    session.flush()
    start = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)
    addresses = AddressParser(lemmatizer())  # the keys the annotator would store
    ids = []
    for i in range(posts):
        code = rng.choice(list(TOPICS))
        topic, phrases = TOPICS[code]
        # half repeat a known problem, half are new ones: open incidents pile up
        problem = rng.choice(phrases) if rng.random() < 0.5 else _words(rng)
        place = f"на улице {rng.choice(STREETS)} {rng.randint(1, 40)}" if rng.random() < 0.5 else ""
        body = f"{problem} {place}, {i}"
        post = Post(
            source_id=source.id or 0,
            external_id=f"b{i}",
            text=body,
            text_original=body,
            published_at=start + timedelta(minutes=2 * i),
            stage=PipelineStage.ANNOTATED,
            search_lemmas=body,
            raw={},
        )
        session.add(post)
        session.flush()
        session.add(
            Annotation(
                post_id=post.id or 0,
                is_signal=rng.random() > 0.1,
                signal_confidence=0.9,
                category_code=code,
                category_confidence=0.9,
                topic_code=topic,
                topic_confidence=0.9,
                municipality_id=rng.choice(places).id,
                municipality_confidence=0.9,
                address_key=address_key(addresses.parse(body)),
                reasons={},
            )
        )
        ids.append(post.id or 0)
    session.commit()
    return ids


def run(url: str, posts: int, batch: int) -> float:
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        ids = seed(session, posts)
    started = time.perf_counter()
    with Session(engine) as session:
        for i in range(0, len(ids), batch):
            triage_posts(
                session,
                post_ids=ids[i : i + batch],
                thresholds=Thresholds(),
                lemmatize=lemmatize_text,
            )
    elapsed = time.perf_counter() - started
    engine.dispose()
    return posts / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=600)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()
    lemmatize_text("прогрев")  # load the lemmatizer outside the timing
    with tempfile.TemporaryDirectory() as folder:
        rate = run(f"sqlite:///{Path(folder) / 'bench.db'}", args.posts, args.batch)
        print(f"sqlite: {rate:.1f} posts/s")
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {PG_NAME}"))
        connection.execute(text(f"CREATE DATABASE {PG_NAME}"))
    try:
        rate = run(PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_NAME}", args.posts, args.batch)
        print(f"postgresql: {rate:.1f} posts/s")
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)"))
        admin.dispose()


if __name__ == "__main__":
    main()
