"""Requests per minute per token: in memory, in the real Redis, and as 429 over HTTP."""

from collections.abc import Iterator

import pytest
import requests
from redis import Redis
from sqlalchemy import Engine
from sqlmodel import Session

from otklik.api.app import ApiTools
from otklik.api.rate_limit import MemoryRateLimiter, RedisRateLimiter
from tests.api.conftest import serve
from tests.scope_world import build_world
from triage.api_tokens import issue_token
from triage.calendar import WorkCalendar


def test_memory_limiter_counts_per_key_and_per_minute() -> None:
    clock = [120.0]
    limiter = MemoryRateLimiter(per_minute=2, clock=lambda: clock[0])
    assert limiter.hit("a") is None
    assert limiter.hit("a") is None
    assert limiter.hit("a") == 60
    assert limiter.hit("b") is None  # another token has its own budget
    clock[0] = 150.0
    assert limiter.hit("a") == 30  # same minute: still refused, 30 s left
    clock[0] = 181.0
    assert limiter.hit("a") is None  # a new minute


@pytest.mark.redis
def test_redis_limiter_is_shared_by_every_process(redis_conn: Redis) -> None:
    # a stopped clock: the hits must not straddle a minute's boundary (a new window)
    first = RedisRateLimiter(redis_conn, per_minute=3, clock=lambda: 120.0)
    second = RedisRateLimiter(redis_conn, per_minute=3, clock=lambda: 130.0)  # another process
    assert [first.hit("t"), second.hit("t"), first.hit("t")] == [None, None, None]
    wait = second.hit("t")
    assert wait is not None and 1 <= wait <= 60
    assert first.hit("other") is None


@pytest.fixture
def limited_api(engine: Engine) -> Iterator[tuple[str, str, str]]:
    # a stopped clock: the four requests must not straddle a minute's boundary (a new window)
    with Session(engine, expire_on_commit=False) as session:
        world = build_world(session)
        one = issue_token(session, agency_id=world.perm_agency, actor="test").token
        two = issue_token(session, agency_id=world.kungur_agency, actor="test").token
        session.commit()
    tools = ApiTools(
        engine=engine,
        calendar=WorkCalendar(),
        limiter=MemoryRateLimiter(per_minute=3, clock=lambda: 120.0),
    )
    for url in serve(tools):
        yield url, one, two


def test_a_token_over_its_limit_gets_429_with_retry_after(
    limited_api: tuple[str, str, str],
) -> None:
    url, one, two = limited_api
    headers = {"Authorization": f"Bearer {one}"}
    codes = [
        requests.get(f"{url}/requests.json", headers=headers, timeout=10).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    refused = requests.get(f"{url}/requests.json", headers=headers, timeout=10)
    assert refused.json()[0]["reason"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    other = requests.get(
        f"{url}/requests.json", headers={"Authorization": f"Bearer {two}"}, timeout=10
    )
    assert other.status_code == 200
