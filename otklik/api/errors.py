"""Every refusal of the API as data: HTTP code, a machine-readable reason, a Russian text.

Bodies follow Open311's error list, `[{"code": 409, "description": "…"}]`, with `reason`
added so a client's program can tell the cases apart without parsing the Russian text.
"""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from triage.agency_updates import StatusNotAllowed
from triage.errors import ConflictError, InvalidTransition, NotFound, TriageError
from triage.export_labels import STATUS_NAMES
from triage.scope import OutOfScope

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, code: int, reason: str, description: str, **extra: Any) -> None:
        super().__init__(description)
        self.code = code
        self.reason = reason
        self.description = description
        self.extra = extra
        self.headers: dict[str, str] = {}


def error_response(error: ApiError) -> JSONResponse:
    body = [
        {
            "code": error.code,
            "reason": error.reason,
            "description": error.description,
            **error.extra,
        }
    ]
    return JSONResponse(body, status_code=error.code, headers=error.headers)


def from_triage(error: TriageError) -> ApiError:
    """The API's answer to a refusal of the stage functions."""
    if isinstance(error, NotFound | OutOfScope):  # another agency's report is not there for you
        return ApiError(404, "not_found", "Обращение не найдено.")
    if isinstance(error, ConflictError):
        return ApiError(
            409,
            "version_conflict",
            f"Обращение уже изменено (вы передали версию {error.expected}, текущая — "
            f"{error.actual}). Загрузите его заново и повторите.",
            current_version=error.actual,
        )
    if isinstance(error, InvalidTransition):
        return ApiError(
            409,
            "invalid_transition",
            f"Нельзя перевести обращение из статуса «{_name(error.current)}» "
            f"в «{_name(error.target)}».",
            current_status=error.current,
        )
    if isinstance(error, StatusNotAllowed):
        return ApiError(
            403,
            "status_not_allowed",
            f"Исполнитель не может сам установить статус «{_name(error.status)}».",
        )
    return ApiError(422, "rejected", "Изменение отклонено.", detail=str(error))


def install(app: FastAPI) -> None:
    """Error handlers: our refusals, bad requests, unknown paths, and bugs (logged)."""

    @app.exception_handler(ApiError)
    async def _api(_: Request, error: ApiError) -> JSONResponse:
        return error_response(error)

    @app.exception_handler(TriageError)
    async def _triage(_: Request, error: TriageError) -> JSONResponse:
        return error_response(from_triage(error))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        fields = sorted({".".join(str(p) for p in e["loc"][1:]) for e in error.errors()})
        return error_response(
            ApiError(
                400,
                "bad_request",
                f"Неверный запрос: проверьте поля {', '.join(fields)}.",
                fields=fields,
            )
        )

    @app.exception_handler(HTTPException)
    async def _http(_: Request, error: HTTPException) -> JSONResponse:
        if error.status_code == 404:
            return error_response(ApiError(404, "no_such_path", "Такого адреса в API нет."))
        if error.status_code == 405:
            return error_response(ApiError(405, "method_not_allowed", "Метод не поддерживается."))
        return error_response(ApiError(error.status_code, "http_error", "Ошибка запроса."))

    @app.exception_handler(Exception)
    async def _bug(_: Request, error: Exception) -> JSONResponse:
        log.exception("API request failed", exc_info=error)
        return error_response(ApiError(500, "internal_error", "Внутренняя ошибка сервера."))


def _name(status: str) -> str:
    return STATUS_NAMES.get(status, status)  # type: ignore[call-overload]
