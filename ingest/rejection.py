"""The expected way for input to be refused: kept in quarantine with its reason."""


class Rejected(Exception):
    """Raised by an adapter for input it cannot turn into a post (not a bug: counted, kept)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Skipped(Exception):
    """Raised for input that is expected and not a post (a service message, a deleted post).

    Counted in `ImportResult.skipped` with its reason, never silently dropped, not
    quarantined.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def skipped_summary(skipped: int, reasons: dict[str, int]) -> str:
    """`skipped: 3 (comment without text: 2, sticker without text: 1)`."""
    detail = ", ".join(f"{reason}: {n}" for reason, n in sorted(reasons.items()))
    return f"skipped: {skipped} ({detail})" if detail else f"skipped: {skipped}"
