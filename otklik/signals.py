"""Manual signals end to end: store the operator's entry, then the configured pipeline.

The console's «Новый сигнал» page and `otklik signals add` both call `add_signal`. A user
scoped to municipalities files signals only into their territory: the chosen municipality
is checked against the scope in the transaction that stores the signal.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from ingest.manual import ManualSignal, ManualSignalError, adapt_manual_signal, channel_source_id
from models.annotation import current_annotation
from models.clock import now
from models.geo import Municipality
from models.incident import IncidentPost
from models.post import Post
from models.post_store import store_posts
from otklik.pipeline import Pipeline
from triage.audit import record_event
from triage.scope import EVERYWHERE, OutOfScope, Scope


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
    scope: Scope = EVERYWHERE,
) -> SignalAdded:
    """Store the signal as a post of its channel (audited), run it through the pipeline and
    say where it landed. Raises `ManualSignalError` for what may not be stored, `OutOfScope`
    for a municipality outside `scope`."""
    at = now()
    post = adapt_manual_signal(signal, at=at)
    with Session(engine) as session:
        check_place(session, scope=scope, municipality=signal.municipality)
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


def check_place(session: Session, *, scope: Scope, municipality: str | None) -> None:
    """A scoped user names one of their municipalities (by name, as the signal carries it);
    a regional one may name any place or none."""
    if scope.is_regional:
        return
    name = (municipality or "").strip()
    if not name:
        raise ManualSignalError(
            "Выберите муниципалитет: вы вносите сигналы только по своей территории."
        )
    covered = session.exec(
        select(Municipality.id).where(
            Municipality.name == name, col(Municipality.id).in_(scope.municipality_ids or ())
        )
    ).first()
    if covered is None or scope.agency_id is not None:
        named = session.exec(select(Municipality.id).where(Municipality.name == name)).first()
        raise OutOfScope("municipality", named or 0)


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
