"""End-to-end load: a fake VK serving generated Russian walls → crawl → rq → annotate → triage.

    .venv/bin/python -m benchmarks.load --posts 1200 --workers 1,2,4

- A local fake VK server (http.server on 127.0.0.1) answers `wall.get` for generated walls
  that grow at a chosen rate. Only VK is fake: the crawl goes through the real `vk_api`
  client (its requests for https://api.vk.ru/method/... are sent to the local server by a
  transport adapter), `ingest.crawl.crawl_source` and `store_posts`.
- This process is the crawler (`otklik.crawls.run_crawl` with the Redis crawl lock), so
  new post ids go to the `nlp` queue exactly as a crawl job sends them; N worker processes
  (`otklik.worker.run_worker` on `nlp,triage`) annotate and triage them.
- Throughput: every post available at once; posts/s from the first fetch to the last post
  triaged. Latency: the walls grow at `--rate` posts/s, crawled every second; for each post,
  the time from `fetched_at` to the moment it is seen triaged (in the review queue), polled
  every 0.2 s. Baseline, same run: the in-process pipeline (no Redis, one process).
- PostgreSQL: a fresh database `otklik_bench_load` on the test server. Redis: a
  redis-server of the benchmark's own on a free port (or `--redis URL`, which is flushed).
"""

import argparse
import itertools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import requests
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from requests.adapters import HTTPAdapter
from rq import Worker
from sqlalchemy import Engine, select, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from benchmarks import cpu
from ingest.clients import Clients, CrawlLimits
from ingest.sources import get_or_create_source
from ingest.vk.client import make_vk_api
from models.db import make_engine
from models.post import PipelineStage, Post
from models.source import SourceCreate
from nlp.seed import seed_reference_data
from otklik import migrate, resources, runtime
from otklik.crawl_guard import database_guard, redis_guard
from otklik.crawls import run_crawl
from otklik.pipeline import InProcessPipeline, RqPipeline
from otklik.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
_OWNER_IDS = itertools.count(100_001)
DATABASE = "otklik_bench_load"
PLACES = [
    "Перми",
    "Краснокамске",
    "Березниках",
    "Соликамске",
    "Чусовом",
    "Лысьве",
    "Кунгуре",
    "Чайковском",
    "Добрянке",
    "Нытве",
    "Осе",
    "Губахе",
]
STREETS = [
    "Ленина",
    "Мира",
    "Гагарина",
    "Советской",
    "Комсомольской",
    "Пушкина",
    "Кирова",
    "Строителей",
    "Победы",
    "Садовой",
]
PROBLEMS = [
    "огромная яма на дороге, машины бьют колёса",
    "третий день нет горячей воды",
    "в квартирах холодно, батареи еле тёплые",
    "не вывозят мусор, контейнеры переполнены",
    "не горят фонари, вечером темно",
    "автобус не пришёл ни разу за утро",
    "прорвало трубу, вода течёт по улице",
    "сосульки висят над входом в подъезд",
    "во дворе не чистят снег, не пройти",
    "отключили свет без предупреждения",
]
NOISE = [
    "Продаю диван недорого, самовывоз",
    "Спасибо коммунальщикам за быструю работу!",
    "Поздравляем всех с праздником!",
    "Ищу репетитора по математике",
]


def generated_text(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return rng.choice(NOISE)
    return (
        f"В {rng.choice(PLACES)} на улице {rng.choice(STREETS)}, дом {rng.randint(1, 120)} "
        f"{rng.choice(PROBLEMS)}. Сколько можно ждать?"
    )


@dataclass
class Wall:
    """A community wall that grows at `rate` posts a second up to `total` posts."""

    owner_id: int
    total: int
    rate: float | None  # None: everything is there from the start
    started: float
    texts: list[str]

    def visible(self) -> int:
        if self.rate is None:
            return self.total
        return min(self.total, int((time.monotonic() - self.started) * self.rate))

    def page(self, offset: int, count: int) -> dict[str, Any]:
        visible = self.visible()
        newest_first = range(visible, 0, -1)
        items = [self.item(post_id) for post_id in list(newest_first)[offset : offset + count]]
        return {"count": visible, "items": items}

    def item(self, post_id: int) -> dict[str, Any]:
        return {
            "id": post_id,
            "owner_id": self.owner_id,
            "from_id": self.owner_id,
            "date": 1_790_000_000 + post_id * 7,
            "post_type": "post",
            "text": self.texts[post_id - 1],
            "attachments": [],
            "comments": {"count": 0},
            "likes": {"count": post_id % 17},
            "reposts": {"count": post_id % 3},
            "views": {"count": 100 + post_id},
            "marked_as_ads": 0,
        }


class FakeVk(ThreadingHTTPServer):
    walls: dict[int, Wall]


class FakeVkHandler(BaseHTTPRequestHandler):
    server: FakeVk

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        values = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if self.path.endswith("/groups.getById"):  # asked once per source, for its role
            group = {"id": int(values["group_id"]), "name": "Бенчмарк", "is_closed": 0}
            page: Any = {"groups": [{**group, "screen_name": "bench"}], "profiles": []}
        else:
            wall = self.server.walls[int(values["owner_id"])]
            page = wall.page(int(values.get("offset", 0)), int(values.get("count", 20)))
        body = json.dumps({"response": page}, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


class ToLocalVk(HTTPAdapter):
    """Sends vk_api's https://api.vk.ru/method/... requests to the local fake server."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        request.url = (request.url or "").replace("https://api.vk.ru", self.base)
        return super().send(request, **kwargs)


@contextmanager
def fake_vk() -> Iterator[FakeVk]:
    server = FakeVk(("127.0.0.1", 0), FakeVkHandler)
    server.walls = {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()


def clients_for(server: FakeVk) -> Clients:
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def vk() -> Any:
        session = requests.Session()
        session.mount("https://api.vk.ru", ToLocalVk(base))
        return make_vk_api(token="bench-token", rps_delay=0, session=session)

    return Clients(vk=vk, limits=CrawlLimits(pages_per_run=1000))


@contextmanager
def own_redis(url: str | None) -> Iterator[tuple[str, int | None]]:
    """The given Redis, or a throw-away redis-server on a free port (nothing else is flushed);
    with the server's pid when it is our own (for its CPU figure)."""
    if url:
        yield url, None
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory() as directory:
        server = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", directory],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            own = f"redis://127.0.0.1:{port}/0"
            client = Redis.from_url(own)
            for _ in range(100):
                with suppress(RedisConnectionError):
                    client.ping()
                    break
                time.sleep(0.1)
            yield own, server.pid
        finally:
            server.terminate()
            server.wait(timeout=30)


def fresh_database(admin_url: str, name: str) -> str:
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate.upgrade(engine)
    settings = get_settings()
    with Session(engine) as session:
        seed_reference_data(session, data_dir=settings.data_dir, region_code=settings.region_code)
    engine.dispose()
    return url


def add_walls(
    engine: Engine, server: FakeVk, *, sources: int, per_source: int, rate: float | None, tag: str
) -> list[int]:
    rng = random.Random(tag)
    server.walls.clear()
    ids = []
    per_wall_rate = rate / sources if rate else None
    started = time.monotonic()
    with Session(engine) as session:
        for number in range(sources):
            owner = -next(_OWNER_IDS)
            texts = [generated_text(rng) for _ in range(per_source)]
            server.walls[owner] = Wall(owner, per_source, per_wall_rate, started, texts)
            source = get_or_create_source(
                session,
                source=SourceCreate(kind="vk_wall", name=f"{tag} {number}", target=str(owner)),
            )
            session.commit()
            ids.append(source.id or 0)
    return ids


def start_workers(
    count: int, env: dict[str, str], queues: str = "nlp,triage"
) -> list[subprocess.Popen[bytes]]:
    code = (
        "import os; from otklik.queues import parse_queue_names; "
        "from otklik.worker import run_worker; "
        "run_worker(redis_url=os.environ['OTKLIK_REDIS_URL'], "
        f"queues=parse_queue_names({queues!r}), burst=False, name=None)"
    )
    return [
        subprocess.Popen(
            [sys.executable, "-c", code],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


def wait_for_workers(redis: Redis, count: int) -> None:
    deadline = time.monotonic() + 300
    while len(Worker.all(connection=redis)) < count:
        if time.monotonic() > deadline:
            raise RuntimeError("workers did not start")
        time.sleep(0.2)


def triaged_since(engine: Engine, seen: dict[int, float], source_ids: list[int]) -> None:
    """Record the first time each post is seen triaged, with its fetch-to-queue latency."""
    observed = time.time()
    with Session(engine) as session:
        rows = session.execute(
            select(Post.id, Post.fetched_at).where(
                Post.stage == PipelineStage.TRIAGED,
                Post.source_id.in_(source_ids),  # type: ignore[attr-defined]
            )
        ).all()
    for post_id, fetched_at in rows:
        if post_id not in seen:
            seen[post_id] = observed - fetched_at.timestamp()


def crawl_all(
    engine: Engine, source_ids: list[int], clients: Clients, guard: Any, pipeline: Any
) -> int:
    fetched = 0
    for source_id in source_ids:
        report = run_crawl(
            engine,
            source_id=source_id,
            clients=clients,
            lemmatize=resources.lemmatize_text,
            guard=guard,
            pipeline=pipeline,
        )
        fetched += report.new
    return fetched


def run_rq(
    engine: Engine,
    server: FakeVk,
    redis: Redis,
    *,
    workers: int,
    posts: int,
    sources: int,
    rate: float | None,
    env: dict[str, str],
    tag: str,
    redis_pid: int | None,
    queues: str,
) -> dict[str, Any]:
    """One measured run on rq with `workers` worker processes."""
    redis.flushdb()
    procs = start_workers(workers, env, queues)
    try:
        wait_for_workers(redis, workers)
        source_ids = add_walls(
            engine, server, sources=sources, per_source=posts // sources, rate=rate, tag=tag
        )
        total = (posts // sources) * sources
        clients = clients_for(server)
        guard = redis_guard(redis, ttl_seconds=600)
        pipeline = RqPipeline(connection=redis, batch_size=get_settings().pipeline_batch_size)
        seen: dict[int, float] = {}
        fetched = 0
        pids = [proc.pid for proc in procs]
        cpu_before = cpu.sample(pids, redis_pid)
        start = time.time()
        next_crawl = 0.0
        while len(seen) < total:
            if fetched < total and time.monotonic() >= next_crawl:
                next_crawl = time.monotonic() + 1.0
                fetched += crawl_all(engine, source_ids, clients, guard, pipeline)
            triaged_since_ids = len(seen)
            triaged_since(engine, seen, source_ids)
            if time.time() - start > 1800:
                raise RuntimeError(f"gave up: {len(seen)} of {total} triaged")
            if len(seen) == triaged_since_ids:
                time.sleep(0.2)
        elapsed = time.time() - start
        used = cpu.sample(pids, redis_pid).minus(cpu_before)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)
    latencies = sorted(seen.values())
    return {
        "workers": workers,
        "posts": total,
        "rate": rate,
        "seconds": round(elapsed, 1),
        "posts_per_second": round(total / elapsed, 1),
        "latency_median_s": round(statistics.median(latencies), 2),
        "latency_p95_s": round(latencies[int(len(latencies) * 0.95) - 1], 2),
        "cpu_ms_per_post": used.per_post_ms(total),
    }


def run_in_process(engine: Engine, server: FakeVk, *, posts: int, sources: int) -> dict[str, Any]:
    source_ids = add_walls(
        engine, server, sources=sources, per_source=posts // sources, rate=None, tag="baseline"
    )
    total = (posts // sources) * sources
    pipeline = InProcessPipeline(
        engine=engine, annotator=resources.annotator, triage_tools=resources.triage_tools
    )
    cpu_before = cpu.sample([], None)
    start = time.time()
    crawl_all(
        engine, source_ids, clients_for(server), database_guard(engine, ttl_seconds=600), pipeline
    )
    elapsed = time.time() - start
    used = cpu.sample([], None).minus(cpu_before)
    return {
        "workers": "in-process",
        "posts": total,
        "seconds": round(elapsed, 1),
        "posts_per_second": round(total / elapsed, 1),
        "cpu_ms_per_post": used.per_post_ms(total),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=1200, help="posts per throughput run")
    parser.add_argument("--sources", type=int, default=12)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument(
        "--queues", default="triage,nlp", help="the workers' queues, in priority order"
    )
    parser.add_argument(
        "--latency-seconds",
        type=int,
        default=40,
        help="length of the latency run (walls growing at half the best rate)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "OTKLIK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument(
        "--redis",
        default=None,
        help="Redis URL (flushed!); default: a redis-server of its own on a free port",
    )
    args = parser.parse_args()
    with own_redis(args.redis) as (redis_url, redis_pid):
        measure(args, redis_url, redis_pid)


def measure(args: argparse.Namespace, redis_url: str, redis_pid: int | None) -> None:
    """Each run on a fresh, seeded database, so no run pays for the posts of the one before."""
    url = fresh_database(args.postgres, DATABASE)
    env = {
        **os.environ,
        "OTKLIK_DATABASE_URL": url,
        "OTKLIK_REDIS_URL": redis_url,
        "OTKLIK_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    get_settings.cache_clear()
    resources.clear()
    redis = Redis.from_url(redis_url)
    results = []
    with fake_vk() as server:
        resources.annotator()  # loaded once, outside the timing, as a worker does at start
        with fresh_engine(args.postgres) as engine:
            results.append(run_in_process(engine, server, posts=args.posts, sources=args.sources))
        print(json.dumps(results[-1]), flush=True)
        for count in [int(n) for n in args.workers.split(",")]:
            with fresh_engine(args.postgres) as engine:
                result = run_rq(engine, server, redis, workers=count, posts=args.posts,
                                sources=args.sources, rate=None, env=env,
                                tag=f"max{count}", redis_pid=redis_pid,
                                queues=args.queues)  # fmt: skip
            results.append(result)
            print(json.dumps(result), flush=True)
        best = max(results[1:], key=lambda r: r["posts_per_second"])
        rate = round(best["posts_per_second"] / 2, 1)
        with fresh_engine(args.postgres) as engine:
            latency = run_rq(engine, server, redis, workers=best["workers"],
                             posts=int(rate * args.latency_seconds), sources=args.sources,
                             rate=rate, env=env, tag="latency", redis_pid=redis_pid,
                             queues=args.queues)  # fmt: skip
        print(json.dumps(latency), flush=True)
    print(f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", flush=True)


@contextmanager
def fresh_engine(admin_url: str) -> Iterator[Engine]:
    runtime.engine_for.cache_clear()
    fresh_database(admin_url, DATABASE)
    engine = runtime.get_engine()
    try:
        yield engine
    finally:
        engine.dispose()
        runtime.engine_for.cache_clear()


if __name__ == "__main__":
    main()
