"""Operators' past decisions from an imported ЦУР table: places and training labels.

Names are resolved against the rubricator and the municipalities (case, `ё` and spacing
ignored; a code is accepted as well). A resolved topic or group becomes a training label
(origin `cur_import`); anything resolved becomes the post's person-set annotation (its
place, topic and group) unless the post already has one. Unknown names are counted.
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import select
from sqlmodel import Session

from models.annotation import Annotation, SetBy
from models.geo import Municipality
from models.labels import ImportedLabels
from models.learning import TrainingLabel
from models.post import Post
from models.taxonomy import Category, Topic

ORIGIN = "cur_import"
Found = TypeVar("Found")
_SPACES = re.compile(r"\s+")


@dataclass
class LabelOutcome:
    labelled: int = 0  # training labels written
    placed: int = 0  # posts given an annotation (place, topic, group)
    unknown: dict[str, Counter[str]] = field(
        default_factory=lambda: {
            "municipality": Counter(),
            "topic": Counter(),
            "category": Counter(),
        }
    )


def normal(name: str) -> str:
    return _SPACES.sub(" ", name.replace("ё", "е").replace("Ё", "Е")).strip().casefold()


@dataclass(frozen=True)
class Names:
    """name or code (normalised) -> code / id."""

    topics: dict[str, tuple[str, str]]  # -> (topic code, its category code)
    categories: dict[str, str]
    municipalities: dict[str, int]

    @classmethod
    def load(cls, session: Session) -> "Names":
        topics = {}
        for topic in session.execute(select(Topic)).scalars():
            topics[normal(topic.name)] = topics[normal(topic.code)] = (
                topic.code,
                topic.category_code,
            )
        categories = {}
        for category in session.execute(select(Category)).scalars():
            categories[normal(category.name)] = categories[normal(category.code)] = category.code
        municipalities = {normal(m.name): m.id or 0
                          for m in session.execute(select(Municipality)).scalars()}  # fmt: skip
        return cls(topics, categories, municipalities)


def apply_imported_labels(
    session: Session, *, labels: Iterable[ImportedLabels], names: Names
) -> LabelOutcome:
    """Write the labels of freshly imported posts; the caller commits."""
    outcome = LabelOutcome()
    for label in labels:
        topic = _look_up(names.topics, label.topic, outcome.unknown["topic"])
        category = _look_up(names.categories, label.category, outcome.unknown["category"])
        place = _look_up(names.municipalities, label.municipality, outcome.unknown["municipality"])
        topic_code, category_code = (topic[0], topic[1]) if topic else (None, category)
        if not (topic_code or category_code or place):
            continue
        post = session.get(Post, label.post_id)
        if post is None:
            continue
        if topic_code or category_code:
            session.add(TrainingLabel(post_id=post.id, text=post.text, category_code=category_code,
                                      topic_code=topic_code, municipality_id=place,
                                      origin=ORIGIN))  # fmt: skip
            outcome.labelled += 1
        if _has_annotation(session, post.id or 0):
            continue
        session.add(_annotation(post.id or 0, category_code, topic_code, place))
        outcome.placed += 1
    return outcome


def _look_up(known: dict[str, Found], name: str | None, unknown: Counter[str]) -> Found | None:
    if not name:
        return None
    found = known.get(normal(name))
    if found is None:
        unknown[name] += 1
    return found


def _has_annotation(session: Session, post_id: int) -> bool:
    statement = select(Annotation.id).where(
        Annotation.post_id == post_id,
        Annotation.is_current.is_(True),  # type: ignore[attr-defined]
    )
    return session.execute(statement.limit(1)).first() is not None


def _annotation(
    post_id: int, category: str | None, topic: str | None, place: int | None
) -> Annotation:
    return Annotation(
        post_id=post_id, is_signal=True, signal_confidence=1.0, set_by=SetBy.PERSON,
        category_code=category, category_confidence=1.0 if category else 0.0,
        topic_code=topic, topic_confidence=1.0 if topic else 0.0,
        municipality_id=place, municipality_confidence=1.0 if place else 0.0,
        reasons={"imported": ORIGIN},
    )  # fmt: skip
