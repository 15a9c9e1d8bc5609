"""Publishing answers under the posts: the real `vk_api` against a fake VK, and a Telethon-
shaped fake Telegram client; the real database (SQLite and PostgreSQL)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import responses
from sqlmodel import Session, select
from telethon.errors import ChatWriteForbiddenError, FloodWaitError
from telethon.tl.types import Message, MessageReplies, PeerChannel, PeerUser

from ingest.publish import AnswerWriters
from ingest.telegram.adapt import adapt_telegram_message
from ingest.telegram.publish import TelegramAnswerWriter
from ingest.vk.client import make_vk_api
from ingest.vk.publish import VkAnswerWriter
from models.audit import AuditEvent
from models.clock import frozen_at, now
from models.incident import Incident, IncidentPost
from models.post import Post, PostKind
from models.publication import CLAIM_SECONDS, RETRIED, Publication, PublicationStatus
from models.report import Report
from models.source import Source, SourceKind, SourceStatus
from tests.ingest.publish_fakes import FakeTelegramWriter, Killed, WritableFakeVk
from triage.calendar import WorkCalendar
from triage.errors import TriageError
from triage.lifecycle import change_status
from triage.moderation import mark_not_signal
from triage.publishing import (
    POST_LEFT,
    NoDecisionNeeded,
    NothingToPublish,
    deliver,
    marker_for,
    open_publications,
    publish_anyway,
    request_publication,
)
from triage.reports import set_answer

OWNER = -100
TOKEN = "vk1.a.community-token-secret"
CHANNEL = "chusovoy_news"
ANSWER = "Трубу заменили 3 июня, отопление дали."


@dataclass
class Places:
    report_id: int
    wall_post: int
    comment: int
    channel_post: int
    appeal: int


@pytest.fixture
def fake_vk() -> Iterator[WritableFakeVk]:
    fake = WritableFakeVk()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        yield fake


@pytest.fixture
def telegram() -> FakeTelegramWriter:
    return FakeTelegramWriter(entity=CHANNEL)


@pytest.fixture
def writers(telegram: FakeTelegramWriter) -> AnswerWriters:
    vk = VkAnswerWriter(
        tokens={str(OWNER): TOKEN}, make_vk=lambda token: make_vk_api(token=token, rps_delay=0)
    )
    return AnswerWriters(vk=vk, telegram=TelegramAnswerWriter(make_client=lambda: telegram))


def channel_message(number: int, *, discussion: bool, post: bool = True) -> dict[str, Any]:
    message = Message(
        id=number,
        peer_id=PeerChannel(1_500_000_001),
        date=datetime(2024, 6, 1, 8, tzinfo=UTC),
        message="Третий день нет отопления на Мира, 12",
        post=post,
        from_id=None if post else PeerUser(42),
        replies=MessageReplies(replies=0, replies_pts=1, comments=discussion),
    )
    return adapt_telegram_message(message, channel=CHANNEL).raw  # as the crawler stores it


def _source(session: Session, kind: str, target: str) -> int:
    source = Source(kind=kind, name=target, target=target)
    session.add(source)
    session.flush()
    return source.id or 0


def _post(
    session: Session, source_id: int, external_id: str, kind: str, raw: dict[str, Any]
) -> int:
    post = Post(source_id=source_id, external_id=external_id, kind=kind, text="нет отопления",
                text_original="нет отопления", published_at=datetime(2024, 6, 1, tzinfo=UTC),
                parent_external_id=external_id.rsplit("_", 1)[0] if kind == "comment" else None,
                raw=raw)  # fmt: skip
    session.add(post)
    session.flush()
    return post.id or 0


@pytest.fixture
def places(session: Session) -> Places:
    wall = _source(session, SourceKind.VK_WALL, str(OWNER))
    comments = _source(session, SourceKind.VK_COMMENTS, str(OWNER))
    channel = _source(session, SourceKind.TELEGRAM, CHANNEL)
    table = _source(session, SourceKind.CSV, "/data/cur_export.csv")
    posts = [
        _post(session, wall, f"{OWNER}_7", PostKind.POST, {"id": 7}),
        _post(session, comments, f"{OWNER}_7_31", PostKind.COMMENT, {"id": 31}),
        _post(session, channel, "12", PostKind.MESSAGE, channel_message(12, discussion=True)),
        _post(session, table, "sha256:ab", PostKind.APPEAL, {"Текст": "нет отопления"}),
    ]
    incident = Incident(title="Нет отопления на Мира, 12")
    session.add(incident)
    session.flush()
    for post_id in posts:
        session.add(IncidentPost(post_id=post_id, incident_id=incident.id or 0))
    report = Report(incident_id=incident.id or 0)
    session.add(report)
    session.flush()
    set_answer(session, report_id=report.id or 0, text=ANSWER, expected_version=report.version,
               actor="anna", user_id=None)  # fmt: skip
    session.commit()
    return Places(report.id or 0, *posts)


def _request(session: Session, places: Places, writers: AnswerWriters) -> dict[int, Publication]:
    publications = request_publication(
        session, report_id=places.report_id, publisher=writers, actor="anna", user_id=None
    )
    session.commit()
    return {p.post_id: p for p in publications}


def _deliver_all(
    session: Session, requested: dict[int, Publication], writers: AnswerWriters
) -> None:
    for publication_id in open_publications(list(requested.values())):
        deliver(session, publication_id=publication_id, publisher=writers)


def _statuses(session: Session, report_id: int) -> dict[int, str]:
    rows = session.exec(select(Publication).where(Publication.report_id == report_id)).all()
    session.expire_all()
    return {row.post_id: row.status for row in rows}


def test_each_post_gets_the_answer_once_where_its_network_takes_it(
    session: Session, places: Places, writers: AnswerWriters, fake_vk: WritableFakeVk,
    telegram: FakeTelegramWriter,
) -> None:  # fmt: skip
    requested = _request(session, places, writers)
    assert requested[places.appeal].status == PublicationStatus.NOT_SUPPORTED
    assert "no network to answer on" in (requested[places.appeal].detail or "")
    _deliver_all(session, requested, writers)

    created = fake_vk.created()
    marker = marker_for(places.report_id, 1)
    assert [(c["owner_id"], c["post_id"], c.get("reply_to_comment")) for c in created] == [
        (str(OWNER), "7", None),
        (str(OWNER), "7", "31"),  # the resident's comment is answered in its thread
    ]
    assert all(
        c["from_group"] == "100" and c["message"] == f"{ANSWER}\n\n{marker}" for c in created
    )
    assert all(c["access_token"] == TOKEN for c in created)  # the wall's community token
    assert telegram.sent == [
        {"message": f"{ANSWER}\n\n{marker}", "reply_to": None, "comment_to": 12}
    ]

    rows = {p.post_id: p for p in session.exec(select(Publication)).all()}
    for post_id in (places.wall_post, places.comment, places.channel_post):
        assert rows[post_id].status == PublicationStatus.PUBLISHED
        assert rows[post_id].published_at is not None and rows[post_id].requested_by == "anna"
    assert rows[places.wall_post].external_id == f"{OWNER}_7_501"
    assert rows[places.comment].url == f"https://vk.com/wall{OWNER}_7?reply=502"
    assert rows[places.channel_post].url == f"https://t.me/{CHANNEL}/12?comment=9001"
    actions = session.exec(
        select(AuditEvent.action).where(AuditEvent.entity_type == "report")
    ).all()
    assert actions.count("publish:published") == 3 and "publish:request" in actions

    again = _request(session, places, writers)  # asked again: nothing is sent twice
    _deliver_all(session, again, writers)
    assert len(fake_vk.created()) == 2 and len(telegram.sent) == 1
    assert {p.id for p in again.values()} == {p.id for p in requested.values()}


def test_a_crash_between_posting_and_recording_does_not_post_twice(
    session: Session, places: Places, writers: AnswerWriters, fake_vk: WritableFakeVk,
    telegram: FakeTelegramWriter,
) -> None:  # fmt: skip
    requested = _request(session, places, writers)
    fake_vk.die_after_create = True
    with pytest.raises(Killed):
        deliver(session, publication_id=requested[places.wall_post].id or 0, publisher=writers)
    telegram.die_after_send = True
    with pytest.raises(Killed):
        deliver(session, publication_id=requested[places.channel_post].id or 0, publisher=writers)
    session.rollback()
    assert _statuses(session, places.report_id)[places.wall_post] == PublicationStatus.PENDING

    _deliver_all(session, requested, writers)  # at once: the dead attempt's lease still holds
    assert len(fake_vk.created()) == 2 and telegram.searched == []
    assert _statuses(session, places.report_id)[places.wall_post] == PublicationStatus.PENDING

    with frozen_at(now() + timedelta(seconds=CLAIM_SECONDS + 1)):
        _deliver_all(session, requested, writers)  # the retry after the lease ran out

    assert [c.get("reply_to_comment") for c in fake_vk.created()] == [None, "31"]
    assert len(telegram.sent) == 1 and telegram.searched == [{"reply_to": 12, "from_user": None}]
    wall = session.get_one(Publication, requested[places.wall_post].id)
    assert (wall.status, wall.external_id, wall.attempts) == ("published", f"{OWNER}_7_501", 2)
    assert wall.claimed_at is None
    assert "interrupted" in (wall.detail or "")
    channel = session.get_one(Publication, requested[places.channel_post].id)
    assert (channel.status, channel.external_id) == ("published", "12/9001")


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (14, PublicationStatus.CAPTCHA),
        (9, PublicationStatus.FLOOD_CONTROL),
        (212, PublicationStatus.COMMENTS_CLOSED),
        (5, PublicationStatus.NO_CREDENTIALS),
        (10, PublicationStatus.RETRYING),
        (100, PublicationStatus.FAILED),
    ],
)
def test_vk_refusals_have_their_status_and_leave_the_crawl_source_alone(
    session: Session, places: Places, writers: AnswerWriters, fake_vk: WritableFakeVk,
    code: int, status: PublicationStatus,
) -> None:  # fmt: skip
    requested = _request(session, places, writers)
    fake_vk.create_errors.append(code)
    first = deliver(session, publication_id=requested[places.wall_post].id or 0, publisher=writers)
    assert first.status == status and first.published_at is None
    assert (f"[{code}]" if code != 14 else "captcha") in (first.detail or "")
    sources = session.exec(select(Source).where(Source.kind == SourceKind.VK_WALL)).all()
    assert [s.status for s in sources] == [SourceStatus.OK]

    assert not first.maybe_sent  # VK answered with an error: it took nothing
    retried = deliver(session, publication_id=first.id or 0, publisher=writers)
    if status in RETRIED:
        assert retried.status == PublicationStatus.PUBLISHED  # a retry with backoff goes through
        assert len(fake_vk.created()) == 2 and not fake_vk.method_calls("wall.getComments")
    else:
        assert retried.status == status and len(fake_vk.created()) == 1  # final until asked again
        _request(session, places, writers)
        assert _statuses(session, places.report_id)[places.wall_post] == PublicationStatus.PENDING


def test_telegram_refusals_and_posts_it_cannot_answer(
    session: Session, places: Places, writers: AnswerWriters, telegram: FakeTelegramWriter
) -> None:
    requested = _request(session, places, writers)
    channel_id = requested[places.channel_post].id or 0
    telegram.send_errors.append(FloodWaitError(request=None, capture=30))
    assert deliver(session, publication_id=channel_id, publisher=writers).status == "flood_control"
    telegram.send_errors.append(ChatWriteForbiddenError(request=None))
    closed = deliver(session, publication_id=channel_id, publisher=writers)
    assert closed.status == PublicationStatus.COMMENTS_CLOSED and CHANNEL in (closed.detail or "")

    telegram.authorised = False
    again = _request(session, places, writers)
    assert again[places.channel_post].status == PublicationStatus.PENDING  # asked again: retried
    expired = deliver(session, publication_id=channel_id, publisher=writers)
    assert expired.status == PublicationStatus.NO_CREDENTIALS and "telegram-login" in (
        expired.detail or ""
    )
    assert telegram.sent and all(s["comment_to"] == 12 for s in telegram.sent)


def test_a_channel_without_discussion_and_a_chat_message(
    session: Session, places: Places, writers: AnswerWriters, telegram: FakeTelegramWriter
) -> None:
    post = session.get_one(Post, places.channel_post)
    post.raw = channel_message(12, discussion=False)
    session.add(post)
    chat = Post(source_id=post.source_id, external_id="40", kind=PostKind.MESSAGE, text="т",
                text_original="т", published_at=post.published_at,
                raw=channel_message(40, discussion=False, post=False))  # fmt: skip
    session.add(chat)
    session.flush()
    incident_id = session.get_one(Report, places.report_id).incident_id
    session.add(IncidentPost(post_id=chat.id or 0, incident_id=incident_id))
    session.commit()

    requested = _request(session, places, writers)
    assert requested[places.channel_post].status == PublicationStatus.NOT_SUPPORTED
    assert "no discussion" in (requested[places.channel_post].detail or "")
    chat_id = requested[chat.id or 0].id or 0
    telegram.die_after_send = True
    with pytest.raises(Killed):
        deliver(session, publication_id=chat_id, publisher=writers)
    session.rollback()
    marker = marker_for(places.report_id, 1)
    telegram.chat.insert(0, Message(id=8000, peer_id=PeerChannel(1), message=f"Цитирую: {marker}",
                                    date=post.published_at, out=False))  # a resident  # fmt: skip
    with frozen_at(now() + timedelta(seconds=CLAIM_SECONDS + 1)):
        recovered = deliver(session, publication_id=chat_id, publisher=writers)

    assert len(telegram.sent) == 1
    assert telegram.sent[0]["reply_to"] == 40 and telegram.sent[0]["comment_to"] is None
    assert telegram.searched == [{"reply_to": None, "from_user": "me"}]
    assert (recovered.status, recovered.url) == ("published", f"https://t.me/{CHANNEL}/9001")


def test_a_superseded_answer_is_never_published(
    session: Session, places: Places, writers: AnswerWriters, fake_vk: WritableFakeVk,
    telegram: FakeTelegramWriter,
) -> None:  # fmt: skip
    requested = _request(session, places, writers)
    report = session.get_one(Report, places.report_id)
    set_answer(session, report_id=places.report_id, text="Новый ответ.",
               expected_version=report.version, actor="anna", user_id=None)  # fmt: skip
    session.commit()
    stale = deliver(session, publication_id=requested[places.wall_post].id or 0, publisher=writers)
    assert stale.status == PublicationStatus.SUPERSEDED and fake_vk.created() == []

    with pytest.raises(NothingToPublish, match="newer answer"):  # confirmed answer 1, now 2
        request_publication(session, report_id=places.report_id, publisher=writers,
                            actor="anna", user_id=None, answer_revision=1)  # fmt: skip
    session.rollback()
    fresh = _request(session, places, writers)
    assert {p.answer_revision for p in fresh.values()} == {2}
    assert _statuses(session, places.report_id)  # the old revision's open rows are closed
    old = session.get_one(Publication, requested[places.channel_post].id)
    assert old.status == PublicationStatus.SUPERSEDED

    calendar = WorkCalendar()
    for status in ("sent", "answered", "reopened"):
        version = session.get_one(Report, places.report_id).version
        change_status(session, report_id=places.report_id, status=status, actor="anna",
                      user_id=None, expected_version=version, calendar=calendar)  # fmt: skip
        session.commit()
    pending = deliver(session, publication_id=fresh[places.wall_post].id or 0, publisher=writers)
    assert pending.status == PublicationStatus.SUPERSEDED and fake_vk.created() == []
    with pytest.raises(TriageError, match="reopened"):
        _request(session, places, writers)
    assert telegram.sent == []


def test_a_resident_quoting_the_marker_is_not_taken_for_our_comment(
    session: Session, places: Places, writers: AnswerWriters, fake_vk: WritableFakeVk
) -> None:
    requested = _request(session, places, writers)
    wall_id = requested[places.wall_post].id or 0
    fake_vk.die_after_create = True
    with pytest.raises(Killed):
        deliver(session, publication_id=wall_id, publisher=writers)
    session.rollback()
    quote = {"id": 400, "from_id": 55, "date": 1_717_000_000, "owner_id": OWNER, "post_id": 7,
             "text": f"Опять отписка {marker_for(places.report_id, 1)}"}  # fmt: skip
    fake_vk.comments[(OWNER, 7)].insert(0, quote)  # looked at before ours

    with frozen_at(now() + timedelta(seconds=CLAIM_SECONDS + 1)):
        published = deliver(session, publication_id=wall_id, publisher=writers)

    assert (published.status, published.external_id) == ("published", f"{OWNER}_7_501")
    assert len(fake_vk.created()) == 1 and fake_vk.method_calls("wall.getComments")


def _crash_then_delete(
    session: Session, places: Places, writers: AnswerWriters, fake_vk: WritableFakeVk,
    telegram: FakeTelegramWriter,
) -> dict[int, Publication]:  # fmt: skip
    """Both networks take the answer, the process dies before recording it, and a moderator
    of each community deletes our comment before the retry."""
    requested = _request(session, places, writers)
    fake_vk.die_after_create = True
    with pytest.raises(Killed):
        deliver(session, publication_id=requested[places.wall_post].id or 0, publisher=writers)
    telegram.die_after_send = True
    with pytest.raises(Killed):
        deliver(session, publication_id=requested[places.channel_post].id or 0, publisher=writers)
    session.rollback()
    fake_vk.delete_comment(OWNER, 7, 501)
    telegram.delete(9001)
    return requested


def test_a_comment_deleted_after_a_crash_waits_for_a_person_and_is_not_posted_again(
    session: Session, places: Places, writers: AnswerWriters, fake_vk: WritableFakeVk,
    telegram: FakeTelegramWriter,
) -> None:  # fmt: skip
    requested = _crash_then_delete(session, places, writers, fake_vk, telegram)
    wall_id, channel_id = (
        requested[places.wall_post].id or 0,
        requested[places.channel_post].id or 0,
    )

    with frozen_at(now() + timedelta(seconds=CLAIM_SECONDS + 1)):
        _deliver_all(session, requested, writers)
        again = _request(session, places, writers)  # asking again does not decide it either
        _deliver_all(session, again, writers)

    assert len(fake_vk.created()) == 2 and len(telegram.sent) == 1  # the comment thread's own
    assert fake_vk.method_calls("wall.getComments") and telegram.searched
    for publication_id in (wall_id, channel_id):
        waiting = session.get_one(Publication, publication_id)
        session.refresh(waiting)
        assert waiting.status == PublicationStatus.NEEDS_DECISION and waiting.maybe_sent
        assert "sent and deleted" in (waiting.detail or "") and waiting.published_at is None
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity_type == "report"))
    assert list(actions).count("publish:needs_decision") == 2

    report = session.get_one(Report, places.report_id)  # a new answer makes the decision moot
    set_answer(session, report_id=places.report_id, text="Новый ответ.",
               expected_version=report.version, actor="anna", user_id=None)  # fmt: skip
    session.commit()
    _request(session, places, writers)
    session.expire_all()
    assert session.get_one(Publication, wall_id).status == PublicationStatus.SUPERSEDED


def test_a_person_publishes_it_anyway_and_that_is_audited(
    session: Session, places: Places, writers: AnswerWriters, fake_vk: WritableFakeVk,
    telegram: FakeTelegramWriter,
) -> None:  # fmt: skip
    requested = _crash_then_delete(session, places, writers, fake_vk, telegram)
    wall_id = requested[places.wall_post].id or 0
    with frozen_at(now() + timedelta(seconds=CLAIM_SECONDS + 1)):
        _deliver_all(session, requested, writers)
    with pytest.raises(NoDecisionNeeded):  # a comment that went out needs no decision
        publish_anyway(session, publication_id=requested[places.comment].id or 0,
                       actor="boris", user_id=None)  # fmt: skip
    session.rollback()

    publish_anyway(session, publication_id=wall_id, actor="boris", user_id=None)
    session.commit()
    published = deliver(session, publication_id=wall_id, publisher=writers)

    assert (published.status, published.external_id) == ("published", f"{OWNER}_7_503")
    assert not published.maybe_sent
    assert [c.get("reply_to_comment") for c in fake_vk.created()] == [None, "31", None]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "publish:anyway")).one()
    assert (event.actor, event.entity_id, event.after["publication_id"]) == (
        "boris", places.report_id, wall_id,
    )  # fmt: skip
    channel = session.get_one(Publication, requested[places.channel_post].id)
    assert channel.status == PublicationStatus.NEEDS_DECISION  # decided one by one


def test_a_reply_lost_on_the_way_back_is_found_not_sent_again(
    session: Session, places: Places, writers: AnswerWriters, fake_vk: WritableFakeVk,
    telegram: FakeTelegramWriter,
) -> None:  # fmt: skip
    requested = _request(session, places, writers)
    wall_id = requested[places.wall_post].id or 0
    fake_vk.lose_reply_after_create = True  # VK made the comment; its answer timed out
    lost = deliver(session, publication_id=wall_id, publisher=writers)
    assert (lost.status, lost.maybe_sent) == (PublicationStatus.RETRYING, True)
    found = deliver(session, publication_id=wall_id, publisher=writers)
    assert (found.status, found.external_id) == ("published", f"{OWNER}_7_501")
    assert len(fake_vk.created()) == 1

    # a connection that was never made sent nothing: retried without a search
    comment_id = requested[places.comment].id or 0
    fake_vk.refuse_connection = True
    refused = deliver(session, publication_id=comment_id, publisher=writers)
    assert (refused.status, refused.maybe_sent) == (PublicationStatus.RETRYING, False)
    searches = len(fake_vk.method_calls("wall.getComments"))
    assert deliver(session, publication_id=comment_id, publisher=writers).status == "published"
    assert len(fake_vk.method_calls("wall.getComments")) == searches

    # Telegram: the connection broke while sending and nothing of ours is in the thread
    channel_id = requested[places.channel_post].id or 0
    telegram.send_errors.append(ConnectionResetError("Connection reset by peer"))
    reset = deliver(session, publication_id=channel_id, publisher=writers)
    assert (reset.status, reset.maybe_sent) == (PublicationStatus.RETRYING, True)
    assert deliver(session, publication_id=channel_id, publisher=writers).status == (
        PublicationStatus.NEEDS_DECISION
    )
    assert len(telegram.sent) == 1


def test_a_post_that_left_the_reports_incident_is_not_answered(
    session: Session, places: Places, writers: AnswerWriters, fake_vk: WritableFakeVk,
    telegram: FakeTelegramWriter,
) -> None:  # fmt: skip
    requested = _request(session, places, writers)
    wall = session.get_one(Post, places.wall_post)
    mark_not_signal(session, post_id=places.wall_post, expected_version=wall.version,
                    actor="anna", user_id=None)  # fmt: skip
    session.commit()

    _deliver_all(session, requested, writers)

    left = session.get_one(Publication, requested[places.wall_post].id)
    assert (left.status, left.detail) == (PublicationStatus.SUPERSEDED, POST_LEFT)
    # the posts still in the incident get the answer; the one marked «Не сигнал» does not
    assert [(c["post_id"], c.get("reply_to_comment")) for c in fake_vk.created()] == [("7", "31")]
    assert len(telegram.sent) == 1
