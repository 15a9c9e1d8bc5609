"""A page of vendor items: adapted into posts, the refused ones kept for quarantine."""

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ingest.batch import rejection_reason
from ingest.rejection import Rejected, Skipped
from models.post import PostCreate


@dataclass(frozen=True)
class Refused:
    raw: bytes
    reason: str
    origin: str


@dataclass
class Page:
    """What one request brought, and where the crawl resumes once it is committed."""

    cursor: dict[str, Any]
    posts: list[PostCreate] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    skipped: int = 0
    skip_reasons: Counter[str] = field(default_factory=Counter)  # reason -> items skipped


def adapt_page(
    items: Iterable[dict[str, Any]],
    *,
    adapt: Callable[[dict[str, Any]], PostCreate],
    cursor: dict[str, Any],
    origin: str,
) -> Page:
    page = Page(cursor=cursor)
    for item in items:
        try:
            page.posts.append(adapt(item))
        except Skipped as skipped:
            page.skipped += 1
            page.skip_reasons[skipped.reason] += 1
        except (Rejected, ValidationError) as error:
            raw = json.dumps(item, ensure_ascii=False, default=str)
            raw_bytes = raw.encode("utf-8", errors="surrogatepass")
            page.refused.append(
                Refused(raw=raw_bytes, reason=rejection_reason(error), origin=origin)
            )
    return page
