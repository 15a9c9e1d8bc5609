"""One batch of posts through one stage: the same code for rq jobs and the in-process path.

Each function takes post ids, opens its own session, calls the stage function (NLP's
`annotate_posts`, TRIAGE's `triage_posts`) and commits. A post's `stage` column makes the
run idempotent: posts already past the stage are left alone, so a retried or duplicated
batch changes nothing twice. On PostgreSQL the rows are claimed with
`FOR UPDATE SKIP LOCKED`, so two workers handed the same ids never annotate a post twice.
"""

import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, exists, select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session

from models.post import PipelineStage, Post
from models.quarantine import QuarantineRecord, quarantine

# Losing the database or its connection is not the post's fault: retry, never quarantine.
INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)


@dataclass(frozen=True)
class TriageTools:
    """What triage needs besides the posts, built once per process."""

    thresholds: Any
    calendar: Any = None
    lemmatize: Callable[[str], str] | None = None


@dataclass
class AnnotateOutcome:
    annotated: list[int] = field(default_factory=list)
    ready_for_triage: list[int] = field(default_factory=list)
    quarantined: list[int] = field(default_factory=list)


def annotate_batch(
    engine: Engine, *, annotator: Any, post_ids: Sequence[int], isolate_failures: bool
) -> AnnotateOutcome:
    """Annotate the batch in one transaction.

    If the batch raises (a bug, not an infrastructure error) and `isolate_failures` is set
    (the last attempt), each post is retried alone and the ones that still crash are
    quarantined with their traceback, so one poison post never blocks the others.
    """
    outcome = AnnotateOutcome()
    try:
        outcome.annotated = _annotate(engine, annotator, post_ids)
    except INFRASTRUCTURE_ERRORS:
        raise
    except Exception:
        if not isolate_failures:
            raise
        for post_id in post_ids:
            _annotate_alone(engine, annotator, post_id, outcome)
    outcome.ready_for_triage = posts_at_stage(engine, post_ids, PipelineStage.ANNOTATED)
    return outcome


def triage_batch(engine: Engine, *, tools: TriageTools, post_ids: Sequence[int]) -> list[int]:
    """Triage the annotated posts of the batch, one transaction per post; the ids triaged now."""
    from triage.stage import triage_posts

    triaged: list[int] = []
    for post_id in sorted(set(post_ids)):
        with Session(engine, expire_on_commit=False) as session:
            if not _claim(session, [post_id], PipelineStage.ANNOTATED):
                continue
            triaged += triage_posts(
                session,
                post_ids=[post_id],
                thresholds=tools.thresholds,
                calendar=tools.calendar,
                lemmatize=tools.lemmatize,
            )
            session.commit()
    return triaged


def posts_at_stage(engine: Engine, post_ids: Sequence[int], stage: PipelineStage) -> list[int]:
    if not post_ids:
        return []
    with Session(engine) as session:
        rows = session.execute(
            select(Post.id).where(Post.id.in_(post_ids), Post.stage == stage)  # type: ignore[union-attr]
        )
        return sorted(int(post_id) for post_id in rows.scalars())


def _annotate(engine: Engine, annotator: Any, post_ids: Sequence[int]) -> list[int]:
    from nlp.stage import annotate_posts

    with Session(engine, expire_on_commit=False) as session:
        claimed = _claim(session, post_ids, PipelineStage.INGESTED)
        if not claimed:
            return []
        annotated = annotate_posts(session, annotator=annotator, post_ids=claimed)
        session.commit()
    return list(annotated)


def _annotate_alone(engine: Engine, annotator: Any, post_id: int, outcome: AnnotateOutcome) -> None:
    try:
        outcome.annotated.extend(_annotate(engine, annotator, [post_id]))
    except INFRASTRUCTURE_ERRORS:
        raise
    except Exception as error:
        quarantine_post(engine, post_id=post_id, stage="nlp", error=error)
        outcome.quarantined.append(post_id)


def quarantine_post(engine: Engine, *, post_id: int, stage: str, error: BaseException) -> None:
    """Keep a post a stage keeps crashing on, with the traceback; it is not retried again."""
    detail = "".join(traceback.format_exception(error))
    with Session(engine) as session:
        post = session.get(Post, post_id)
        quarantine(
            session,
            stage=stage,
            reason=f"{stage} crashed on this post: {type(error).__name__}: {error}",
            raw=post.text if post else b"",
            source_id=post.source_id if post else None,
            post_id=post_id if post else None,
            origin=f"post:{post_id}",
            detail=detail,
        )
        session.commit()


def _claim(session: Session, post_ids: Sequence[int], stage: PipelineStage) -> list[int]:
    """The ids still at `stage` and not quarantined, locked for this transaction on PostgreSQL."""
    if not post_ids:
        return []
    quarantined = exists().where(
        QuarantineRecord.post_id == Post.id,  # type: ignore[arg-type]
        QuarantineRecord.resolved.is_(False),  # type: ignore[attr-defined]
    )
    statement = (
        select(Post.id)
        .where(Post.id.in_(sorted(set(post_ids))), Post.stage == stage, ~quarantined)  # type: ignore[union-attr]
        .order_by(Post.id)  # type: ignore[arg-type]
    )
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True, of=Post)  # type: ignore[arg-type]
    return [int(post_id) for post_id in session.execute(statement).scalars()]
