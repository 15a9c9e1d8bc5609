"""Urgency cues: words saying a problem is urgent (no heating, water or light, an accident,
a danger to children or life, a fire). Triage weighs them into priority; the structure step
reads them as a complaint, never an advert."""

import re

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


def urgency_cues(text: str) -> list[str]:
    """The names of the urgency cues the text carries."""
    lowered = text.lower().replace("ё", "е")
    return [name for name, pattern in URGENCY_CUES.items() if pattern.search(lowered)]
