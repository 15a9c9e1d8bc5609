"""Priority of a post or incident: urgency cues, reach, how many report it, and age."""

import math
import re
from dataclasses import dataclass
from datetime import datetime

URGENCY_CUES: dict[str, re.Pattern[str]] = {
    "no_heating": re.compile(r"(нет|без|отключ\w*|не\s+да[её]т\w*)\s+(\w+\s+)?(отоплени|тепл)"),
    "no_water": re.compile(
        r"(нет|без|отключ\w*)\s+(\w+\s+)?(вод[ыау]|водоснабжени|горяч\w+ вод)|прорвало"
    ),
    "no_electricity": re.compile(
        r"(нет|без|отключ\w*)\s+(\w+\s+)?(свет[ау]?\b|электричеств|электроэнерги)"
    ),
    "accident": re.compile(r"\bдтп\b|авари[яиюей]|столкновени|сбил[аио]?\b"),
    "danger_children": re.compile(
        r"(дет[иейям]\w*|реб[её]н\w*|школьник\w*).{0,60}(опасн|угроз|травм|упал|провал)"
        r"|(опасн|угроз|травм).{0,60}(дет[иейям]\w*|реб[её]н\w*|школьник\w*)"
    ),
    "danger_life": re.compile(
        r"угроз\w* жизни|опасно для жизни|обрушени|провод\w* под напряжением"
    ),
    "fire": re.compile(r"пожар|гори[тм]\b|задымлени|возгорани"),
}

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


def urgency_cues(text: str) -> list[str]:
    """The names of the urgency cues the text carries."""
    lowered = text.lower().replace("ё", "е")
    return [name for name, pattern in URGENCY_CUES.items() if pattern.search(lowered)]


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
