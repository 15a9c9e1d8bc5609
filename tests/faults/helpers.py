"""Counting what the pipeline did, straight from the database."""

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from models.annotation import Annotation
from models.audit import AuditEvent
from models.post import Post
from tests.pipeline.helpers import COMPLAINTS, make_source, store


def many_posts(engine: Engine, count: int, *, target: str = "-1") -> list[int]:
    texts = [f"{COMPLAINTS[n % len(COMPLAINTS)]} (сообщение {n})" for n in range(count)]
    with Session(engine) as session:
        return store(session, source_id=make_source(session, target=target), texts=texts)


def stage_counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.execute(select(Post.stage, func.count()).group_by(Post.stage)).all()
    return {str(stage): int(count) for stage, count in rows}


def annotation_counts(engine: Engine) -> dict[int, int]:
    """How many annotations each annotated post has (exactly once means all ones)."""
    with Session(engine) as session:
        rows = session.execute(
            select(Annotation.post_id, func.count()).group_by(Annotation.post_id)
        ).all()
    return {int(post_id): int(count) for post_id, count in rows}


def annotated(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.execute(select(func.count()).select_from(Annotation)).scalar_one())


def post_counts(engine: Engine) -> dict[tuple[int, str], int]:
    """How many rows each (source_id, external_id) has (stored exactly once means all ones)."""
    with Session(engine) as session:
        rows = session.execute(
            select(Post.source_id, Post.external_id, func.count()).group_by(
                Post.source_id, Post.external_id
            )
        ).all()
    return {(int(source), str(external)): int(count) for source, external, count in rows}


def stored(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.execute(select(func.count()).select_from(Post)).scalar_one())


def triage_events(engine: Engine) -> dict[int, int]:
    """How many times each post was triaged, by its audit events (exactly once: all ones)."""
    with Session(engine) as session:
        rows = session.execute(
            select(AuditEvent.entity_id, func.count())
            .where(AuditEvent.entity_type == "post", AuditEvent.action == "triage")
            .group_by(AuditEvent.entity_id)
        ).all()
    return {int(post_id): int(count) for post_id, count in rows}
