"""`build_annotator` settles the heap (`nlp.loading.settle_heap`): the loaded objects leave the
cyclic collector's reach. A speed-up only: real appeals annotate the same either way."""

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import Session, SQLModel, create_engine

from nlp.annotator import Annotator
from nlp.gazetteer import Gazetteer
from nlp.lemmas import Lemmatizer
from nlp.loading import build_annotator, settle_heap
from nlp.ner import LocationTagger
from otklik.paths import DATA_DIR


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Other tests run with nothing frozen, whatever this one leaves."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def _appeals(shared_data: Path) -> list[str]:
    kursk = pd.read_csv(shared_data / "appeals" / "kursk_train.csv", dtype=str, nrows=250)
    spb = pd.read_csv(shared_data / "appeals" / "spb_train.csv.gz", dtype=str, nrows=250)
    return [*kursk["text"].dropna(), *spb["text"].dropna()]


class _Node:
    """An object in a reference cycle, so only the cyclic collector can free it."""

    def __init__(self) -> None:
        self.me = self


def test_settle_heap_frees_garbage_then_freezes_until_the_next_call(unfrozen: None) -> None:
    garbage = _Node()
    gone = weakref.ref(garbage)
    del garbage
    kept = _Node()
    frozen = weakref.ref(kept)
    settle_heap()
    assert gone() is None  # collected before the freeze
    assert gc.get_freeze_count() > 0
    del kept
    gc.collect()
    assert frozen() is not None  # a frozen cycle waits...
    settle_heap()
    assert frozen() is None  # ...for the next settling


def test_a_settled_annotator_annotates_real_appeals_as_an_unsettled_one(
    unfrozen: None,
    shared_data: Path,
    reference_session: Session,
    tagger: LocationTagger,
    model_cache: Path,
    tmp_path: Path,
) -> None:
    texts = _appeals(shared_data)
    assert len(texts) >= 400
    # loaded as `build_annotator` does, without settling; fresh caches in each annotator
    gazetteer = Gazetteer.from_session(reference_session, lemmatizer=Lemmatizer())
    unsettled = Annotator.load(
        None, gazetteer=gazetteer, data_dir=DATA_DIR, cache_dir=model_cache, tagger=tagger
    )
    plain = [a.model_dump() for a in unsettled.annotate(texts)]
    assert gc.get_freeze_count() == 0
    engine = create_engine(f"sqlite:///{tmp_path / 'settled.db'}")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        settled = build_annotator(
            session, model_dir=model_cache, data_dir=DATA_DIR, region_code="57",
            lemmatizer=Lemmatizer(),
        )  # fmt: skip
    assert gc.get_freeze_count() > 100_000  # the loaded models and dictionaries
    assert settled.social is not None and settled.categories is not None
    assert [a.model_dump() for a in settled.annotate(texts)] == plain
    engine.dispose()
