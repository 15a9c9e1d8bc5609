"""What can go wrong with a source, in Otklik's terms (vendor errors are translated at the edge)."""

from enum import StrEnum


class FailureKind(StrEnum):
    RATE_LIMITED = "rate_limited"  # back off, retry later (VK 6/9/29, Telegram FloodWait)
    TRANSIENT = "transient"  # network or server trouble: back off, retry later
    BROKEN = "broken"  # bad credentials (VK 5): stop until an operator fixes it
    GONE = "gone"  # deleted, closed or private (VK 15/18/30)


class SourceFailure(Exception):
    """A crawl of one source cannot go on; `crawl_source` records it in the source's health."""

    def __init__(self, kind: FailureKind, message: str, *, wait_seconds: float = 0.0) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.wait_seconds = wait_seconds
