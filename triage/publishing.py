"""Publishing a report's current answer under each of its posts, once per post and answer.

The guarantee: at most one comment per (post, report, answer revision), as long as the
network shows our own comments back when asked. It rests on three things:
- a `Publication` row is written (and committed) before anything is sent; the unique key
  (post, report, revision) makes a second request reuse it;
- every attempt is claimed by an atomic `attempts + 1` that also takes a lease
  (`claimed_at`, `CLAIM_SECONDS`), committed before the network call, so no second attempt
  (a double click, a retry) talks to the network while one is under way;
- `maybe_sent` is committed with the claim, before the network call, and cleared only when
  the outcome is known (posted, or refused by the network). An attempt that finds it set
  (the previous one died, or lost its connection, while sending) first asks the network for
  a comment under the post carrying the publication's marker: if there is one, it is
  recorded and nothing is sent again; if there is none, the answer was either never sent
  or sent and deleted since (by the community's moderators or the post's author), which
  no network tells apart, so nothing is sent: the publication waits in `needs_decision`
  until a person publishes it anyway (`publish_anyway`, audited).
Nothing superseded is ever sent: each attempt re-reads the report and gives up (status
`superseded`) when the answer changed or the report was reopened, or when the post left the
report's incident (marked «Не сигнал», moved to another incident).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import or_, select, update
from sqlmodel import Session

from models.clock import now
from models.incident import IncidentPost
from models.post import Post
from models.publication import (
    CLAIM_SECONDS,
    OPEN,
    Publication,
    PublicationStatus,
    PublishedReply,
    PublishRefused,
    ReplyTarget,
)
from models.report import Report, current_answer
from models.source import Source
from triage.audit import record_event
from triage.errors import TriageError
from triage.locking import load

POST_LEFT = "the post left the report's incident"

NO_NETWORK = "none"
# Refusals a new request by an operator tries again (after fixing a token, reopening comments).
RETRYABLE_ON_REQUEST = frozenset(
    {
        PublicationStatus.NO_CREDENTIALS,
        PublicationStatus.COMMENTS_CLOSED,
        PublicationStatus.FAILED,
        PublicationStatus.CAPTCHA,
        PublicationStatus.FLOOD_CONTROL,
        PublicationStatus.RETRYING,
    }
)


NOTHING_TO_PUBLISH = {
    "no_answer": "has no answer",
    "superseded": "was reopened; write a new answer",
    "no_posts": "has no posts to answer under",
    "changed": "has a newer answer than the one confirmed",
}


class NothingToPublish(TriageError):
    """The report has no current answer, or no posts to put it under."""

    def __init__(self, report_id: int, reason: str) -> None:
        super().__init__(f"report {report_id} {NOTHING_TO_PUBLISH[reason]}")
        self.report_id = report_id
        self.reason = reason


class AnswerPublisher(Protocol):
    """The networks' write side, as triage sees it (built by the composition root)."""

    def network_of(self, target: ReplyTarget) -> str:
        """The network that takes the answer, or `PublishRefused(NOT_SUPPORTED, why)`."""
        ...

    def find(self, target: ReplyTarget, *, marker: str) -> PublishedReply | None:
        """Our earlier reply under the post carrying `marker`, if the network has one."""
        ...

    def publish(self, target: ReplyTarget, *, message: str) -> PublishedReply: ...


def marker_for(report_id: int, revision: int) -> str:
    """The line that ends every published answer (it closes with a bracket: no prefix clash)."""
    return f"(ЦУР, обращение №{report_id}, ответ {revision})"


def compose(answer: str, marker: str) -> str:
    return f"{answer}\n\n{marker}"


def request_publication(
    session: Session,
    *,
    report_id: int,
    publisher: AnswerPublisher,
    actor: str,
    user_id: int | None,
    answer_revision: int | None = None,
) -> list[Publication]:
    """One publication per post of the report's incident for its current answer (reused if
    already requested); posts no network can answer are recorded as `not_supported`.
    With `answer_revision` (the answer the user confirmed), a newer answer is refused.
    The caller commits, then delivers the open ones (`deliver`)."""
    report = load(session, Report, report_id)
    answer = current_answer(report)
    if answer is None:
        raise NothingToPublish(report_id, "superseded" if report.answer_text else "no_answer")
    if answer_revision is not None and answer_revision != report.answer_revision:
        raise NothingToPublish(report_id, "changed")
    places = _places(session, report)
    if not places:
        raise NothingToPublish(report_id, "no_posts")
    _supersede_older(session, report)
    publications = [
        _publication(session, report, answer, post, target, publisher, actor, user_id)
        for post, target in places
    ]
    session.flush()
    record_event(
        session, actor=actor, user_id=user_id, entity_type="report", entity_id=report_id,
        action="publish:request", before=None,
        after={"answer_revision": report.answer_revision,
               "publications": {p.post_id: p.status for p in publications}},
    )  # fmt: skip
    return publications


def deliver(session: Session, *, publication_id: int, publisher: AnswerPublisher) -> Publication:
    """Send one publication (or find it already sent). Commits the claim before the network
    call and the outcome after it. A refusal is recorded with its status; the caller retries
    those in `RETRIED` with backoff."""
    publication = load(session, Publication, publication_id)
    if publication.status not in OPEN:
        return publication
    report = load(session, Report, publication.report_id)
    if report.answer_revision != publication.answer_revision or current_answer(report) is None:
        return _finish(session, publication, PublicationStatus.SUPERSEDED, "the answer changed")
    if not _answers_post(session, report, publication.post_id):
        return _finish(session, publication, PublicationStatus.SUPERSEDED, POST_LEFT)
    target = _target(session, publication.post_id)
    uncertain = publication.maybe_sent  # an earlier attempt may have posted it
    if not _claim_attempt(session, publication):
        session.refresh(publication)  # another attempt holds the lease: leave it to it
        return publication
    try:
        if uncertain:
            found = publisher.find(target, marker=publication.marker)
            if found is not None:
                return _published(session, publication, found, recovered=True)
            return _finish(session, publication, PublicationStatus.NEEDS_DECISION, UNKNOWN_OUTCOME)
        reply = publisher.publish(target, message=publication.message)
        return _published(session, publication, reply)
    except PublishRefused as refused:
        # a refusal of the send itself is a known outcome unless the connection broke mid-way
        publication.maybe_sent = uncertain or refused.maybe_sent
        return _finish(session, publication, refused.status, refused.message)


UNKNOWN_OUTCOME = (
    "an interrupted attempt may have posted it, and no comment of ours is on the network: "
    "never sent, or sent and deleted; not sent again until a person decides"
)


def publish_anyway(
    session: Session, *, publication_id: int, actor: str, user_id: int | None
) -> Publication:
    """A person's decision to send a publication in `needs_decision` after all (they checked
    the post and our answer is not there). Audited; the caller commits, then `deliver`s it."""
    publication = load(session, Publication, publication_id)
    if publication.status != PublicationStatus.NEEDS_DECISION:
        raise NoDecisionNeeded(publication_id)
    publication.status, publication.maybe_sent = PublicationStatus.PENDING, False
    publication.detail, publication.updated_at = None, now()
    session.add(publication)
    record_event(
        session, actor=actor, user_id=user_id, entity_type="report",
        entity_id=publication.report_id, action="publish:anyway", before={"status":
        PublicationStatus.NEEDS_DECISION}, after={"publication_id": publication.id,
        "post_id": publication.post_id, "status": PublicationStatus.PENDING},
    )  # fmt: skip
    session.flush()
    return publication


class NoDecisionNeeded(TriageError):
    """`publish_anyway` on a publication that does not wait for a decision (any more)."""

    def __init__(self, publication_id: int) -> None:
        super().__init__(f"publication {publication_id} does not need a decision")
        self.publication_id = publication_id


def stalled_publications(
    session: Session, *, idle_before: datetime, limit: int = 1000
) -> list[int]:
    """Open publications untouched since `idle_before` and not held by a live attempt: what a
    lost job or a killed worker left behind."""
    expired = now() - timedelta(seconds=CLAIM_SECONDS)
    statement = (
        select(Publication.id)
        .where(
            Publication.status.in_(OPEN),  # type: ignore[attr-defined]
            Publication.updated_at < idle_before,
            or_(Publication.claimed_at.is_(None), Publication.claimed_at < expired),  # type: ignore[union-attr,operator]
        )
        .order_by(Publication.id)
        .limit(limit)
    )
    return [int(publication_id) for publication_id in session.execute(statement).scalars()]


def open_publications(publications: Sequence[Publication]) -> list[int]:
    return [p.id for p in publications if p.status in OPEN and p.id is not None]


def report_publications(session: Session, *, report_id: int) -> list[Publication]:
    statement = (
        select(Publication)
        .where(Publication.report_id == report_id)
        .order_by(Publication.answer_revision.desc(), Publication.post_id)  # type: ignore[attr-defined]
    )
    return list(session.execute(statement).scalars())


def _places(session: Session, report: Report) -> list[tuple[Post, ReplyTarget]]:
    statement = (
        select(Post, Source)
        .join(IncidentPost, IncidentPost.post_id == Post.id)
        .join(Source, Source.id == Post.source_id)
        .where(IncidentPost.incident_id == report.incident_id)
        .order_by(Post.id)
    )
    return [(post, reply_target(post, source)) for post, source in session.execute(statement)]


def reply_target(post: Post, source: Source) -> ReplyTarget:
    return ReplyTarget(
        source_kind=source.kind,
        source_target=source.target,
        post_kind=post.kind,
        external_id=post.external_id,
        parent_external_id=post.parent_external_id,
        raw=post.raw or {},
    )


def _target(session: Session, post_id: int) -> ReplyTarget:
    post = load(session, Post, post_id)
    return reply_target(post, load(session, Source, post.source_id))


def _publication(
    session: Session,
    report: Report,
    answer: str,
    post: Post,
    target: ReplyTarget,
    publisher: AnswerPublisher,
    actor: str,
    user_id: int | None,
) -> Publication:
    existing = session.execute(
        select(Publication).where(
            Publication.post_id == post.id,
            Publication.report_id == report.id,
            Publication.answer_revision == report.answer_revision,
        )
    ).scalar_one_or_none()
    if existing is not None:
        if existing.status in RETRYABLE_ON_REQUEST:  # the operator asks again: try again
            existing.status, existing.updated_at = PublicationStatus.PENDING, now()
            session.add(existing)
        return existing
    marker = marker_for(report.id or 0, report.answer_revision)
    publication = Publication(
        report_id=report.id or 0, post_id=post.id or 0, answer_revision=report.answer_revision,
        message=compose(answer, marker), marker=marker, network=NO_NETWORK,
        requested_by=actor, requested_by_user_id=user_id,
    )  # fmt: skip
    try:
        publication.network = publisher.network_of(target)
    except PublishRefused as refused:
        publication.status, publication.detail = refused.status, refused.message[:1000]
    session.add(publication)
    return publication


def _answers_post(session: Session, report: Report, post_id: int) -> bool:
    """Whether the post is still one of the report's incident: one marked «Не сигнал» or
    moved to another incident since is not answered by this report."""
    link = session.get(IncidentPost, post_id)
    return link is not None and link.incident_id == report.incident_id


def _supersede_older(session: Session, report: Report) -> None:
    session.execute(
        update(Publication)
        .where(
            Publication.report_id == report.id,
            Publication.answer_revision != report.answer_revision,
            # a decision pending on an old answer is moot: that answer is never sent now
            Publication.status.in_((*OPEN, PublicationStatus.NEEDS_DECISION)),  # type: ignore[attr-defined]
        )
        .values(status=PublicationStatus.SUPERSEDED, updated_at=now())
        .execution_options(synchronize_session=False)
    )


def _claim_attempt(session: Session, publication: Publication) -> bool:
    """Count this attempt, take the lease and mark it as maybe sent, in the database, before
    any network call (a crash from here on leaves the outcome unknown).

    Fails when another attempt counted first or holds an unexpired lease (a double click,
    a retry while the first attempt is still sending)."""
    seen, at = publication.attempts, now()
    expired = at - timedelta(seconds=CLAIM_SECONDS)
    claimed = session.execute(
        update(Publication)
        .where(
            Publication.id == publication.id,
            Publication.attempts == seen,
            or_(Publication.claimed_at.is_(None), Publication.claimed_at < expired),  # type: ignore[union-attr,operator]
        )
        .values(attempts=seen + 1, claimed_at=at, updated_at=at, maybe_sent=True)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        return False
    session.commit()
    session.refresh(publication)  # the counted attempt and the lease, as stored
    return True


def _published(
    session: Session, publication: Publication, reply: PublishedReply, *, recovered: bool = False
) -> Publication:
    publication.external_id, publication.url = reply.external_id, reply.url
    publication.published_at, publication.maybe_sent = now(), False
    detail = "found on the network after an interrupted attempt" if recovered else None
    return _finish(session, publication, PublicationStatus.PUBLISHED, detail)


def _finish(
    session: Session, publication: Publication, status: PublicationStatus, detail: str | None
) -> Publication:
    publication.status, publication.detail = status, detail[:1000] if detail else None
    publication.updated_at, publication.claimed_at = now(), None
    session.add(publication)
    record_event(
        session, actor="system", user_id=None, entity_type="report",
        entity_id=publication.report_id, action=f"publish:{status}", before=None,
        after={"publication_id": publication.id, "post_id": publication.post_id,
               "network": publication.network, "external_id": publication.external_id,
               "attempts": publication.attempts, "detail": publication.detail},
    )  # fmt: skip
    session.commit()
    return publication
