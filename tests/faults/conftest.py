"""Fault tests: real PostgreSQL, real Redis, real worker processes that get killed.

Workers run as `otklik worker` subprocesses pointed at the test database and Redis through
the environment, exactly as they run in production.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import Engine
from sqlmodel import Session

from models.db import make_engine
from nlp.seed import seed_reference_data
from otklik.settings import get_settings
from tests.conftest import REDIS_URL, _truncate_all

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Stack:
    """The test's database and Redis, and the environment a worker process needs for them."""

    engine: Engine
    database_url: str
    redis_url: str
    redis: Redis
    model_dir: Path

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "OTKLIK_DATABASE_URL": self.database_url,
            "OTKLIK_REDIS_URL": self.redis_url,
            "OTKLIK_MODEL_DIR": str(self.model_dir),
            "OTKLIK_JOB_RETRY_INTERVAL_SECONDS": "0",
            "OTKLIK_LOG_LEVEL": "WARNING",
            **extra,
        }

    def start_worker(
        self, queues: str, *, burst: bool = False, **env: str
    ) -> subprocess.Popen[bytes]:
        """The `otklik worker` process (its function, without the CLI's imports), in its own
        process group, so a SIGKILL takes all of it."""
        code = (
            "import logging, os; logging.basicConfig(level=logging.WARNING); "
            "from otklik.queues import parse_queue_names; from otklik.worker import run_worker; "
            f"run_worker(redis_url=os.environ['OTKLIK_REDIS_URL'], "
            f"queues=parse_queue_names({queues!r}), burst={burst!r}, name=None)"
        )
        return subprocess.Popen(
            [sys.executable, "-c", code],
            env=self.env(**env),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a worker and everything it started; no clean-up of any kind runs."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def stack(
    postgres_url: str,
    redis_conn: Redis,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    """A seeded PostgreSQL test database and the test Redis; this process is pointed at them."""
    engine = make_engine(postgres_url)
    _truncate_all(engine)
    model_dir = tmp_path_factory.getbasetemp() / "fault-models"  # the cold-start model, cached
    monkeypatch.setenv("OTKLIK_DATABASE_URL", postgres_url)
    monkeypatch.setenv("OTKLIK_REDIS_URL", REDIS_URL)
    monkeypatch.setenv("OTKLIK_MODEL_DIR", str(model_dir))
    monkeypatch.setenv("OTKLIK_JOB_RETRY_INTERVAL_SECONDS", "0")
    _reset_process_state()
    settings = get_settings()
    with Session(engine) as session:
        seed_reference_data(session, data_dir=settings.data_dir, region_code=settings.region_code)
    yield Stack(engine, postgres_url, REDIS_URL, redis_conn, model_dir)
    engine.dispose()
    _reset_process_state()


def _reset_process_state() -> None:
    from otklik import resources, runtime

    get_settings.cache_clear()
    runtime.engine_for.cache_clear()
    resources.clear()


@dataclass
class RedisServer:
    """A redis-server of the test's own on a free port, to kill and restart."""

    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = Redis.from_url(self.url)
        wait_until(lambda: _answers(client), timeout=10, what="redis-server to start")
        client.close()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def _answers(client: Redis) -> bool:
    try:
        return bool(client.ping())
    except RedisConnectionError:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    assert shutil.which("redis-server"), "redis-server is needed for the Redis restart test"
    server = RedisServer(port=free_port(), directory=tmp_path)
    server.start()
    yield server
    server.kill()
