"""Pipeline fixtures: a seeded test database the process settings point at, and rq on Redis."""

from collections.abc import Iterator

import pytest
from redis import Redis
from sqlalchemy import Engine
from sqlmodel import Session

from nlp.seed import seed_reference_data
from otklik.runtime import get_engine
from otklik.settings import get_settings
from tests.conftest import REDIS_URL


@pytest.fixture
def seeded(configured: str) -> Engine:
    """The configured test database with the taxonomy and the gazetteer loaded."""
    engine = get_engine()
    settings = get_settings()
    with Session(engine) as session:
        seed_reference_data(session, data_dir=settings.data_dir, region_code=settings.region_code)
    return engine


@pytest.fixture
def on_redis(
    configured: str, redis_conn: Redis, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Redis]:
    """Settings pointing at the test Redis: the pipeline goes through rq."""
    monkeypatch.setenv("OTKLIK_REDIS_URL", REDIS_URL)
    monkeypatch.setenv("OTKLIK_JOB_RETRY_INTERVAL_SECONDS", "0")
    get_settings.cache_clear()
    yield redis_conn
    get_settings.cache_clear()
