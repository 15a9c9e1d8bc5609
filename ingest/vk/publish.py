"""Answers under VK posts and comments: `wall.createComment` with the wall's community token.

A community token writes on its own community's wall (`from_group` makes the community the
author). The tokens are passed in by owner id ("-123"); none is ever logged or shown. VK's
refusals become `PublishRefused` with a status; the crawl source's health is not touched.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
import vk_api
from urllib3.exceptions import NewConnectionError
from vk_api.exceptions import ApiError, ApiHttpError, Captcha

from models.post import PostKind
from models.publication import PublicationStatus, PublishedReply, PublishRefused, ReplyTarget
from models.source import SourceKind

VK_SOURCES = frozenset(
    {SourceKind.VK_WALL, SourceKind.VK_COMMENTS, SourceKind.VK_SEARCH, SourceKind.VK_DUMP}
)
FLOOD_CODES = frozenset({6, 9, 29})
CLOSED_CODES = frozenset({15, 18, 30, 212, 213, 223})
TOKEN_CODES = frozenset({5, 27})  # the token is invalid, or not a community token
FIND_DEPTH = 100  # newest comments searched for our marker


@dataclass(frozen=True)
class VkPlace:
    owner_id: int
    post_id: int
    comment_id: int | None  # the resident's comment answered in its thread


def vk_place(target: ReplyTarget) -> VkPlace:
    """`owner_post` (a post) or `owner_post_comment` (a comment) as VK's ids."""
    parts = target.external_id.split("_")
    if target.source_kind not in VK_SOURCES or len(parts) not in (2, 3):
        raise PublishRefused(PublicationStatus.NOT_SUPPORTED, "not a VK post")
    try:
        numbers = [int(part) for part in parts]
    except ValueError as error:
        raise PublishRefused(PublicationStatus.NOT_SUPPORTED, "not a VK post id") from error
    is_comment = target.post_kind == PostKind.COMMENT and len(numbers) == 3
    return VkPlace(numbers[0], numbers[1], numbers[2] if is_comment else None)


class VkAnswerWriter:
    """Writes answers with the community token of each wall."""

    def __init__(self, *, tokens: Mapping[str, str], make_vk: Callable[[str], vk_api.VkApi]):
        self._tokens = dict(tokens)
        self._make_vk = make_vk

    def find(self, target: ReplyTarget, *, marker: str) -> PublishedReply | None:
        place = vk_place(target)
        values: dict[str, Any] = {"owner_id": place.owner_id, "post_id": place.post_id,
                                  "count": FIND_DEPTH, "sort": "desc"}  # fmt: skip
        if place.comment_id is not None:
            values["comment_id"] = place.comment_id
        response = _call(self._vk(place), "wall.getComments", values)
        for item in response.get("items", []) if isinstance(response, dict) else []:
            ours = place.owner_id > 0 or item.get("from_id") == place.owner_id  # the community
            if ours and marker in str(item.get("text", "")):
                return _reply(place, int(item["id"]))
        return None

    def publish(self, target: ReplyTarget, *, message: str) -> PublishedReply:
        place = vk_place(target)
        values: dict[str, Any] = {"owner_id": place.owner_id, "post_id": place.post_id,
                                  "message": message}  # fmt: skip
        if place.comment_id is not None:
            values["reply_to_comment"] = place.comment_id
        if place.owner_id < 0:
            values["from_group"] = -place.owner_id
        response = _call(self._vk(place), "wall.createComment", values)
        return _reply(place, int(response["comment_id"]))

    def _vk(self, place: VkPlace) -> vk_api.VkApi:
        token = self._tokens.get(str(place.owner_id))
        if not token:
            raise PublishRefused(
                PublicationStatus.NO_CREDENTIALS,
                f"no community token for VK wall {place.owner_id} (OTKLIK_VK_PUBLISH_TOKENS)",
            )
        return self._make_vk(token)


def _reply(place: VkPlace, comment_id: int) -> PublishedReply:
    url = f"https://vk.com/wall{place.owner_id}_{place.post_id}?reply={comment_id}"
    return PublishedReply(f"{place.owner_id}_{place.post_id}_{comment_id}", url)


def _call(vk: vk_api.VkApi, method: str, values: dict[str, Any]) -> Any:
    try:
        return vk.method(method, values)
    except Captcha as error:
        raise PublishRefused(
            PublicationStatus.CAPTCHA, f"{method}: VK asks for a captcha"
        ) from error
    except ApiError as error:
        raise refusal(error.code, f"{method}: VK error {error}") from error
    except (ApiHttpError, requests.RequestException) as error:
        # VK answered with an error code above, so it took nothing; here the connection
        # broke or the reply was lost, and a comment sent may have been created after all
        writes = method == "wall.createComment" and not _before_sending(error)
        raise PublishRefused(
            PublicationStatus.RETRYING, f"{method}: {error}", maybe_sent=writes
        ) from error


def _before_sending(error: Exception) -> bool:
    """The request never reached VK: no connection could be made."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    return isinstance(error, requests.ConnectionError) and isinstance(
        _root(error), NewConnectionError
    )


def _root(error: BaseException) -> BaseException | None:
    """The urllib3 reason inside a requests error (`MaxRetryError.reason`), if any."""
    inner = error.args[0] if error.args else None
    return getattr(inner, "reason", inner) if isinstance(inner, BaseException) else None


def refusal(code: int, message: str) -> PublishRefused:
    if code in FLOOD_CODES:
        return PublishRefused(PublicationStatus.FLOOD_CONTROL, message)
    if code in CLOSED_CODES:
        return PublishRefused(PublicationStatus.COMMENTS_CLOSED, message)
    if code in TOKEN_CODES:
        return PublishRefused(PublicationStatus.NO_CREDENTIALS, message)
    if code in (1, 10):  # unknown / internal server error
        return PublishRefused(PublicationStatus.RETRYING, message)
    return PublishRefused(PublicationStatus.FAILED, message)
