"""Build the annotator once from a session and plain settings values."""

import gc
from pathlib import Path

from sqlmodel import Session

from nlp.annotator import Annotator
from nlp.gazetteer import Gazetteer, gazetteer_stamp
from nlp.learning import current_version
from nlp.lemmas import Lemmatizer
from nlp.ner import LocationTagger
from nlp.seed import seed_reference_data


def build_annotator(
    session: Session,
    *,
    model_dir: Path,
    data_dir: Path,
    region_code: str,
    model_path: Path | None = None,
    use_ner: bool = True,
    lemmatizer: Lemmatizer | None = None,
) -> Annotator:
    """The given model, else the promoted one, else cold start; the database's gazetteer."""
    seed_reference_data(session, data_dir=data_dir, region_code=region_code)
    stamp = gazetteer_stamp(session)
    gazetteer = Gazetteer.from_session(session, lemmatizer=lemmatizer or Lemmatizer())
    version = None if model_path else current_version(session)
    path = model_path or (Path(version.path) if version else None)
    annotator = Annotator.load(
        path,
        gazetteer=gazetteer,
        data_dir=data_dir,
        cache_dir=model_dir,
        tagger=LocationTagger() if use_ner else None,
        model_version_id=version.id if version else None,
    )
    annotator.gazetteer_stamp = stamp
    settle_heap()
    return annotator


def settle_heap() -> None:
    """Collect the garbage of loading, then exempt what is left from the cyclic collector.

    A loaded annotator is some 200,000 objects (models, dictionaries, natasha) that live as
    long as the process. Each of Python's full collections walked all of them while posts
    were annotated: one took about a fifth of the CPU of a first pass over 1,000 new posts
    (BENCHMARKS.md, "Annotate throughput", Run 9). `gc.freeze` moves every object
    alive now into a permanent generation those collections skip; freed objects are still
    released by reference counting, only cycles among them wait for the next call (a model
    reload unfreezes, collects the previous annotator's cycles and freezes again).
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
