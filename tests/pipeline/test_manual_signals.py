"""`otklik signals add`: a manual signal through the real pipeline, on both databases and rq;
its contact found and erased by `otklik privacy`."""

import pytest
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from ingest.manual import Channel, ManualSignal, ManualSignalError, adapt_manual_signal
from models.agency import Agency
from models.annotation import Annotation, current_annotation
from models.clock import now
from models.geo import Municipality
from models.incident import Incident, IncidentPost
from models.post import PipelineStage, Post, ReviewStatus
from models.report import Report
from models.source import Source, SourceKind
from otklik import resources
from otklik.cli import app
from otklik.pipeline import configured_pipeline
from otklik.queues import ALL_QUEUES
from otklik.settings import get_settings
from otklik.signals import SignalAdded, add_signal, check_place
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.queue import QueueFilters, review_queue
from triage.reports import create_report
from triage.scope import EVERYWHERE, OutOfScope, Scope, agency_scope

runner = CliRunner()
TEXT = "В Краснокамске на улице Ленина прорвало трубу, вода заливает двор"


@pytest.fixture(autouse=True)
def fresh_models() -> None:
    """The process keeps one annotator (with its gazetteer) per run; an earlier test may have
    built it on another database. Build it again on this one."""
    resources.annotator.cache_clear()
    resources.triage_tools.cache_clear()


def _posts(engine: Engine) -> list[Post]:
    with Session(engine, expire_on_commit=False) as session:
        statement = select(Post).join(Source).where(Source.kind == SourceKind.MANUAL)
        return list(session.exec(statement))


def test_signals_add_runs_nlp_and_triage_and_privacy_finds_the_contact(seeded: Engine) -> None:
    result = runner.invoke(
        app,
        ["signals", "add", TEXT, "--channel", "library", "--address", "ул. Ленина, 5",
         "--contact", "+7 (912) 000-11-22", "--contact-name", "Пётр", "--consent",
         "--operator", "ivanova"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [post] = _posts(seeded)
    assert post.stage == PipelineStage.TRIAGED
    assert post.review_status != ReviewStatus.PENDING
    assert f"post {post.id}: {post.review_status}" in result.output
    assert "municipality: Краснокамский городской округ" in result.output
    assert post.author_id == "+79120001122"
    with Session(seeded) as session:  # «Источники» counts it on its channel
        assert session.get(Source, post.source_id).posts_fetched == 1  # type: ignore[union-attr]
    exported = runner.invoke(app, ["privacy", "export", "+79120001122"])
    assert f'"id": {post.id}' in exported.output
    erased = runner.invoke(app, ["privacy", "erase", "+79120001122", "--yes"])
    assert "posts erased: 1" in erased.output
    [post] = _posts(seeded)
    assert post.author_id is None and TEXT not in post.text and "Пётр" not in str(post.raw)


def test_signals_add_refuses_a_contact_without_consent(seeded: Engine) -> None:
    result = runner.invoke(app, ["signals", "add", TEXT, "--contact", "+79120001122"])
    assert result.exit_code == 2
    assert "согласия" in result.output
    assert _posts(seeded) == []


def test_on_rq_the_signal_is_queued_for_the_workers(seeded: Engine, on_redis: Redis) -> None:
    result = runner.invoke(app, ["signals", "add", TEXT, "--channel", "edds"])
    assert result.exit_code == 0, result.output
    [post] = _posts(seeded)
    assert (post.stage, post.review_status) == (PipelineStage.INGESTED, ReviewStatus.PENDING)
    assert f"post {post.id}: pending" in result.output
    assert on_redis.llen("rq:queue:nlp") == 1


@pytest.mark.parametrize(
    ("contact", "stored"),
    [("8 (912) 345-67-89", "+79123456789"), ("9123456789", "+79123456789"),
     ("Ivan@Example.RU", "ivan@example.ru"), ("  ул. Мира 1, кв. 2 ", "ул. Мира 1, кв. 2")],
)  # fmt: skip
def test_contacts_are_stored_in_one_form(contact: str, stored: str) -> None:
    signal = ManualSignal(text="Нет воды", channel=Channel.PHONE, operator="o", contact=contact,
                          consent=True)  # fmt: skip
    assert adapt_manual_signal(signal, at=now()).author_id == stored


@pytest.mark.parametrize(
    "signal",
    [
        ManualSignal(text="  ", channel=Channel.PHONE, operator="o"),
        ManualSignal(text="Нет воды", channel=Channel.PHONE, operator="o", contact_name="Анна"),
        ManualSignal(text="Нет воды", channel=Channel.PHONE, operator="o", consent=True),
    ],
)
def test_what_may_not_be_stored_is_refused(signal: ManualSignal) -> None:
    with pytest.raises(ManualSignalError):
        adapt_manual_signal(signal, at=now())


def test_a_scoped_user_names_only_a_municipality_of_their_territory(session: Session) -> None:
    perm = f.municipality(session, "Пермский городской округ")
    kungur = f.municipality(session, "Кунгурский муниципальный округ")
    session.commit()
    scope = Scope(municipality_ids=frozenset({perm}))
    check_place(session, scope=scope, municipality=" Пермский городской округ ")
    for anything in (None, "Кунгурский муниципальный округ", "Атлантида"):
        check_place(session, scope=EVERYWHERE, municipality=anything)  # regional: any or none
    with pytest.raises(OutOfScope) as refused:
        check_place(session, scope=scope, municipality="Кунгурский муниципальный округ")
    assert refused.value.entity_id == kungur
    for unknown in ("Атлантида", "Пермский"):
        with pytest.raises(OutOfScope):
            check_place(session, scope=scope, municipality=unknown)
    for empty in (None, "  "):
        with pytest.raises(ManualSignalError, match="только по своей территории"):
            check_place(session, scope=scope, municipality=empty)
    with pytest.raises(OutOfScope):  # an agency's token files no signals
        check_place(session, scope=agency_scope(1), municipality="Пермский городской округ")


def test_a_signal_outside_the_territory_is_refused_and_one_inside_goes_through(
    seeded: Engine,
) -> None:
    with Session(seeded) as session:
        krasnokamsk = session.exec(
            select(Municipality.id).where(Municipality.name == "Краснокамский городской округ")
        ).one()
        other = session.exec(
            select(Municipality.name).where(Municipality.id != krasnokamsk).limit(1)
        ).one()
    scope = Scope(municipality_ids=frozenset({krasnokamsk}))
    pipeline = configured_pipeline(get_settings(), engine=seeded)

    def add(place: str) -> SignalAdded:
        signal = ManualSignal(text=TEXT, channel=Channel.PHONE, operator="perm", municipality=place)
        return add_signal(engine=seeded, pipeline=pipeline, signal=signal, user_id=None,
                          lemmatize=resources.lemmatize_text, scope=scope)  # fmt: skip

    with pytest.raises(OutOfScope):
        add(other)
    assert _posts(seeded) == []
    added = add("Краснокамский городской округ")
    assert added.municipality == "Краснокамский городской округ"
    assert [p.id for p in _posts(seeded)] == [added.post_id]


# With «Адрес: Краснокамский городской округ» appended, the resolver reads two places and
# answers "unknown": a Краснокамск user would never see the signal they filed.
CHUSOVOY_TEXT = "Нет отопления в доме на Мира, 12, Чусовской район, батареи чуть тёплые"
KRASNOKAMSK = "Краснокамский городской округ"


def _municipality_id(engine: Engine, name: str) -> int:
    with Session(engine) as session:
        return session.exec(select(Municipality.id).where(Municipality.name == name)).one() or 0


def _file(engine: Engine, *, place: str | None, scope: Scope = EVERYWHERE) -> SignalAdded:
    signal = ManualSignal(text=CHUSOVOY_TEXT, channel=Channel.PHONE, operator="krasnokamsk",
                          municipality=place)  # fmt: skip
    pipeline = configured_pipeline(get_settings(), engine=engine)
    return add_signal(engine=engine, pipeline=pipeline, signal=signal, user_id=None,
                      lemmatize=resources.lemmatize_text, scope=scope)  # fmt: skip


def _landed(engine: Engine, post_id: int, scope: Scope) -> tuple[Annotation, Report, list[int]]:
    """The post's annotation, the report its incident becomes, the scoped user's queue."""
    with Session(engine, expire_on_commit=False) as session:
        annotation = current_annotation(session, post_id=post_id)
        assert annotation is not None
        incident_id = session.exec(
            select(IncidentPost.incident_id).where(IncidentPost.post_id == post_id)
        ).one()
        incident = session.get(Incident, incident_id)
        assert incident is not None
        report = create_report(session, incident_id=incident_id, expected_version=incident.version,
                               actor="krasnokamsk", user_id=None, calendar=WorkCalendar(),
                               scope=scope)  # fmt: skip
        session.commit()
        queue = review_queue(session, filters=QueueFilters(review_statuses=()), scope=scope)
        return annotation, report, [item.post_id for item in queue.items]


def test_the_operators_municipality_is_the_place_whatever_the_text_names(
    seeded: Engine,
) -> None:
    krasnokamsk = _municipality_id(seeded, KRASNOKAMSK)
    scope = Scope(municipality_ids=frozenset({krasnokamsk}))
    added = _file(seeded, place=KRASNOKAMSK, scope=scope)
    assert added.municipality == KRASNOKAMSK
    annotation, report, queue = _landed(seeded, added.post_id, scope)
    assert (annotation.municipality_id, annotation.municipality_confidence) == (krasnokamsk, 1.0)
    assert annotation.reasons["municipality_why"] == "указан оператором"
    assert annotation.topic_code is not None  # the text still decides the topic
    assert report.municipality_id == krasnokamsk
    with Session(seeded) as session:
        agency = session.get(Agency, report.agency_id) if report.agency_id else None
        assert agency is None or agency.municipality_id in (None, krasnokamsk)
    assert added.post_id in queue


def test_without_a_chosen_place_the_text_decides(seeded: Engine) -> None:
    added = _file(seeded, place=None)
    assert added.municipality == "Чусовской городской округ"
    with Session(seeded) as session:
        annotation = current_annotation(session, post_id=added.post_id)
        assert annotation is not None
        assert annotation.reasons["municipality_why"] != "указан оператором"


def test_on_rq_the_worker_honours_the_chosen_place(seeded: Engine, on_redis: Redis) -> None:
    added = _file(seeded, place=" краснокамский  городской округ ")  # typed, not picked
    assert added.review_status == "pending"
    SimpleWorker([Queue(name, connection=on_redis) for name in ALL_QUEUES],
                 connection=on_redis).work(burst=True, with_scheduler=False)  # fmt: skip
    krasnokamsk = _municipality_id(seeded, KRASNOKAMSK)
    scope = Scope(municipality_ids=frozenset({krasnokamsk}))
    annotation, report, queue = _landed(seeded, added.post_id, scope)
    assert annotation.municipality_id == krasnokamsk
    assert report.municipality_id == krasnokamsk
    assert added.post_id in queue
