"""Priority of a post or incident: urgency cues, reach, how many report it, and age."""

import math
from dataclasses import dataclass
from datetime import datetime

URGENCY_WEIGHT = 3.0
REACH_WEIGHT = 1.0
REPORTERS_WEIGHT = 1.5
AGE_HALF_LIFE_HOURS = 72.0


@dataclass(frozen=True)
class Reach:
    views: int = 0
    likes: int = 0
    reposts: int = 0
    comments: int = 0


def reach_score(reach: Reach) -> float:
    """Log-scaled engagement: 0 for nothing, about 1 for ~1,000 views with some reactions."""
    weighted = reach.views / 100 + reach.likes + 3 * reach.reposts + 2 * reach.comments
    return math.log10(1 + weighted) / 1.3


def age_factor(published_at: datetime, now: datetime) -> float:
    """1.0 for a fresh post, halving every `AGE_HALF_LIFE_HOURS`; never below 0.1."""
    hours = max((now - published_at).total_seconds() / 3600, 0.0)
    return max(0.5 ** (hours / AGE_HALF_LIFE_HOURS), 0.1)


def priority_score(
    *, cues: list[str], reach: Reach, reporters: int, published_at: datetime, now: datetime
) -> float:
    base = (
        URGENCY_WEIGHT * min(len(cues), 2)
        + REACH_WEIGHT * reach_score(reach)
        + REPORTERS_WEIGHT * math.log2(max(reporters, 1))
        + 1.0
    )
    return round(base * age_factor(published_at, now), 4)
