"""Registering and finding crawl sources."""

from sqlmodel import Session, select

from models.source import Source, SourceCreate


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
