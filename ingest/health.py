"""A source's health: last success, last error, backoff with jitter."""

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from ingest.failures import FailureKind, SourceFailure
from models.clock import now
from models.source import Source, SourceStatus

_STATUS = {
    FailureKind.RATE_LIMITED: SourceStatus.BACKING_OFF,
    FailureKind.TRANSIENT: SourceStatus.BACKING_OFF,
    FailureKind.BROKEN: SourceStatus.BROKEN,
    FailureKind.GONE: SourceStatus.GONE,
}


def record_success(source: Source) -> None:
    """The source answered (a crawl) or was read (a file import). Its posts are counted as they
    are stored (`models.post_store`)."""
    source.status = SourceStatus.OK
    source.last_success_at = now()
    source.retry_after = None
    source.consecutive_failures = 0


def record_failure(
    source: Source,
    failure: SourceFailure,
    *,
    base_seconds: float,
    max_seconds: float,
    jitter: Callable[[], float] = random.random,
) -> datetime | None:
    """Mark the source; return when to retry (None: stopped until an operator acts)."""
    source.status = _STATUS[failure.kind]
    source.last_error_at = now()
    source.last_error = f"{failure.kind}: {failure.message}"[:1000]
    source.consecutive_failures += 1
    if source.status != SourceStatus.BACKING_OFF:
        source.retry_after = None
        return None
    delay = backoff_seconds(
        failures=source.consecutive_failures, base=base_seconds, cap=max_seconds, jitter=jitter()
    )
    source.retry_after = now() + timedelta(seconds=max(delay, failure.wait_seconds))
    return source.retry_after


def backoff_seconds(*, failures: int, base: float, cap: float, jitter: float) -> float:
    """Exponential backoff, capped, stretched by up to a quarter so sources do not sync up."""
    return min(cap, base * 2 ** max(failures - 1, 0)) * (1 + 0.25 * jitter)
