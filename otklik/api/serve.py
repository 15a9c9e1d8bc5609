"""The API's tools built from settings, and the uvicorn server that runs it."""

import uvicorn
from fastapi import FastAPI

from otklik.api.app import ApiTools, create_app
from otklik.api.rate_limit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from otklik.queues import redis_connection
from otklik.runtime import get_engine
from otklik.settings import Settings
from otklik.wiring import calendar_from_settings


def limiter_from_settings(settings: Settings) -> RateLimiter:
    """Shared by every API process through Redis when there is one; else per process."""
    per_minute = settings.api_rate_limit_per_minute
    if settings.redis_url:
        return RedisRateLimiter(redis_connection(settings.redis_url), per_minute=per_minute)
    return MemoryRateLimiter(per_minute=per_minute)


def app_from_settings(settings: Settings) -> FastAPI:
    return create_app(
        ApiTools(
            engine=get_engine(),
            calendar=calendar_from_settings(settings),
            limiter=limiter_from_settings(settings),
        )
    )


def server(app: FastAPI, *, host: str, port: int) -> uvicorn.Server:
    return uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_level="info", access_log=True)
    )
