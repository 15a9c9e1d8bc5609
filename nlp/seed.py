"""First-run reference data: the taxonomy and the default region's gazetteer."""

from pathlib import Path

from sqlmodel import Session, func, select

from models.geo import Municipality
from models.taxonomy import Category
from nlp.reference import GazetteerEntry, load_gazetteer, load_taxonomy


def seed_reference_data(session: Session, *, data_dir: Path, region_code: str) -> dict[str, int]:
    """Load the taxonomy and the gazetteer when absent; return how many rows were added."""
    added = {"categories": 0, "topics": 0, "municipalities": 0}
    if not _count(session, Category):
        categories, topics = load_taxonomy(data_dir)
        session.add_all(categories)
        session.flush()
        session.add_all(topics)
        added.update(categories=len(categories), topics=len(topics))
    if not _count(session, Municipality, Municipality.region_code == region_code):
        entries = load_gazetteer(data_dir, region_code)
        store_gazetteer(session, entries=entries)
        added["municipalities"] = len(entries)
    session.commit()
    return added


def store_gazetteer(session: Session, *, entries: list[GazetteerEntry]) -> None:
    """Insert municipalities and their settlements; the caller commits."""
    for entry in entries:
        session.add(entry.municipality)
        session.flush()
        for settlement in entry.settlements:
            settlement.municipality_id = entry.municipality.id or 0
            session.add(settlement)


def _count(session: Session, table: type, *where: object) -> int:
    statement = select(func.count()).select_from(table)
    for condition in where:
        statement = statement.where(condition)  # type: ignore[arg-type]
    return int(session.exec(statement).one())
