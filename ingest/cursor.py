"""A source's resume point, read at the start of a crawl and written with each page."""

from typing import Any

from sqlmodel import Session

from models.clock import now
from models.crawl import CrawlCursor


def load_cursor(session: Session, *, source_id: int) -> dict[str, Any]:
    cursor = session.get(CrawlCursor, source_id)
    return dict(cursor.state) if cursor else {}


def save_cursor(session: Session, *, source_id: int, state: dict[str, Any]) -> None:
    """Stage the new state; the caller commits it together with the page's posts."""
    cursor = session.get(CrawlCursor, source_id)
    if cursor is None:
        session.add(CrawlCursor(source_id=source_id, state=state))
        return
    cursor.state = dict(state)
    cursor.updated_at = now()
    session.add(cursor)
