"""Heavy objects the stages need, built once per process from settings and passed in.

An NLP worker calls `annotator()` before its first job (`otklik worker` preloads it), so
the model is loaded once per process, never per job.
"""

from functools import lru_cache
from typing import Any

from sqlmodel import Session

from otklik.runtime import get_engine
from otklik.settings import get_settings
from otklik.stage_runs import TriageTools
from otklik.wiring import (
    answer_writers_from_settings,
    calendar_from_settings,
    clients_from_settings,
    thresholds_from_settings,
)


@lru_cache
def annotator() -> Any:
    """NLP's annotator, loaded once: the promoted model if any, else the cold-start one."""
    from nlp.loading import build_annotator

    settings = get_settings()
    with Session(get_engine()) as session:
        return build_annotator(
            session,
            model_dir=settings.model_dir,
            data_dir=settings.data_dir,
            region_code=settings.region_code,
            lemmatizer=lemmatizer(),
        )


# (`annotator()`'s annotator, the same with its gazetteer read again since): no models reloaded.
_refreshed: list[tuple[Any, Any]] = []


def current_annotator() -> Any:
    """The loaded annotator: reloaded once when another model version has been promoted, and
    its gazetteer read again (the models kept) when places were added or removed since: an
    `otklik geo import`, or villages learned by `otklik geo learn-settlements` or the nightly
    job. Costs two small queries a batch (the version, the gazetteer's stamp)."""
    from nlp.gazetteer import Gazetteer, gazetteer_stamp
    from nlp.learning import current_version

    base = annotator()
    loaded = _refreshed[0][1] if _refreshed and _refreshed[0][0] is base else base
    with Session(get_engine()) as session:
        version = current_version(session)
        if (version.id if version else None) != loaded.model_version_id:
            annotator.cache_clear()
            loaded = base = annotator()
        stamp = gazetteer_stamp(session)
        if stamp != loaded.gazetteer_stamp:
            gazetteer = Gazetteer.from_session(session, lemmatizer=lemmatizer())
            loaded = loaded.with_gazetteer(gazetteer, stamp)
            _refreshed[:] = [(base, loaded)]
    return loaded


@lru_cache
def lemmatizer() -> Any:
    from nlp.lemmas import Lemmatizer

    return Lemmatizer()


def lemmatize_text(text: str) -> str:
    """What `store_posts(lemmatize=...)` fills `search_lemmas` with."""
    return str(lemmatizer().lemmatize_text(text))


@lru_cache
def triage_tools() -> TriageTools:
    """Triage's thresholds (`OTKLIK_TRIAGE_*`), calendar and lemmatiser."""
    thresholds = thresholds_from_settings(get_settings())
    return TriageTools(thresholds=thresholds, calendar=calendar(), lemmatize=lemmatize_text)


@lru_cache
def clients() -> Any:
    """How crawls reach VK and Telegram; built from the credentials and limits in settings."""
    return clients_from_settings(get_settings())


@lru_cache
def calendar() -> Any:
    """The working calendar SLA deadlines are counted in."""
    return calendar_from_settings(get_settings())


@lru_cache
def answer_writers() -> Any:
    """The VK and Telegram answer writers (`triage.publishing.AnswerPublisher`)."""
    return answer_writers_from_settings(get_settings())


def clear() -> None:
    """Forget every loaded object (tests that change settings call this)."""
    for loaded in (annotator, lemmatizer, triage_tools, clients, calendar, answer_writers):
        loaded.cache_clear()
