"""`groups.getById`: a community's name, whether it can still be read, and what it says it
is (description, activity, VK's state-organisation mark): the signals a role is guessed from."""

from dataclasses import dataclass
from typing import Any

import vk_api

from ingest.failures import FailureKind, SourceFailure
from ingest.vk.client import call

FIELDS = "description,activity,is_government_organization"


@dataclass(frozen=True)
class VkGroup:
    id: int
    name: str
    screen_name: str
    is_closed: bool
    description: str = ""
    activity: str = ""  # the community's declared subject, e.g. «Органы власти»
    is_government: bool = False  # VK's mark of a state organisation's page

    @property
    def owner_id(self) -> int:
        return -self.id


def get_group(vk: vk_api.VkApi, *, group: str) -> VkGroup:
    """Look a community up by id or short name; a deleted or banned one is `GONE`."""
    values = {"group_id": group.lstrip("-"), "fields": FIELDS}
    response = call(vk, "groups.getById", values)
    return adapt_vk_group(_first(response, group))


def adapt_vk_group(item: dict[str, Any]) -> VkGroup:
    if item.get("deactivated"):
        raise SourceFailure(FailureKind.GONE, f"community {item.get('id')}: {item['deactivated']}")
    return VkGroup(
        id=int(item["id"]),
        name=str(item.get("name", "")),
        screen_name=str(item.get("screen_name", "")),
        is_closed=bool(item.get("is_closed")),
        description=str(item.get("description") or ""),
        activity=str(item.get("activity") or ""),
        is_government=bool(item.get("is_government_organization")),
    )


def _first(response: Any, group: str) -> dict[str, Any]:
    # API 5.199 answers {"groups": [...], "profiles": [...]}; older versions a bare list.
    groups = response.get("groups", []) if isinstance(response, dict) else response
    if not groups:
        raise SourceFailure(FailureKind.GONE, f"community {group} not found")
    return dict(groups[0])
