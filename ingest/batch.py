"""Import a stream of raw records: each becomes stored posts or a quarantine entry."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlmodel import Session

from ingest.rejection import Rejected
from models.post import PostCreate
from models.post_store import store_posts
from models.quarantine import quarantine

COMMIT_EVERY = 500


@dataclass(frozen=True)
class RawRecord:
    """One unit of input exactly as it arrived, and where it came from (file:line, URL)."""

    raw: bytes
    origin: str


@dataclass
class ImportResult:
    new_ids: list[int] = field(default_factory=list)
    known: int = 0
    quarantined: int = 0

    @property
    def new(self) -> int:
        return len(self.new_ids)

    def summary(self) -> str:
        return f"new: {self.new}, already known: {self.known}, quarantined: {self.quarantined}"


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
            pending.extend(adapt(record.raw))
        except (Rejected, ValidationError, UnicodeDecodeError) as error:
            quarantine(
                session,
                stage="ingest",
                reason=_reason(error),
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


def _reason(error: Exception) -> str:
    if isinstance(error, Rejected):
        return error.reason
    if isinstance(error, ValidationError):
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {e['msg']}" for e in error.errors()
        )
        return f"invalid record: {problems}"
    return f"not UTF-8: {error}"
