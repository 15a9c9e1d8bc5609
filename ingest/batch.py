"""Import a stream of raw records: each becomes stored posts or a quarantine entry."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlmodel import Session

from ingest.rejection import Rejected, Skipped
from models.post import PostCreate
from models.post_store import store_posts
from models.quarantine import quarantine

COMMIT_EVERY = 500


@dataclass(frozen=True)
class RawRecord:
    """One unit of input exactly as it arrived, and where it came from (file:line, URL)."""

    raw: bytes
    origin: str
    # Set when the reader already knows the record is unusable (e.g. a truncated file's tail).
    refused: str | None = None


@dataclass
class ImportResult:
    new_ids: list[int] = field(default_factory=list)
    known: int = 0
    quarantined: int = 0
    skipped: int = 0

    @property
    def new(self) -> int:
        return len(self.new_ids)

    def add(self, other: "ImportResult") -> None:
        self.new_ids.extend(other.new_ids)
        self.known += other.known
        self.quarantined += other.quarantined
        self.skipped += other.skipped

    def summary(self) -> str:
        text = f"new: {self.new}, already known: {self.known}, quarantined: {self.quarantined}"
        return f"{text}, skipped: {self.skipped}" if self.skipped else text


Adapter = Callable[[bytes], list[PostCreate]]


def import_records(
    session: Session,
    *,
    source_id: int,
    records: Iterable[RawRecord],
    adapt: Adapter,
    lemmatize: Callable[[str], str] | None = None,
    on_record: Callable[[], None] | None = None,
) -> ImportResult:
    """Adapt and store every record, committing every `COMMIT_EVERY` posts.

    A record the adapter refuses (`Rejected`, or a `PostCreate` that fails validation) is
    quarantined with its raw bytes; the rest of the stream carries on. Any other exception
    is a bug and propagates.
    """
    result = ImportResult()
    pending: list[PostCreate] = []
    for record in records:
        try:
            if record.refused:
                raise Rejected(record.refused)
            pending.extend(adapt(record.raw))
        except Skipped:
            result.skipped += 1
        except (Rejected, ValidationError, UnicodeDecodeError) as error:
            quarantine(
                session,
                stage="ingest",
                reason=rejection_reason(error),
                raw=record.raw,
                source_id=source_id,
                origin=record.origin,
            )
            result.quarantined += 1
        if len(pending) >= COMMIT_EVERY:
            _flush(session, source_id, pending, lemmatize, result)
        if on_record:
            on_record()
    _flush(session, source_id, pending, lemmatize, result)
    return result


def _flush(
    session: Session,
    source_id: int,
    pending: list[PostCreate],
    lemmatize: Callable[[str], str] | None,
    result: ImportResult,
) -> None:
    stored = store_posts(session, source_id=source_id, posts=pending, lemmatize=lemmatize)
    result.new_ids.extend(stored.new_ids)
    result.known += stored.known
    pending.clear()
    session.commit()


def rejection_reason(error: Exception) -> str:
    """A readable reason for a refused record (our rejection, a validation error, bad bytes)."""
    if isinstance(error, Rejected):
        return error.reason
    if isinstance(error, ValidationError):
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {e['msg']}" for e in error.errors()
        )
        return f"invalid record: {problems}"
    return f"not UTF-8: {error}"
