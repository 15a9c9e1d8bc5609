"""The composition root's shared handles: one engine per process, built from settings."""

from functools import lru_cache

from sqlalchemy import Engine

from models.db import make_engine
from otklik.settings import get_settings


@lru_cache
def engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    """The engine for the configured database (`OTKLIK_DATABASE_URL`)."""
    return engine_for(get_settings().database_url)
