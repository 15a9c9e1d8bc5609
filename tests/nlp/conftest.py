"""NLP fixtures: lemmatiser, natasha, gazetteer and cold-start model, built once per session."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, SQLModel, create_engine

import models  # noqa: F401
from nlp.annotator import Annotator
from nlp.classifier import ClassifierBundle
from nlp.coldstart import cold_start_bundle
from nlp.gazetteer import Gazetteer
from nlp.lemmas import Lemmatizer
from nlp.ner import LocationTagger
from nlp.resolver import MunicipalityResolver
from nlp.seed import seed_reference_data
from otklik.paths import DATA_DIR


@pytest.fixture(scope="session")
def lemmatizer() -> Lemmatizer:
    return Lemmatizer()


@pytest.fixture(scope="session")
def tagger() -> LocationTagger:
    return LocationTagger()


@pytest.fixture(scope="session")
def reference_session() -> Iterator[Session]:
    """An in-memory database holding only the default reference data (read-only for tests)."""
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        seed_reference_data(session, data_dir=DATA_DIR, region_code="57")
        yield session
    engine.dispose()


@pytest.fixture(scope="session")
def gazetteer(reference_session: Session, lemmatizer: Lemmatizer) -> Gazetteer:
    return Gazetteer.from_session(reference_session, lemmatizer=lemmatizer)


@pytest.fixture(scope="session")
def resolver(gazetteer: Gazetteer, tagger: LocationTagger) -> MunicipalityResolver:
    return MunicipalityResolver(gazetteer, tagger)


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def cold_bundle(model_cache: Path, lemmatizer: Lemmatizer) -> ClassifierBundle:
    return cold_start_bundle(DATA_DIR, cache_dir=model_cache, lemmatizer=lemmatizer)


@pytest.fixture(scope="session")
def annotator(cold_bundle: ClassifierBundle, resolver: MunicipalityResolver) -> Annotator:
    return Annotator(cold_bundle, resolver)


def municipality_id(gazetteer: Gazetteer, name: str) -> int:
    return next(mid for mid, known in gazetteer.municipalities.items() if known == name)
