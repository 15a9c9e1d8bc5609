"""The VK client: `vk_api.VkApi` set to API 5.199, with VK errors translated into ours."""

from typing import Any

import requests
import vk_api
from jconfig.memory import MemoryConfig
from requests.adapters import HTTPAdapter
from vk_api.exceptions import ApiError, ApiHttpError
from vk_api.requests_pool import VkRequestsPool

from ingest.failures import FailureKind, SourceFailure

VK_API_VERSION = "5.199"
VK_API_URL = "https://api.vk.ru"  # where vk_api sends every method call; it cannot be changed
RATE_LIMIT_CODES = frozenset({6, 9, 29})
BROKEN_CODES = frozenset({5})
GONE_CODES = frozenset({15, 18, 30})
TOO_MANY_RPS_CODE = 6


def make_vk_api(
    *,
    token: str,
    rps_delay: float,
    session: requests.Session | None = None,
    api_url: str = VK_API_URL,
) -> vk_api.VkApi:
    """A token client that keeps nothing on disk and lets rate-limit errors reach us.

    vk_api retries error 6 forever on its own; Otklik backs off with jitter instead.
    Another `api_url` (a proxy, a local fake VK) receives the calls meant for VK's own.
    """
    if api_url.rstrip("/") != VK_API_URL:
        session = session or requests.Session()
        session.mount(f"{VK_API_URL}/", RebasedAdapter(api_url))
    vk = vk_api.VkApi(token=token, api_version=VK_API_VERSION, session=session, config=MemoryConfig)
    vk.RPS_DELAY = rps_delay
    vk.error_handlers.pop(TOO_MANY_RPS_CODE, None)
    return vk


class RebasedAdapter(HTTPAdapter):
    """Sends the requests vk_api addresses to https://api.vk.ru/... to `base` instead."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base.rstrip("/")

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        url = request.url or ""
        if url.startswith(VK_API_URL):
            request.url = self.base + url[len(VK_API_URL) :]
        return super().send(request, **kwargs)


def call(vk: vk_api.VkApi, method: str, values: dict[str, Any]) -> Any:
    """One API call; VK's errors become `SourceFailure`s the crawl knows how to record."""
    try:
        return vk.method(method, values)
    except ApiError as error:
        raise translate(error) from error
    except (ApiHttpError, requests.RequestException) as error:
        raise SourceFailure(FailureKind.TRANSIENT, f"{method}: {error}") from error


def call_pool(
    vk: vk_api.VkApi, method: str, calls: list[dict[str, Any]]
) -> list[Any | SourceFailure]:
    """The same method with many value sets, 25 per `execute` request.

    A call VK refused alone comes back as its `SourceFailure`; an error of the whole
    request (rate limit, bad token) is raised like `call`'s.
    """
    pool = VkRequestsPool(vk)
    results = [pool.method(method, values) for values in calls]
    try:
        pool.execute()
    except ApiError as error:
        raise translate(error) from error
    except (ApiHttpError, requests.RequestException) as error:
        raise SourceFailure(FailureKind.TRANSIENT, f"execute {method}: {error}") from error
    except (TypeError, KeyError, IndexError, StopIteration) as error:  # e.g. "response": null
        message = f"execute {method}: malformed answer ({type(error).__name__}: {error})"
        raise SourceFailure(FailureKind.TRANSIENT, message) from error
    return [_pool_result(method, r) for r in results]


def _pool_result(method: str, result: Any) -> Any:
    if result.ok:
        return result.result
    if not result.ready:
        return SourceFailure(FailureKind.TRANSIENT, f"{method}: no answer in the execute reply")
    return _failure(method, result.error)


def _failure(method: str, error: Any) -> SourceFailure:
    if not isinstance(error, dict):
        return SourceFailure(FailureKind.TRANSIENT, f"{method}: malformed VK error {error!r}")
    code, message = error.get("error_code"), error.get("error_msg", "")
    return translate_code(
        code if isinstance(code, int) else 0, f"{method}: VK error [{code}] {message}"
    )


def translate(error: ApiError) -> SourceFailure:
    return translate_code(error.code, f"{error.method}: VK error {error}")


def translate_code(code: int, message: str) -> SourceFailure:
    if code in RATE_LIMIT_CODES:
        return SourceFailure(FailureKind.RATE_LIMITED, message)
    if code in BROKEN_CODES:
        return SourceFailure(FailureKind.BROKEN, message)
    if code in GONE_CODES:
        return SourceFailure(FailureKind.GONE, message)
    return SourceFailure(FailureKind.TRANSIENT, message)
