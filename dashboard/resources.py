"""Shared handles of the console: the engine once per process, reference data with a TTL."""

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from models.agency import Agency
from models.db import make_engine
from models.geo import Municipality
from models.source import Source
from models.taxonomy import Category, Topic
from nlp.lemmas import Lemmatizer
from otklik.settings import Settings, get_settings
from otklik.wiring import thresholds_from_settings
from triage.calendar import WorkCalendar, calendar_from_settings
from triage.regroup import Regrouping
from triage.taxonomy import retired_topics

REFERENCE_TTL_SECONDS = 300


def settings() -> Settings:
    return get_settings()


@st.cache_resource
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def engine() -> Engine:
    """The engine of the configured database, built once per process."""
    return _engine_for(settings().database_url)


def session() -> Session:
    return Session(engine(), expire_on_commit=False)


@st.cache_data(ttl=REFERENCE_TTL_SECONDS, show_spinner=False)
def _categories(url: str) -> dict[str, str]:
    with Session(_engine_for(url)) as db:
        rows = db.exec(select(Category).order_by(Category.position, Category.name))
        return {row.code: row.name for row in rows}


@st.cache_data(ttl=REFERENCE_TTL_SECONDS, show_spinner=False)
def _topics(url: str) -> dict[str, tuple[str, str]]:
    with Session(_engine_for(url)) as db:
        rows = db.exec(select(Topic).order_by(Topic.position, Topic.name))
        return {row.code: (row.category_code, row.name) for row in rows}


@st.cache_data(ttl=REFERENCE_TTL_SECONDS, show_spinner=False)
def _retired(url: str) -> frozenset[str]:
    with Session(_engine_for(url)) as db:
        return retired_topics(db)


@st.cache_data(ttl=REFERENCE_TTL_SECONDS, show_spinner=False)
def _municipalities(url: str) -> dict[int, str]:
    with Session(_engine_for(url)) as db:
        rows = db.exec(select(Municipality).order_by(Municipality.name))
        return {row.id: row.name for row in rows if row.id is not None}


@st.cache_data(ttl=60, show_spinner=False)
def _sources(url: str) -> dict[int, str]:
    with Session(_engine_for(url)) as db:
        rows = db.exec(select(Source).order_by(Source.name))
        return {row.id: row.name for row in rows if row.id is not None}


@st.cache_data(ttl=60, show_spinner=False)
def _source_kinds(url: str) -> dict[int, str]:
    with Session(_engine_for(url)) as db:
        return {row.id: row.kind for row in db.exec(select(Source)) if row.id is not None}


@st.cache_data(ttl=REFERENCE_TTL_SECONDS, show_spinner=False)
def _agencies(url: str) -> dict[int, tuple[str, bool]]:
    with Session(_engine_for(url)) as db:
        rows = db.exec(select(Agency).order_by(Agency.name))
        return {row.id: (row.name, row.active) for row in rows if row.id is not None}


def source_kinds() -> dict[int, str]:
    """Source id -> kind (vk_wall, telegram…)."""
    return _source_kinds(settings().database_url)


def agencies() -> dict[int, str]:
    """Agency id -> name, every agency (history names old ones too)."""
    return {i: name for i, (name, _) in _agencies(settings().database_url).items()}


def active_agencies() -> dict[int, str]:
    """Agency id -> name of the agencies a report may be sent to, by name."""
    return {i: name for i, (name, on) in _agencies(settings().database_url).items() if on}


def categories() -> dict[str, str]:
    """Category code -> name."""
    return _categories(settings().database_url)


def topics() -> dict[str, tuple[str, str]]:
    """Topic code -> (category code, name)."""
    return _topics(settings().database_url)


def offered_topics() -> dict[str, tuple[str, str]]:
    """What moderators may choose: active topics of active categories, code -> (category,
    name). Deactivated ones keep their names in `topics()` for history."""
    retired = _retired(settings().database_url)
    return {code: topic for code, topic in topics().items() if code not in retired}


def offered_categories() -> dict[str, str]:
    """Active categories that have an active topic, code -> name."""
    used = {category for category, _ in offered_topics().values()}
    return {code: name for code, name in categories().items() if code in used}


def municipalities() -> dict[int, str]:
    """Municipality id -> name."""
    return _municipalities(settings().database_url)


def sources() -> dict[int, str]:
    """Source id -> name."""
    return _sources(settings().database_url)


@st.cache_resource
def calendar() -> WorkCalendar:
    """The working calendar of SLA deadlines, from settings."""
    return calendar_from_settings(settings())


@st.cache_resource(show_spinner="Загрузка морфологии…")
def lemmatizer() -> Lemmatizer:
    """pymorphy3 with its word cache, loaded once per process."""
    return Lemmatizer()


def lemmatize_text(text: str) -> str:
    """A text's lemmas by `lemmatizer()`, loaded at the first call (one function for the
    process, so grouping's cache of compared texts is shared across reruns)."""
    return lemmatizer().lemmatize_text(text)


@st.cache_resource
def regrouping() -> Regrouping:
    """How a moderator's correction groups its post again: with the thresholds, calendar
    and lemmas the pipeline groups new posts with (`OTKLIK_TRIAGE_*`)."""
    return Regrouping(
        thresholds=thresholds_from_settings(settings()),
        calendar=calendar(),
        lemmatize=lemmatize_text,
    )


def clear_reference_data() -> None:
    """Forget cached reference data after the console itself changed it (this process's
    cache: every page of every session sees the change at its next run)."""
    _sources.clear()
    _source_kinds.clear()
    _agencies.clear()
    _categories.clear()
    _topics.clear()
    _retired.clear()


@st.cache_data(ttl=REFERENCE_TTL_SECONDS, show_spinner=False)
def _municipality_points(url: str) -> dict[int, tuple[float, float]]:
    with Session(_engine_for(url)) as db:
        rows = db.exec(select(Municipality).where(col(Municipality.latitude).is_not(None)))
        return {
            row.id: (row.latitude, row.longitude)
            for row in rows
            if row.id is not None and row.latitude is not None and row.longitude is not None
        }


def municipality_points() -> dict[int, tuple[float, float]]:
    """Municipality id -> (latitude, longitude), from the gazetteer."""
    return _municipality_points(settings().database_url)
