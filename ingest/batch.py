"""Import a stream of raw records: each becomes stored posts or a quarantine entry."""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy import exc
from sqlmodel import Session

from ingest.health import record_success
from ingest.rejection import Rejected, Skipped, skipped_summary
from models.post import PostCreate
from models.post_store import store_posts
from models.quarantine import quarantine
from models.source import Source

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
    skip_reasons: Counter[str] = field(default_factory=Counter)  # reason -> records skipped

    @property
    def new(self) -> int:
        return len(self.new_ids)

    def add(self, other: "ImportResult") -> None:
        self.new_ids.extend(other.new_ids)
        self.known += other.known
        self.quarantined += other.quarantined
        self.skipped += other.skipped
        self.skip_reasons.update(other.skip_reasons)

    def summary(self) -> str:
        text = f"new: {self.new}, already known: {self.known}, quarantined: {self.quarantined}"
        skipped = skipped_summary(self.skipped, self.skip_reasons)
        return f"{text}, {skipped}" if self.skipped else text


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
    quarantined with its raw bytes; the rest of the stream carries on. When the database
    still refuses a batch, it is stored again record by record and the refused record is
    quarantined with the database's reason. Any other exception is a bug and propagates.
    The source's last success is the end of the import (its posts count as they are stored).
    """
    result = ImportResult()
    pending: list[tuple[RawRecord, list[PostCreate]]] = []
    waiting = 0
    for record in records:
        try:
            if record.refused:
                raise Rejected(record.refused)
            posts = adapt(record.raw)
            pending.append((record, posts))
            waiting += len(posts)
        except Skipped as skipped:
            result.skipped += 1
            result.skip_reasons[skipped.reason] += 1
        except (Rejected, ValidationError, UnicodeDecodeError) as error:
            _quarantine(session, source_id, record, rejection_reason(error))
            result.quarantined += 1
        if waiting >= COMMIT_EVERY:
            _flush(session, source_id, pending, lemmatize, result)
            waiting = 0
        if on_record:
            on_record()
    _flush(session, source_id, pending, lemmatize, result)
    if source := session.get(Source, source_id):
        record_success(source)
        session.commit()
    return result


# What the database says about one row it cannot take (a value out of its range, a byte it
# cannot store). A lost connection or a full disk is not the row's fault: it propagates.
_ROW_REFUSALS = (exc.DataError, exc.IntegrityError, exc.StatementError)
_NOT_THE_ROW = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.InternalError,
    exc.ProgrammingError,  # a bug in our SQL, not the row
)


def _flush(
    session: Session,
    source_id: int,
    pending: list[tuple[RawRecord, list[PostCreate]]],
    lemmatize: Callable[[str], str] | None,
    result: ImportResult,
) -> None:
    posts = [post for _, record_posts in pending for post in record_posts]
    try:
        with session.begin_nested():
            stored = store_posts(session, source_id=source_id, posts=posts, lemmatize=lemmatize)
    except _ROW_REFUSALS as error:
        if isinstance(error, _NOT_THE_ROW):
            raise
        _store_one_by_one(session, source_id, pending, lemmatize, result)
    else:
        result.new_ids.extend(stored.new_ids)
        result.known += stored.known
    pending.clear()
    session.commit()


def _store_one_by_one(
    session: Session,
    source_id: int,
    pending: list[tuple[RawRecord, list[PostCreate]]],
    lemmatize: Callable[[str], str] | None,
    result: ImportResult,
) -> None:
    """Each record in a savepoint of its own: the one the database refuses is quarantined."""
    for record, posts in pending:
        try:
            with session.begin_nested():
                stored = store_posts(session, source_id=source_id, posts=posts, lemmatize=lemmatize)
        except _ROW_REFUSALS as error:
            if isinstance(error, _NOT_THE_ROW):
                raise
            reason = f"refused by the database: {error.orig or error}"
            _quarantine(session, source_id, record, reason.splitlines()[0])
            result.quarantined += 1
        else:
            result.new_ids.extend(stored.new_ids)
            result.known += stored.known


def _quarantine(session: Session, source_id: int, record: RawRecord, reason: str) -> None:
    quarantine(
        session,
        stage="ingest",
        reason=reason,
        raw=record.raw,
        source_id=source_id,
        origin=record.origin,
    )


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
