"""Registering and finding crawl sources."""

from sqlmodel import Session, select

from models.source import Source, SourceCreate, SourceKind, SourceRole, SourceStatus


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


def page_dump_source(
    session: Session, *, kind: SourceKind, owner: str | None, name: str, path: str
) -> Source:
    """The one source of a VK page whose saved responses are imported file by file.

    A page's wall file and its comments file are one source, keyed by the page's VK owner id
    (`target`): the role guess and a thread's view see all of its items. A source an earlier
    import keyed by its file path is taken over (its target becomes the owner id). A file of
    several pages (a `newsfeed.search`) stays keyed by its path. The caller commits."""
    if owner is None:
        return get_or_create_source(session, source=SourceCreate(kind=kind, name=name, target=path))
    found = (
        session.exec(select(Source).where(Source.kind == kind, Source.target == owner)).first()
        or session.exec(select(Source).where(Source.kind == kind, Source.target == path)).first()
    )
    if found is None:
        return get_or_create_source(
            session, source=SourceCreate(kind=kind, name=name, target=owner)
        )
    if found.target != owner:
        found.target = owner
        session.add(found)
        session.flush()
    return found


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
