"""One moderator decision on one post, as values: the labels it sets, the review status it
gives, the annotation and training label it stores, and what the audit log says of it.

Shared by the per-post path (`triage.moderation.review_post`) and the batched one
(`triage.batch_review`), so both decide alike.
"""

from dataclasses import dataclass

from models.annotation import Annotation, SetBy
from models.learning import TrainingLabel
from models.post import ReviewStatus

LABEL_FIELDS = ("is_signal", "category_code", "topic_code", "municipality_id")


@dataclass(frozen=True)
class Decision:
    """One moderator decision. Leave the labels empty to confirm what the model said."""

    post_id: int
    expected_version: int
    category_code: str | None = None
    topic_code: str | None = None
    municipality_id: int | None = None
    is_signal: bool = True

    @property
    def is_confirmation(self) -> bool:
        return self.is_signal and (
            self.category_code is None and self.topic_code is None and self.municipality_id is None
        )


def labels_of(decision: Decision, old: Annotation | None) -> dict[str, object]:
    """The labels the decision leaves on the post (None: the model's value is kept)."""
    if not decision.is_signal:
        return {
            "is_signal": False,
            "category_code": None,
            "topic_code": None,
            "municipality_id": old.municipality_id if old else None,
        }

    def pick(field: str) -> object:
        given = getattr(decision, field)
        return given if given is not None else (getattr(old, field) if old else None)

    return {"is_signal": True, **{f: pick(f) for f in LABEL_FIELDS[1:]}}


def status_of(decision: Decision, old: Annotation | None, labels: dict[str, object]) -> str:
    if not decision.is_signal:
        return ReviewStatus.NOT_SIGNAL
    unchanged = (
        old is not None
        and old.is_signal
        and all(getattr(old, f) == labels[f] for f in LABEL_FIELDS[1:])
    )
    return ReviewStatus.CONFIRMED if unchanged else ReviewStatus.CORRECTED


def new_annotation(
    *, post_id: int, old: Annotation | None, labels: dict[str, object], user_id: int | None
) -> Annotation:
    """The person's annotation replacing `old` (not added to a session)."""
    return Annotation(
        post_id=post_id,
        signal_confidence=1.0,
        set_by=SetBy.PERSON,
        user_id=user_id,
        is_current=True,
        reasons=old.reasons if old else {},
        category_confidence=1.0 if labels["category_code"] else 0.0,
        topic_confidence=1.0 if labels["topic_code"] else 0.0,
        municipality_confidence=1.0 if labels["municipality_id"] else 0.0,
        municipality_span=old.municipality_span if old else None,
        address_key=old.address_key if old else None,
        model_version_id=old.model_version_id if old else None,
        **labels,  # type: ignore[arg-type]
    )


def training_label(
    *, post_id: int, text: str, labels: dict[str, object], user_id: int | None
) -> TrainingLabel:
    return TrainingLabel(post_id=post_id, text=text, origin="moderator", user_id=user_id, **labels)  # type: ignore[arg-type]


def as_dict(annotation: Annotation | None) -> dict[str, object]:
    """The labels as the audit log's `before` / `after` carry them."""
    if annotation is None:
        return {f: None for f in LABEL_FIELDS}
    return {f: getattr(annotation, f) for f in LABEL_FIELDS}


def review_before(review_status: str, old: Annotation | None) -> dict[str, object]:
    return {"review_status": review_status, **as_dict(old)}


def review_after(status: str, new: Annotation) -> dict[str, object]:
    return {"review_status": status, **as_dict(new)}
