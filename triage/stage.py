"""The triage stage: review status, incident grouping, priority, reopen — for annotated posts."""

from collections.abc import Callable

from sqlmodel import Session

from models.annotation import Annotation, current_annotation
from models.clock import now
from models.incident import Incident, IncidentPost
from models.post import PipelineStage, Post, ReviewStatus
from nlp.urgency import urgency_cues
from triage.audit import record_event
from triage.calendar import WorkCalendar
from triage.grouping import find_match
from triage.incidents import create_incident, join_incident
from triage.priority import Reach, priority_score
from triage.reopening import reopen_if_resolved
from triage.taxonomy import retired_topics
from triage.thresholds import Thresholds

SYSTEM = "system"


def triage_posts(
    session: Session,
    *,
    post_ids: list[int],
    thresholds: Thresholds,
    calendar: WorkCalendar | None = None,
    lemmatize: Callable[[str], str] | None = None,
) -> list[int]:
    """Triage the annotated posts among `post_ids`; returns the ids triaged now. Commits each."""
    done: list[int] = []
    retired = retired_topics(session)  # read once per batch
    for post_id in post_ids:
        if triage_annotated(
            session, post_id=post_id, thresholds=thresholds, calendar=calendar,
            lemmatize=lemmatize, retired_topics=retired,
        ):  # fmt: skip
            session.commit()
            done.append(post_id)
    return done


def triage_annotated(
    session: Session,
    *,
    post_id: int,
    thresholds: Thresholds,
    calendar: WorkCalendar | None = None,
    lemmatize: Callable[[str], str] | None = None,
    retired_topics: frozenset[str] = frozenset(),
) -> bool:
    """Triage the post if it is annotated, in the session's transaction (the caller commits)."""
    post = session.get(Post, post_id)
    if post is None or post.stage != PipelineStage.ANNOTATED:
        return False
    triage_post(
        session,
        post=post,
        annotation=current_annotation(session, post_id=post_id),
        thresholds=thresholds,
        calendar=calendar or WorkCalendar(),
        lemmatize=lemmatize,
        retired_topics=retired_topics,
    )
    return True


def triage_post(
    session: Session,
    *,
    post: Post,
    annotation: Annotation | None,
    thresholds: Thresholds,
    calendar: WorkCalendar,
    lemmatize: Callable[[str], str] | None,
    retired_topics: frozenset[str] = frozenset(),
) -> None:
    status = review_status(annotation, thresholds, retired_topics=retired_topics)
    cues = urgency_cues(post.text)
    at = now()

    def priority(reporters: int) -> float:
        return priority_score(
            cues=cues, reach=_reach(post), reporters=reporters, published_at=post.published_at,
            now=at,
        )  # fmt: skip

    post_priority = priority(1)
    if status != ReviewStatus.NOT_SIGNAL:
        incident, created = _group(session, post=post, annotation=annotation,
                                   thresholds=thresholds, lemmatize=lemmatize,
                                   priority=post_priority)  # fmt: skip
        if not created:
            post_priority = priority(incident.post_count)
            incident.priority = max(incident.priority, post_priority)
            reopen_if_resolved(session, incident=incident, post=post, calendar=calendar)
    # The post's own columns change last, so they are written in one UPDATE at commit.
    post.priority = post_priority
    post.review_status = status
    post.stage = PipelineStage.TRIAGED
    session.add(post)
    record_event(
        session,
        actor=SYSTEM,
        user_id=None,
        entity_type="post",
        entity_id=post.id or 0,
        action="triage",
        before={"review_status": ReviewStatus.PENDING},
        after={"review_status": status, "priority": post.priority, "urgency_cues": cues},
    )


def review_status(
    annotation: Annotation | None,
    thresholds: Thresholds,
    *,
    retired_topics: frozenset[str] = frozenset(),
) -> str:
    """A model's topic that operators have since deactivated is never auto-accepted: until
    the next retrain the model still knows it, and a moderator picks a current one."""
    if annotation is None:
        return ReviewStatus.NEEDS_REVIEW
    if not annotation.is_signal:
        if annotation.signal_confidence >= thresholds.not_signal_below:
            return ReviewStatus.NOT_SIGNAL
        return ReviewStatus.NEEDS_REVIEW
    confident = (
        annotation.signal_confidence >= thresholds.signal_accept
        and annotation.category_confidence >= thresholds.category_accept
        and annotation.topic_confidence >= thresholds.topic_accept
        and annotation.municipality_confidence >= thresholds.municipality_accept
        and annotation.municipality_id is not None
        and annotation.topic_code not in retired_topics
    )
    return ReviewStatus.AUTO_ACCEPTED if confident else ReviewStatus.NEEDS_REVIEW


def _group(
    session: Session,
    *,
    post: Post,
    annotation: Annotation | None,
    thresholds: Thresholds,
    lemmatize: Callable[[str], str] | None,
    priority: float,
) -> tuple[Incident, bool]:
    """The post's incident, and whether it was created for this post."""
    existing = session.get(IncidentPost, post.id)
    if existing is not None:
        return session.get_one(Incident, existing.incident_id), False
    parent = _parent_incident(session, annotation)
    if parent is not None:  # a short reply read with its parent joins the parent's incident
        reason = {"rule": "reply_to_parent", "parent_post_id": _parent_id(annotation)}
        join_incident(session, incident=parent, post=post, reason=reason, similarity=None,
                      attached_by=SYSTEM)  # fmt: skip
        return parent, False
    match = find_match(
        session, post=post, annotation=annotation, thresholds=thresholds, lemmatize=lemmatize
    )
    if match is None:
        address = annotation.address_key if annotation else None
        municipality_id = annotation.municipality_id if annotation else None
        reason = {"rule": "new_incident", "address": address, "municipality_id": municipality_id}
        incident = create_incident(session, post=post, annotation=annotation, address=address,
                                   reason=reason, actor=SYSTEM, priority=priority)  # fmt: skip
        return incident, True
    incident = session.get_one(Incident, match.incident_id)
    join_incident(
        session,
        incident=incident,
        post=post,
        reason=match.reason,
        similarity=match.similarity,
        attached_by=SYSTEM,
    )
    return incident, False


def _parent_id(annotation: Annotation | None) -> int | None:
    parent_id = (annotation.reasons or {}).get("parent_post_id") if annotation else None
    return parent_id if isinstance(parent_id, int) else None


def _parent_incident(session: Session, annotation: Annotation | None) -> Incident | None:
    """The incident of the post a short reply was read with (see nlp.structure.with_parent)."""
    parent_id = _parent_id(annotation)
    link = session.get(IncidentPost, parent_id) if parent_id is not None else None
    return session.get(Incident, link.incident_id) if link is not None else None


def _reach(post: Post) -> Reach:
    return Reach(
        views=post.views or 0,
        likes=post.likes or 0,
        reposts=post.reposts or 0,
        comments=post.comments or 0,
    )
