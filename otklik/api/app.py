"""The FastAPI application: Open311 GeoReport v2 under /open311/v2, JSON only.

Public: the service list (the rubricator's topics). With an agency's token (header
`Authorization: Bearer …`, or Open311's `api_key` parameter): that agency's reports, and
updates of their status and answer.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine
from sqlmodel import Session

from models.clock import now
from models.report import ReportStatus
from models.taxonomy import Topic
from otklik.api import errors, open311
from otklik.api.errors import ApiError
from otklik.api.rate_limit import RateLimiter
from triage.agency_updates import AgencyUpdate, apply_agency_update
from triage.api_tokens import digest, token_agency
from triage.calendar import WorkCalendar
from triage.report_list import get_report_row, list_reports
from triage.scope import agency_scope
from triage.taxonomy import offered_topics, topic_names

PREFIX = "/open311/v2"
MAX_REQUESTS = 1000  # Open311's own ceiling for one GET requests
DEFAULT_DAYS = 90  # Open311: without dates, the last 90 days


@dataclass(frozen=True)
class ApiTools:
    engine: Engine
    calendar: WorkCalendar
    limiter: RateLimiter


class UpdateBody(BaseModel):
    """An agency's update: the version it read, and a new status and/or an answer."""

    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1)
    status: str | None = None
    answer: str | None = Field(default=None, min_length=1, max_length=10_000)


def create_app(tools: ApiTools) -> FastAPI:
    app = FastAPI(
        title="Otklik Open311 GeoReport v2",
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    errors.install(app)

    def session() -> Iterator[Session]:
        with Session(tools.engine, expire_on_commit=False) as db:
            yield db

    def public(request: Request) -> None:
        _limit(tools.limiter, f"ip:{request.client.host if request.client else '-'}")

    def agency(request: Request, api_key: str | None = None) -> int:
        token = _token(request, api_key)
        _limit(tools.limiter, f"token:{digest(token)}")
        with Session(tools.engine) as db:
            agency_id = token_agency(db, token=token)
        if agency_id is None:
            raise ApiError(401, "token_invalid", "Токен не найден или отозван.")
        return agency_id

    Db = Annotated[Session, Depends(session)]
    Agency = Annotated[int, Depends(agency)]

    @app.get(f"{PREFIX}/services.json", dependencies=[Depends(public)])
    def services(db: Db) -> list[dict[str, Any]]:
        return [open311.service(topic, category) for topic, category in offered_topics(db)]

    @app.get(f"{PREFIX}/services/{{code}}.json", dependencies=[Depends(public)])
    def service_definition(code: str, db: Db) -> dict[str, Any]:
        topic = db.get(Topic, code)
        if topic is None:
            raise ApiError(404, "no_such_service", "Такой услуги (темы) нет.")
        return open311.service_definition(topic)

    @app.get(f"{PREFIX}/requests.json")
    def requests(
        db: Db,
        agency_id: Agency,
        service_request_id: str | None = None,
        service_code: str | None = None,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        status: str | None = None,
    ) -> list[dict[str, Any]]:
        ids = _ids(service_request_id)
        filters: dict[str, Any] = (
            {"report_ids": ids}
            if ids
            else {
                "topic_codes": _split(service_code),
                "statuses": _statuses(status),
                **_dates(start_date, end_date),
            }
        )
        rows = list_reports(
            db, now=now(), scope=agency_scope(agency_id), limit=MAX_REQUESTS, **filters
        )
        names = topic_names(db)
        return [open311.request(row, service_names=names) for row in rows]

    @app.get(f"{PREFIX}/requests/{{report_id:int}}.json")
    def request(report_id: int, db: Db, agency_id: Agency) -> list[dict[str, Any]]:
        return [_one(db, report_id=report_id, agency_id=agency_id)]

    @app.post(f"{PREFIX}/requests/{{report_id:int}}/updates.json")
    def update(report_id: int, body: UpdateBody, db: Db, agency_id: Agency) -> list[dict[str, Any]]:
        change = AgencyUpdate(expected_version=body.version, status=body.status, answer=body.answer)
        apply_agency_update(
            db, agency_id=agency_id, report_id=report_id, update=change, calendar=tools.calendar
        )
        return [_one(db, report_id=report_id, agency_id=agency_id)]

    return app


def _one(db: Session, *, report_id: int, agency_id: int) -> dict[str, Any]:
    row = get_report_row(db, report_id=report_id, now=now(), scope=agency_scope(agency_id))
    if row is None:
        raise ApiError(404, "not_found", "Обращение не найдено.")
    return open311.request(row, service_names=topic_names(db))


def _token(request: Request, api_key: str | None) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    token = value.strip() if scheme.lower() == "bearer" else (api_key or "").strip()
    if not token:
        raise ApiError(401, "token_missing", "Нужен токен: заголовок Authorization: Bearer …")
    return token


def _limit(limiter: RateLimiter, key: str) -> None:
    wait = limiter.hit(key)
    if wait is not None:
        text = f"Слишком много запросов: повторите через {wait} с."
        error = ApiError(429, "rate_limited", text, retry_after=wait)
        error.headers["Retry-After"] = str(wait)
        raise error


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _ids(value: str | None) -> tuple[int, ...]:
    parts = _split(value)
    if not all(part.isdigit() for part in parts):
        raise ApiError(400, "bad_request", "service_request_id: номера через запятую.")
    return tuple(int(part) for part in parts)


def _statuses(value: str | None) -> tuple[str, ...]:
    wanted = set(_split(value))
    if not wanted <= {"open", "closed"}:
        raise ApiError(400, "bad_request", "status: open или closed (через запятую).")
    return tuple(s for s in ReportStatus if open311.open311_status(s) in wanted)


def _dates(start: datetime | None, end: datetime | None) -> dict[str, datetime | None]:
    start, end = _utc(start), _utc(end)
    if start is None and end is None:
        start = now() - timedelta(days=DEFAULT_DAYS)
    if start is not None and end is not None and end < start:
        raise ApiError(400, "bad_request", "end_date раньше start_date.")
    return {"created_from": start, "created_to": end}


def _utc(moment: datetime | None) -> datetime | None:
    """Open311 dates carry their offset; one without is taken as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
