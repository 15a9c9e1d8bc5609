"""An authority's public answers: its own replies linked to the residents' posts they answer
(the link is made when the reply is annotated: `Post.answer_to_post_id`)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import false, func, select
from sqlmodel import Session, col

from models.annotation import Annotation
from models.incident import IncidentPost
from models.post import Post
from triage.analytics import SIGNAL_STATUSES
from triage.scope import EVERYWHERE, Scope


@dataclass(frozen=True)
class AnswerSummary:
    signals: int  # residents' signal posts published in the period
    answered: int  # of them, with at least one public answer from the page
    share_answered: float | None


def public_answers(session: Session, *, post_ids: list[int]) -> dict[int, list[Post]]:
    """Resident's post id -> the page's public answers to it, oldest first."""
    if not post_ids:
        return {}
    answers = session.execute(
        select(Post)
        .where(col(Post.answer_to_post_id).in_(post_ids))
        .order_by(col(Post.published_at), col(Post.id))
    ).scalars()
    out: dict[int, list[Post]] = {}
    for answer in answers:
        out.setdefault(answer.answer_to_post_id or 0, []).append(answer)
    return out


def answered_post_ids(session: Session, *, post_ids: list[int]) -> set[int]:
    """Which of `post_ids` have at least one public answer (one query for a whole page)."""
    if not post_ids:
        return set()
    answered = session.execute(
        select(Post.answer_to_post_id).where(col(Post.answer_to_post_id).in_(post_ids)).distinct()
    ).scalars()
    return {int(post_id) for post_id in answered}


def incident_public_answers(session: Session, *, incident_id: int) -> dict[int, list[Post]]:
    """The public answers to the posts of one incident (post id -> answers)."""
    post_ids = session.execute(
        select(IncidentPost.post_id).where(IncidentPost.incident_id == incident_id)
    ).scalars()
    return public_answers(session, post_ids=list(post_ids))


def answer_summary(
    session: Session, *, since: datetime, until: datetime, scope: Scope = EVERYWHERE
) -> AnswerSummary:
    """How many residents' signals of [since, until) in `scope` the pages answered publicly."""
    answered_ids = select(Post.answer_to_post_id).where(col(Post.answer_to_post_id).is_not(None))
    period = [col(Post.published_at) >= since, col(Post.published_at) < until,
              col(Post.review_status).in_(SIGNAL_STATUSES)]  # fmt: skip
    if scope.agency_id is not None:
        period.append(false())  # an agency's token sees reports, not posts
    elif scope.municipality_ids is not None:
        territory = select(Annotation.post_id).where(
            col(Annotation.is_current).is_(True),
            col(Annotation.municipality_id).in_(scope.municipality_ids),
        )
        period.append(col(Post.id).in_(territory))
    signals = session.execute(select(func.count()).select_from(Post).where(*period)).scalar_one()
    answered = session.execute(
        select(func.count()).select_from(Post).where(*period, col(Post.id).in_(answered_ids))
    ).scalar_one()
    share = round(answered / signals, 4) if signals else None
    return AnswerSummary(int(signals), int(answered), share)
