"""`groups.getById`: a community's name and whether it can still be read."""

from dataclasses import dataclass
from typing import Any

import vk_api

from ingest.failures import FailureKind, SourceFailure
from ingest.vk.client import call


@dataclass(frozen=True)
class VkGroup:
    id: int
    name: str
    screen_name: str
    is_closed: bool

    @property
    def owner_id(self) -> int:
        return -self.id


def get_group(vk: vk_api.VkApi, *, group: str) -> VkGroup:
    """Look a community up by id or short name; a deleted or banned one is `GONE`."""
    response = call(vk, "groups.getById", {"group_id": group.lstrip("-")})
    return adapt_vk_group(_first(response, group))


def adapt_vk_group(item: dict[str, Any]) -> VkGroup:
    if item.get("deactivated"):
        raise SourceFailure(FailureKind.GONE, f"community {item.get('id')}: {item['deactivated']}")
    return VkGroup(
        id=int(item["id"]),
        name=str(item.get("name", "")),
        screen_name=str(item.get("screen_name", "")),
        is_closed=bool(item.get("is_closed")),
    )


def _first(response: Any, group: str) -> dict[str, Any]:
    # API 5.199 answers {"groups": [...], "profiles": [...]}; older versions a bare list.
    groups = response.get("groups", []) if isinstance(response, dict) else response
    if not groups:
        raise SourceFailure(FailureKind.GONE, f"community {group} not found")
    return dict(groups[0])
