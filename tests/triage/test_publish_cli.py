"""`otklik reports publish` in-process and on rq, and the answers export's selection."""

import csv
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import responses
from redis import Redis
from rq import Queue, SimpleWorker
from sqlmodel import Session, select
from typer.testing import CliRunner

from models.audit import AuditEvent
from models.clock import frozen_at, now
from models.db import make_engine
from models.incident import Incident, IncidentPost
from models.post import Post, PostKind
from models.publication import Publication, PublicationStatus
from models.report import Report
from models.source import Source, SourceKind
from otklik import resources
from otklik.cli import app
from otklik.jobs import resume_publications_job
from otklik.queues import QueueName
from otklik.settings import get_settings
from tests.conftest import REDIS_URL
from tests.ingest.publish_fakes import WritableFakeVk
from triage.calendar import WorkCalendar
from triage.lifecycle import change_status
from triage.reports import set_answer

runner = CliRunner()
TOKEN = "vk1.a.never-printed-token"


@pytest.fixture
def fake_vk() -> Iterator[WritableFakeVk]:
    fake = WritableFakeVk()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        yield fake


@pytest.fixture
def publishing(configured: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("OTKLIK_VK_PUBLISH_TOKENS", f'{{"-100": "{TOKEN}"}}')
    monkeypatch.setenv("OTKLIK_VK_RPS_DELAY", "0")
    monkeypatch.setenv("OTKLIK_PUBLISH_RETRY_INTERVAL_SECONDS", "0")
    get_settings.cache_clear()
    resources.clear()
    yield configured
    resources.clear()


def _report(session: Session, *, number: int, moves: tuple[str, ...]) -> int:
    source = session.exec(select(Source).where(Source.kind == SourceKind.VK_WALL)).first()
    if source is None:
        source = Source(kind=SourceKind.VK_WALL, name="-100", target="-100")
        session.add(source)
        session.flush()
    post = Post(source_id=source.id or 0, external_id=f"-100_{number}", kind=PostKind.POST,
                text="яма", text_original="яма", published_at=datetime(2024, 6, 1, tzinfo=UTC),
                url=f"https://vk.com/wall-100_{number}", raw={"id": number})  # fmt: skip
    incident = Incident(title=f"Яма №{number}")
    session.add_all([post, incident])
    session.flush()
    session.add(IncidentPost(post_id=post.id or 0, incident_id=incident.id or 0))
    report = Report(incident_id=incident.id or 0)
    session.add(report)
    session.flush()
    report_id = report.id or 0
    for move in moves:
        version = session.get_one(Report, report_id).version
        if move.startswith("answer:"):
            set_answer(session, report_id=report_id, text=move[7:], expected_version=version,
                       actor="anna", user_id=None)  # fmt: skip
        else:
            change_status(session, report_id=report_id, status=move, actor="anna", user_id=None,
                          expected_version=version, calendar=WorkCalendar())  # fmt: skip
    session.commit()
    return report_id


def _export(tmp_path: Path, *args: str) -> list[tuple[str, str]]:
    out = tmp_path / "answers.csv"
    result = runner.invoke(app, ["reports", "export", "--answers", "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig") as file:
        return [(row["Обращение"], row["Ответ"]) for row in csv.DictReader(file)]


def test_the_answers_export_takes_current_answers_and_honours_the_status(
    configured: str, tmp_path: Path
) -> None:
    with Session(make_engine(configured)) as session:
        done = _report(session, number=1,
                       moves=("answer:Яму заделали.", "sent", "answered", "resolved"))  # fmt: skip
        reopened = _report(session, number=2,
                           moves=("answer:Старый ответ.", "sent", "answered", "resolved",
                                  "reopened"))  # fmt: skip
        working = _report(session, number=3, moves=("answer:Выехала бригада.",))

    assert _export(tmp_path, "--status", "resolved") == [(str(done), "Яму заделали.")]
    assert _export(tmp_path, "--status", "reopened") == []  # its answer did not hold
    assert _export(tmp_path) == [(str(done), "Яму заделали."), (str(working), "Выехала бригада.")]

    with Session(make_engine(configured)) as session:
        version = session.get_one(Report, reopened).version
        set_answer(session, report_id=reopened, text="Новый ответ.", expected_version=version,
                   actor="anna", user_id=None)  # fmt: skip
        session.commit()
    assert _export(tmp_path, "--status", "reopened") == [(str(reopened), "Новый ответ.")]


def test_publish_in_process_prints_where_and_never_the_token(
    publishing: str, fake_vk: WritableFakeVk
) -> None:
    with Session(make_engine(publishing)) as session:
        answered = _report(session, number=7, moves=("answer:Яму заделали.",))
        silent = _report(session, number=8, moves=())

    result = runner.invoke(app, ["reports", "publish", str(answered)])
    assert result.exit_code == 0, result.output
    assert "published https://vk.com/wall-100_7?reply=501" in result.output
    assert TOKEN not in result.output
    shown = runner.invoke(app, ["reports", "show", str(answered)])
    assert "publication: answer 1, post" in shown.output
    assert "[vk] published https://vk.com/wall-100_7?reply=501 at 20" in shown.output
    assert shown.output.rstrip().endswith("by cli")
    again = runner.invoke(app, ["reports", "publish", str(answered)])
    assert "published" in again.output and len(fake_vk.created()) == 1

    refused = runner.invoke(app, ["reports", "publish", str(silent)])
    assert refused.exit_code == 1 and "has no answer" in refused.output
    assert "Traceback" not in refused.output


def test_publish_on_rq_is_retried_with_backoff_until_vk_takes_it(
    publishing: str, fake_vk: WritableFakeVk, monkeypatch: pytest.MonkeyPatch, redis_conn: Redis
) -> None:
    monkeypatch.setenv("OTKLIK_REDIS_URL", REDIS_URL)
    get_settings.cache_clear()
    with Session(make_engine(publishing)) as session:
        report_id = _report(session, number=9, moves=("answer:Яму заделали.",))
    fake_vk.create_errors.extend([14, 9])  # a captcha, then flood control, then it goes through

    queued = runner.invoke(app, ["reports", "publish", str(report_id)])
    assert queued.exit_code == 0, queued.output
    assert "pending" in queued.output and "queued: 1" in queued.output
    queue = Queue(QueueName.PUBLISH, connection=redis_conn)
    SimpleWorker([queue], connection=redis_conn).work(burst=True, with_scheduler=False)

    with Session(make_engine(publishing)) as session:
        publication = session.exec(select(Publication)).one()
    assert publication.status == PublicationStatus.PUBLISHED
    assert publication.attempts == 3 and len(fake_vk.created()) == 3
    assert not fake_vk.method_calls("wall.getComments")  # VK refused: nothing to look for


def test_a_publication_whose_job_was_lost_is_enqueued_again(
    publishing: str, fake_vk: WritableFakeVk, monkeypatch: pytest.MonkeyPatch, redis_conn: Redis
) -> None:
    monkeypatch.setenv("OTKLIK_REDIS_URL", REDIS_URL)
    get_settings.cache_clear()
    with Session(make_engine(publishing)) as session:
        report_id = _report(session, number=11, moves=("answer:Яму заделали.",))
    assert "queued: 1" in runner.invoke(app, ["reports", "publish", str(report_id)]).output
    redis_conn.flushdb()  # Redis restarted without persistence: the job is gone

    assert resume_publications_job() == 0  # an hour has not passed: its backoff may still run
    with frozen_at(now() + timedelta(hours=2)):
        assert resume_publications_job() == 1
    SimpleWorker([Queue(QueueName.PUBLISH, connection=redis_conn)], connection=redis_conn).work(
        burst=True, with_scheduler=False
    )
    with Session(make_engine(publishing)) as session:
        assert session.exec(select(Publication)).one().status == PublicationStatus.PUBLISHED
    assert len(fake_vk.created()) == 1


def test_an_answer_that_may_have_gone_out_waits_for_publish_anyway(
    publishing: str, fake_vk: WritableFakeVk
) -> None:
    with Session(make_engine(publishing)) as session:
        report_id = _report(session, number=12, moves=("answer:Яму заделали.",))
    fake_vk.lose_reply_after_create = True  # VK made comment 501; its answer never came
    lost = runner.invoke(app, ["reports", "publish", str(report_id)])
    assert lost.exit_code == 0 and "retrying" in lost.output
    fake_vk.delete_comment(-100, 12, 501)  # and a moderator of the community deleted it

    waiting = runner.invoke(app, ["reports", "publish", str(report_id)])
    assert waiting.exit_code == 0, waiting.output
    assert "needs_decision" in waiting.output and "sent and deleted" in waiting.output
    assert f"otklik reports publish {report_id} --anyway" in waiting.output
    assert len(fake_vk.created()) == 1

    decided = runner.invoke(app, ["reports", "publish", str(report_id), "--anyway"])
    assert decided.exit_code == 0, decided.output
    assert "published https://vk.com/wall-100_12?reply=502" in decided.output
    assert len(fake_vk.created()) == 2
    with Session(make_engine(publishing)) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "publish:anyway")).one()
    assert event.actor == "cli" and event.entity_id == report_id


def test_on_rq_a_lost_reply_whose_comment_was_deleted_stops_for_a_decision(
    publishing: str, fake_vk: WritableFakeVk, monkeypatch: pytest.MonkeyPatch, redis_conn: Redis
) -> None:
    monkeypatch.setenv("OTKLIK_REDIS_URL", REDIS_URL)
    get_settings.cache_clear()
    with Session(make_engine(publishing)) as session:
        report_id = _report(session, number=13, moves=("answer:Яму заделали.",))
    fake_vk.lose_reply_after_create = True
    fake_vk.on_call = lambda _: (  # gone by the time the retry looks for it
        fake_vk.delete_comment(-100, 13, 501) if fake_vk.comments.get((-100, 13)) else None
    )
    assert "queued: 1" in runner.invoke(app, ["reports", "publish", str(report_id)]).output
    SimpleWorker([Queue(QueueName.PUBLISH, connection=redis_conn)], connection=redis_conn).work(
        burst=True, with_scheduler=False
    )
    with Session(make_engine(publishing)) as session:
        publication = session.exec(select(Publication)).one()
    assert publication.status == PublicationStatus.NEEDS_DECISION
    assert publication.attempts == 2 and len(fake_vk.created()) == 1
