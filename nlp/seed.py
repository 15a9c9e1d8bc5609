"""First-run reference data: the taxonomy and the default region's gazetteer."""

from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, func, select

from models.geo import Municipality
from models.taxonomy import Category
from nlp.reference import GazetteerEntry, load_gazetteer, load_taxonomy

# pg_advisory_xact_lock key of the seeding ("otklik seed" as a number).
SEED_LOCK_KEY = 0x6F746B6C_73656564


def seed_reference_data(session: Session, *, data_dir: Path, region_code: str) -> dict[str, int]:
    """Load the taxonomy and the gazetteer when absent; return how many rows were added.

    Under a database lock held to the commit, so two workers starting on a fresh database
    seed it once: the second waits, then finds the data there and adds nothing.
    """
    _lock_for_seeding(session)
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


def _lock_for_seeding(session: Session) -> None:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEED_LOCK_KEY})
        return
    # SQLite: the write lock now, before counting (a read snapshot taken first goes stale).
    dbapi = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite" and not dbapi.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


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
