"""Fires are not refugees: a fire post gets «Пожары и чрезвычайные происшествия» and the
emergency service, a refugee's post still «Беженцы» and social protection."""

from pathlib import Path

import pytest
from sqlmodel import Session

from nlp.annotator import Annotator
from nlp.gazetteer import Gazetteer
from nlp.ner import LocationTagger
from nlp.seed import seed_reference_data
from otklik.paths import DATA_DIR
from triage.routing import load_agencies, suggest_agency

FIRES = "safety_fires_emergencies"
REFUGEES = "safety_refugees"

# Texts written for these tests (not in data/seed_examples.csv).
FIRE_POSTS = [
    "Пожар в пятиэтажке на Садовой, из окон валит чёрный дым",
    "Горит дом на окраине, соседи выносят вещи",
    "Две семьи пострадали в пожаре, нужна одежда и посуда",
    "На складе возле рынка сильное возгорание, пожарные тушат",
]
REFUGEE_POSTS = [
    "Беженцы из зоны обстрелов не могут получить пособие, куда обращаться?",
    "Вынужденным переселенцам негде жить, помогите с временным жильём",
]


@pytest.fixture(scope="module")
def shipped(gazetteer: Gazetteer, tagger: LocationTagger, model_cache: Path) -> Annotator:
    """As a fresh install annotates: the cold start plus the shipped social models."""
    return Annotator.load(
        None, gazetteer=gazetteer, data_dir=DATA_DIR, cache_dir=model_cache, tagger=tagger
    )


@pytest.mark.parametrize("text", FIRE_POSTS)
def test_a_fire_post_gets_the_fires_topic_not_refugees(shipped: Annotator, text: str) -> None:
    # the topic only: whether it is a signal is the signal model's business
    [result] = shipped.annotate([text])
    assert (result.category_code, result.topic_code) == ("safety", FIRES)


@pytest.mark.parametrize("text", REFUGEE_POSTS)
def test_a_refugee_post_still_gets_refugees(shipped: Annotator, text: str) -> None:
    [result] = shipped.annotate([text])
    assert (result.category_code, result.topic_code) == ("safety", REFUGEES)


def test_fires_go_to_the_emergency_service_and_refugees_to_social_protection(
    session: Session,
) -> None:
    seed_reference_data(session, data_dir=DATA_DIR, region_code="57")
    load_agencies(session, path=DATA_DIR / "agencies.json")
    session.commit()
    fire = suggest_agency(session, topic_code=FIRES, category_code="safety", municipality_id=None)
    refugees = suggest_agency(
        session, topic_code=REFUGEES, category_code="safety", municipality_id=None
    )
    assert fire and fire.agency_name == "ГУ МЧС России по Пермскому краю"
    assert refugees and refugees.agency_name.startswith("Министерство труда и социального")
