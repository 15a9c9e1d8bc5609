"""Manual signals end to end: store the operator's entry, then the configured pipeline.

The console's «Новый сигнал» page and `otklik signals add` both call `add_signal`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from ingest.manual import ManualSignal, adapt_manual_signal, channel_source_id
from models.clock import now
from models.geo import Municipality
from models.incident import IncidentPost
from models.post import Post
from models.post_store import store_posts
from otklik.pipeline import Pipeline
from triage.audit import record_event
from triage.stage import current_annotation


@dataclass(frozen=True)
class SignalAdded:
    post_id: int
    review_status: str  # "pending" while rq workers have it
    municipality: str | None
    topic_code: str | None
    incident_id: int | None


def add_signal(
    *,
    engine: Engine,
    pipeline: Pipeline,
    signal: ManualSignal,
    user_id: int | None,
    lemmatize: Callable[[str], str] | None = None,
) -> SignalAdded:
    """Store the signal as a post of its channel (audited), run it through the pipeline and
    say where it landed. Raises `ManualSignalError` for what may not be stored."""
    at = now()
    post = adapt_manual_signal(signal, at=at)
    with Session(engine) as session:
        source_id = channel_source_id(session, channel=signal.channel)
        [post_id] = store_posts(
            session, source_id=source_id, posts=[post], lemmatize=lemmatize
        ).new_ids
        record_event(
            session, actor=signal.operator, user_id=user_id, entity_type="post",
            entity_id=post_id, action="manual_signal:create", before=None,
            after={"channel": signal.channel.value, "contact_kept": post.author_id is not None},
        )  # fmt: skip
        session.commit()
    pipeline.after_ingest([post_id])
    return outcome(engine, post_id=post_id)


def outcome(engine: Engine, *, post_id: int) -> SignalAdded:
    """Where a post stands now: review status, the place and topic found, its incident."""
    with Session(engine) as session:
        post = session.get(Post, post_id)
        assert post is not None  # stored above, never deleted
        annotation = current_annotation(session, post_id=post_id)
        place = (
            session.get(Municipality, annotation.municipality_id)
            if annotation and annotation.municipality_id
            else None
        )
        membership = session.get(IncidentPost, post_id)
        return SignalAdded(
            post_id=post_id,
            review_status=post.review_status,
            municipality=place.name if place else None,
            topic_code=annotation.topic_code if annotation else None,
            incident_id=membership.incident_id if membership else None,
        )
