"""Requests per minute per API token (per client address without one).

A fixed one-minute window: in Redis when the deployment has one (shared by every API
process), else in this process's memory.
"""

import threading
import time
from collections.abc import Callable
from typing import Protocol

from redis import Redis

WINDOW_SECONDS = 60


class RateLimiter(Protocol):
    def hit(self, key: str) -> int | None:
        """Count one request; None if allowed, else the seconds until the window resets."""


class MemoryRateLimiter:
    def __init__(self, *, per_minute: int, clock: Callable[[], float] = time.time) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> int | None:
        at = self._clock()
        window = int(at // WINDOW_SECONDS)
        with self._lock:
            self._counts = {k: v for k, v in self._counts.items() if k[1] >= window}
            count = self._counts.get((key, window), 0) + 1
            self._counts[(key, window)] = count
        return None if count <= self.per_minute else _left(at)


class RedisRateLimiter:
    def __init__(
        self, connection: Redis, *, per_minute: int, clock: Callable[[], float] = time.time
    ) -> None:
        self.connection = connection
        self.per_minute = per_minute
        self._clock = clock

    def hit(self, key: str) -> int | None:
        at = self._clock()
        name = f"otklik:api-rate:{key}:{int(at // WINDOW_SECONDS)}"
        pipe = self.connection.pipeline()
        pipe.incr(name)
        pipe.expire(name, WINDOW_SECONDS * 2)
        count = int(pipe.execute()[0])
        return None if count <= self.per_minute else _left(at)


def _left(at: float) -> int:
    return max(1, int(WINDOW_SECONDS - at % WINDOW_SECONDS + 0.999))
