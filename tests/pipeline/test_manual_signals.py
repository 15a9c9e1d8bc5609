"""`otklik signals add`: a manual signal through the real pipeline, on both databases and rq;
its contact found and erased by `otklik privacy`."""

import pytest
from redis import Redis
from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from ingest.manual import Channel, ManualSignal, ManualSignalError, adapt_manual_signal
from models.clock import now
from models.geo import Municipality
from models.post import PipelineStage, Post, ReviewStatus
from models.source import Source, SourceKind
from otklik import resources
from otklik.cli import app
from otklik.pipeline import configured_pipeline
from otklik.settings import get_settings
from otklik.signals import SignalAdded, add_signal, check_place
from tests.triage import factories as f
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
