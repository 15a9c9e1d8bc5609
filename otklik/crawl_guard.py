"""A crawl of one source never runs twice at once.

On rq: a Redis lock per source with a TTL (a crawl killed with its worker frees the source
when the TTL ends). In-process: the same guarantee from a lease row in the database.
"""

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from redis import Redis
from sqlalchemy import Engine
from sqlmodel import Session

from models.lease import acquire_lease, release_lease


class CrawlGuard(Protocol):
    def __call__(self, source_id: int) -> AbstractContextManager[bool]: ...


def lock_name(source_id: int) -> str:
    return f"otklik:crawl:{source_id}"


def redis_guard(connection: Redis, *, ttl_seconds: int) -> CrawlGuard:
    @contextmanager
    def guard(source_id: int) -> Iterator[bool]:
        lock = connection.lock(lock_name(source_id), timeout=ttl_seconds, blocking=False)
        acquired = bool(lock.acquire(blocking=False))
        try:
            yield acquired
        finally:
            if acquired and lock.owned():
                lock.release()

    return guard


def database_guard(engine: Engine, *, ttl_seconds: int) -> CrawlGuard:
    @contextmanager
    def guard(source_id: int) -> Iterator[bool]:
        holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        name = lock_name(source_id)
        with Session(engine) as session:
            acquired = acquire_lease(session, name=name, holder=holder, ttl_seconds=ttl_seconds)
        try:
            yield acquired
        finally:
            if acquired:
                with Session(engine) as session:
                    release_lease(session, name=name, holder=holder)

    return guard


def guard_for(*, redis_url: str | None, engine: Engine, ttl_seconds: int) -> CrawlGuard:
    """The lock the deployment's crawls take: Redis when configured, else the database."""
    if redis_url:
        return redis_guard(Redis.from_url(redis_url), ttl_seconds=ttl_seconds)
    return database_guard(engine, ttl_seconds=ttl_seconds)
