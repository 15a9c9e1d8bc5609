"""Learning villages the gazetteer lacks from texts whose municipality is known: a
moderator-confirmed post, an appeals export's executor, or the district the text names.
Every sentence here is invented."""

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from models.geo import Municipality, Settlement
from nlp.gazetteer import Gazetteer
from nlp.lemmas import Lemmatizer
from nlp.resolver import MunicipalityResolver
from nlp.settlement_learning import (
    LearningSummary,
    LearningText,
    confirmed_posts,
    is_learned,
    learn_settlements,
)
from otklik.cli import app
from tests.triage import factories as f
from triage.moderation import correct_post

runner = CliRunner()
OLKHOVSKY = "Ольховский муниципальный район"
SOSNOVSKY = "Сосновский муниципальный район"


def _region(session: Session) -> dict[str, int]:
    ids = {}
    for name in (OLKHOVSKY, SOSNOVSKY):
        row = Municipality(region_code="38", name=name)
        session.add(row)
        session.flush()
        ids[name] = row.id or 0
    session.add(Settlement(municipality_id=ids[OLKHOVSKY], name="Ольховка", kind="село"))
    session.commit()
    return ids


def _learn(
    session: Session, lemmatizer: Lemmatizer, texts: list[LearningText], **options: int
) -> LearningSummary:
    gazetteer = Gazetteer.from_session(session, lemmatizer=lemmatizer, region_code="38")
    return learn_settlements(session, texts, gazetteer=gazetteer, region_code="38", **options)


def _resolver(session: Session, lemmatizer: Lemmatizer) -> MunicipalityResolver:
    return MunicipalityResolver(Gazetteer.from_session(session, lemmatizer=lemmatizer))


def _learned(session: Session) -> list[tuple[str, str, int]]:
    rows = session.exec(select(Settlement)).all()
    return sorted((s.name, s.kind, s.municipality_id) for s in rows if is_learned(s))


def test_a_confirmed_post_teaches_its_village_and_a_model_guess_does_not(
    session: Session, lemmatizer: Lemmatizer
) -> None:
    ids = _region(session)
    f.taxonomy(session)
    source = f.source(session)
    confirmed = f.annotated_post(session, source_id=source, municipality_id=None,
                                 text="В д. Мокрецово третий день нет воды в колонке")  # fmt: skip
    f.annotated_post(session, source_id=source, municipality_id=ids[SOSNOVSKY],
                     text="На въезде в с. Кривулино яма на дороге")  # fmt: skip
    session.commit()
    correct_post(session, post_id=confirmed, expected_version=1, category_code=None,
                 topic_code=None, municipality_id=ids[OLKHOVSKY], actor="anna",
                 user_id=None)  # fmt: skip
    session.commit()

    texts = list(confirmed_posts(session, ids.values()))
    assert [(t.municipality_id, t.origin) for t in texts] == [(ids[OLKHOVSKY], f"post {confirmed}")]
    summary = _learn(session, lemmatizer, texts)
    assert summary.learned == [("Мокрецово", OLKHOVSKY, 1)]
    assert _learned(session) == [("Мокрецово", "деревня (выучено)", ids[OLKHOVSKY])]

    found = _resolver(session, lemmatizer).resolve("Когда починят мост в Мокрецово?")
    assert found.municipality_name == OLKHOVSKY
    assert found.span == "Мокрецово"
    assert _resolver(session, lemmatizer).resolve("Яма в Кривулино").municipality_id is None

    again = _learn(session, lemmatizer, list(confirmed_posts(session, ids.values())))
    assert (again.learned, again.already_learned) == ([], ["Мокрецово"])
    assert len(_learned(session)) == 1


def test_a_village_the_text_puts_in_a_district_is_learned_without_a_known_place(
    session: Session, lemmatizer: Lemmatizer
) -> None:
    ids = _region(session)
    texts = [
        LearningText("Жители с. Пустошкино Сосновского района просят фонарь", None, "a"),
        LearningText("Сосновский район, д. Теплухино: упало дерево на провода", None, "b"),
        LearningText("В селе Кривулино размыло дорогу", None, "c"),  # no place known
    ]
    summary = _learn(session, lemmatizer, texts)
    assert sorted(summary.learned) == [("Пустошкино", SOSNOVSKY, 1), ("Теплухино", SOSNOVSKY, 1)]
    assert summary.rejected["no municipality known for the text"] == 1
    assert {(name, mid) for name, _, mid in _learned(session)} == {
        ("Пустошкино", ids[SOSNOVSKY]),
        ("Теплухино", ids[SOSNOVSKY]),
    }
    found = _resolver(session, lemmatizer).resolve("в деревне Теплухино нет света")
    assert found.municipality_name == SOSNOVSKY


def test_a_name_seen_in_two_municipalities_is_refused_and_a_learned_one_withdrawn(
    session: Session, lemmatizer: Lemmatizer
) -> None:
    ids = _region(session)
    twice = [
        LearningText("Мусор у д. Кривулино не вывозят", ids[OLKHOVSKY], "a"),
        LearningText("В деревне Кривулино нет автобуса", ids[SOSNOVSKY], "b"),
    ]
    summary = _learn(session, lemmatizer, twice)
    assert summary.learned == []
    assert summary.ambiguous == [("Кривулино", [OLKHOVSKY, SOSNOVSKY])]
    assert _learned(session) == []
    assert _resolver(session, lemmatizer).resolve("Яма в Кривулино").municipality_id is None

    first = _learn(
        session, lemmatizer, [LearningText("с. Теплухино без воды", ids[OLKHOVSKY], "c")]
    )
    assert [name for name, _, _ in first.learned] == ["Теплухино"]
    later = _learn(session, lemmatizer, [LearningText("х. Теплухино", ids[SOSNOVSKY], "d")])
    assert later.withdrawn == [("Теплухино", [OLKHOVSKY, SOSNOVSKY])]
    assert _learned(session) == []


def test_known_names_common_words_and_far_ends_are_not_learned(
    session: Session, lemmatizer: Lemmatizer
) -> None:
    ids = _region(session)
    texts = [
        LearningText("В селе Ольховке снова нет газа", ids[SOSNOVSKY], "a"),  # in the gazetteer
        LearningText("Автобус из д. Мокрецово в город не ходит", ids[OLKHOVSKY], "b"),
        LearningText("Прошу помочь. С. уважением, жители", ids[OLKHOVSKY], "c"),
        LearningText("Дом на ул. С. Кривулина, д. 5 без крыши", ids[OLKHOVSKY], "d"),
        LearningText("в деревне пустошкино темно", ids[OLKHOVSKY], "e"),  # lower case
        LearningText("", ids[OLKHOVSKY], "f"),
    ]
    summary = _learn(session, lemmatizer, texts, min_sightings=1)
    assert summary.learned == []
    assert summary.already_known == ["Ольховке"]
    assert summary.rejected["a route's or a trip's far end"] == 1
    assert summary.rejected["a street's name"] == 1
    assert summary.rejected["lower-case name"] >= 1
    assert _learned(session) == []


def test_min_sightings_holds_back_a_name_seen_once(
    session: Session, lemmatizer: Lemmatizer
) -> None:
    ids = _region(session)
    texts = [
        LearningText("В д. Мокрецово нет воды", ids[OLKHOVSKY], "a"),
        LearningText("Дорога в деревню Мокрецово разбита", ids[OLKHOVSKY], "b"),
        LearningText("В д. Теплухино нет воды", ids[OLKHOVSKY], "c"),
    ]
    summary = _learn(session, lemmatizer, texts, min_sightings=2)
    assert summary.learned == [("Мокрецово", OLKHOVSKY, 2)]
    assert summary.too_few == [("Теплухино", 1)]


APPEALS = """text,executor
"В д. Мокрецово третий день нет воды",Администрация Краснокамского городского округа
"Прошу отремонтировать мост в селе Мокрецово",Администрация Краснокамского городского округа
,Администрация Краснокамского городского округа
"В с. Теплухино упал столб",Министерство энергетики края
"Яма у д. Кривулино",Администрация Краснокамского городского округа
"Нет света в д. Кривулино",Администрация Чусовского городского округа
"""


def test_learn_settlements_reads_an_appeals_export(configured: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    path = tmp_path / "appeals.csv"
    path.write_text(APPEALS, encoding="utf-8")
    text = "Когда в Мокрецово починят водопровод?"
    before = runner.invoke(app, ["geo", "resolve", text, "--json"])
    assert json.loads(before.stdout.strip().splitlines()[-1])["municipality"] is None

    dry = runner.invoke(app, ["geo", "learn-settlements", "--appeals", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would learn: 1" in dry.output
    learned = runner.invoke(app, ["geo", "learn-settlements", "--appeals", str(path)])
    assert learned.exit_code == 0, learned.output
    assert "learned: 1\n  Мокрецово — Краснокамский городской округ, 2 text(s)" in learned.output
    assert "refused: seen in several municipalities: 1\n  Кривулино — " in learned.output
    assert "rows not read: 1\n  appeals.csv:4: no text" in learned.output
    assert "no municipality known for the text: 1" in learned.output

    after = runner.invoke(app, ["geo", "resolve", text, "--json"])
    assert json.loads(after.stdout.strip().splitlines()[-1])["municipality"] == (
        "Краснокамский городской округ"
    )
    again = runner.invoke(app, ["geo", "learn-settlements", "--appeals", str(path)])
    assert again.exit_code == 0, again.output
    assert "learned: 0" in again.output and "already learned: 1" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--text-column", "Текст"], "has no column text='Текст'"),
        (["--no-posts"], "give --appeals FILE"),
    ],
)
def test_learn_settlements_refuses_bad_input_with_a_reason(
    configured: str, tmp_path: Path, args: list[str], message: str
) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    path = tmp_path / "appeals.csv"
    path.write_text(APPEALS, encoding="utf-8")
    appeals = [] if "--no-posts" in args else ["--appeals", str(path)]
    result = runner.invoke(app, ["geo", "learn-settlements", *appeals, *args])
    assert result.exit_code == 2
    assert message in result.output


def test_the_nightly_job_teaches_running_workers_without_reloading_their_models(
    configured: str, engine: Engine
) -> None:
    """A worker's annotator reads the villages the nightly job learned at its next batch:
    its gazetteer is read again, its models stay the loaded ones."""
    from otklik import resources
    from otklik.jobs import learn_settlements_job

    resources.annotator.cache_clear()
    before = resources.current_annotator()  # seeds the default region's gazetteer
    with Session(engine) as session:
        town = session.exec(
            select(Municipality.id).where(Municipality.name == "Краснокамский городской округ")
        ).one()
        source = f.source(session)
        post = f.annotated_post(
            session,
            source_id=source,
            municipality_id=None,
            category=None,
            topic=None,
            text="В д. Вымышленкино вторую неделю нет света",
        )
        session.commit()
    asked = "Жители д. Вымышленкино просят отсыпать дорогу"
    assert before.resolver.resolve(asked).municipality_id is None
    assert resources.current_annotator() is before  # nothing changed, nothing read again
    assert learn_settlements_job()["learned"] == []  # the model's guess teaches nothing

    with Session(engine) as session:
        correct_post(session, post_id=post, expected_version=1, category_code=None,
                     topic_code=None, municipality_id=town, actor="anna",
                     user_id=None)  # fmt: skip
        session.commit()
    assert learn_settlements_job()["learned"] == ["Вымышленкино"]

    after = resources.current_annotator()
    assert after.resolver.resolve(asked).municipality_id == town
    assert after.bundle is before.bundle and after.social is before.social
    assert resources.current_annotator() is after  # read once
    assert learn_settlements_job()["learned"] == []  # a re-run adds nothing
    resources.annotator.cache_clear()
