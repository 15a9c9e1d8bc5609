"""The one clock of the system: every "now" goes through here so tests can control time."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return _clock()


@contextmanager
def frozen_at(moment: datetime | Callable[[], datetime]) -> Iterator[None]:
    """Make `now()` return `moment` (or call it) inside the block."""
    global _clock
    previous = _clock
    _clock = moment if callable(moment) else (lambda: moment)
    try:
        yield
    finally:
        _clock = previous
