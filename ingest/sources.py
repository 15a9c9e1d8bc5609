"""Registering and finding crawl sources."""

from sqlmodel import Session, select

from models.source import Source, SourceCreate, SourceRole, SourceStatus


def get_or_create_source(session: Session, *, source: SourceCreate) -> Source:
    """The source with this kind and target, created if new. The caller commits."""
    existing = session.exec(
        select(Source).where(Source.kind == source.kind, Source.target == source.target)
    ).first()
    if existing:
        return existing
    created = Source.model_validate(source)
    session.add(created)
    session.flush()
    return created


def set_source_enabled(session: Session, *, source_id: int, enabled: bool) -> Source | None:
    """Switch a source off (its posts stay) or on again, clearing its failure state.

    Enabling is how an operator brings back a source after fixing its token (broken) or
    after a wall reopened (gone). Returns None for an unknown id. The caller commits.
    """
    source = session.get(Source, source_id)
    if source is None:
        return None
    source.enabled = enabled
    source.status = SourceStatus.OK if enabled else SourceStatus.DISABLED
    if enabled:
        source.retry_after = None
        source.consecutive_failures = 0
    session.add(source)
    return source


def set_source_role(session: Session, *, source_id: int, role: SourceRole) -> Source | None:
    """An operator's role for the source (no longer a guess). None for an unknown id; the
    caller commits."""
    source = session.get(Source, source_id)
    if source is None:
        return None
    source.role, source.role_guessed = role, False
    session.add(source)
    return source
