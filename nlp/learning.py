"""The learning loop: moderators' labels -> candidate model -> compare -> promote or reject."""

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from models.annotation import PostContext
from models.clock import now
from models.learning import ModelStatus, ModelVersion, TrainingLabel
from models.post import Post
from models.taxonomy import Topic
from nlp.classifier import ClassifierBundle, Example, load_bundle, train_bundle
from nlp.coldstart import cold_start_bundle, seed_examples, topic_categories
from nlp.context import post_contexts
from nlp.features import prepare
from nlp.lemmas import Lemmatizer
from nlp.metrics import classification_report, confusion
from nlp.reference import topic_wordings
from nlp.social import SOCIAL_MODEL_FILE, SignalFeatures, SocialSignalModel, load_social_model
from nlp.structure import with_parent

HOLDOUT_SHARE = 0.2
MIN_HELDOUT = 5
TOLERANCE = 0.0  # "not worse": the candidate may lose nothing on held-out labels
# The signal models are compared by their precision where they keep this share of the
# held-out signals: what moderators face at the operating point, not overall accuracy.
OPERATING_RECALL = 0.9


class LearningError(RuntimeError):
    """The loop cannot proceed (too few labels, nothing to roll back to)."""


@dataclass(frozen=True)
class Decision:
    candidate: ModelVersion
    promoted: bool
    reason: str


def label_examples(session: Session) -> list[tuple[int, Example]]:
    return [(i, e) for i, e, _ in labelled_items(session)]


def labelled_items(session: Session) -> list[tuple[int, Example, PostContext]]:
    """Moderators' labels, each with its post's structure (a label without a post: none)."""
    labels = session.exec(select(TrainingLabel).order_by(col(TrainingLabel.id))).all()
    kept = [label for label in labels
            if not label.is_signal or label.topic_code or label.category_code]  # fmt: skip
    post_ids = {label.post_id for label in kept if label.post_id is not None}
    posts = session.exec(select(Post).where(col(Post.id).in_(post_ids))).all() if post_ids else []
    contexts = dict(zip([p.id for p in posts], post_contexts(session, posts=list(posts)),
                        strict=True))  # fmt: skip
    return [
        (label.id or 0,
         Example(label.text, label.topic_code or label.category_code, label.is_signal),
         contexts.get(label.post_id, PostContext()))
        for label in kept
    ]  # fmt: skip


def shipped_signal_model(data_dir: Path) -> SocialSignalModel | None:
    path = data_dir / SOCIAL_MODEL_FILE
    return load_social_model(path) if path.is_file() else None


def fine_tune_signal(
    base: SocialSignalModel | None,
    items: list[tuple[Example, PostContext]],
    lemmatizer: Lemmatizer,
) -> SocialSignalModel | None:
    """The shipped signal model trained further on moderators' signal / «Не сигнал» labels
    (both kinds needed); None without a shipped model or without both kinds."""
    if base is None or len({e.is_signal for e, _ in items}) < 2:
        return None
    matrix = _signal_matrix(base, items, lemmatizer)
    return base.fine_tuned(matrix, [e.is_signal for e, _ in items])


def _signal_matrix(
    model: SocialSignalModel, items: list[tuple[Example, PostContext]], lemmatizer: Lemmatizer
) -> Any:
    texts = [with_parent(c, e.text) for e, c in items]
    return model.inputs(SignalFeatures(), prepare(texts, lemmatizer), [c for _, c in items])[0]


def signal_figures(
    model: SocialSignalModel, items: list[tuple[Example, PostContext]], lemmatizer: Lemmatizer
) -> dict[str, float]:
    """Precision and recall at the model's threshold, and precision at OPERATING_RECALL."""
    probs = model.probabilities(_signal_matrix(model, items, lemmatizer))
    truth = [e.is_signal for e, _ in items]
    cuts = model.thresholds([c for _, c in items])
    passed = [p >= cut for p, cut in zip(probs, cuts, strict=True)]
    ranked = sorted((p for p, t in zip(probs, truth, strict=True) if t), reverse=True)
    at_recall = 0.0
    if ranked:
        cut = ranked[max(math.ceil(OPERATING_RECALL * len(ranked)) - 1, 0)]
        kept = [t for p, t in zip(probs, truth, strict=True) if p >= cut]
        at_recall = sum(kept) / len(kept)
    hits = sum(p and t for p, t in zip(passed, truth, strict=True))
    return {"precision": round(hits / max(sum(passed), 1), 4),
            "recall": round(hits / max(sum(truth), 1), 4),
            "precision_at_recall": round(at_recall, 4)}  # fmt: skip


def is_heldout(label_id: int) -> bool:
    """A stable split: a label stays on its side across retrains."""
    digest = hashlib.sha256(str(label_id).encode()).digest()
    return digest[0] < 256 * HOLDOUT_SHARE


def evaluate_bundle(
    bundle: ClassifierBundle,
    examples: list[Example],
    lemmatizer: Lemmatizer,
    *,
    contexts: list[PostContext] | None = None,
    shipped: SocialSignalModel | None = None,
) -> dict[str, Any]:
    """Held-out figures. The signal is decided as the annotator decides it: by the bundle's
    fine-tuned social signal model, else the shipped one, else the bundle's own."""
    contexts = contexts if contexts is not None else [PostContext()] * len(examples)
    model = getattr(bundle, "social_signal", None) or shipped
    texts = [with_parent(c, e.text) for e, c in zip(examples, contexts, strict=True)]
    prepared = prepare(texts, lemmatizer)
    operating: dict[str, float] | None = None
    if model is not None and examples:
        items = list(zip(examples, contexts, strict=True))
        probs = model.probabilities(model.inputs(SignalFeatures(), prepared, contexts)[0])
        predictions = bundle.predict_prepared(
            prepared, signal_probs=probs, threshold=model.thresholds(contexts)
        )
        operating = signal_figures(model, items, lemmatizer)
    else:
        predictions = bundle.predict_prepared(prepared)
    signal_truth = ["signal" if e.is_signal else "not" for e in examples]
    signal_pred = ["signal" if p.is_signal else "not" for p in predictions]
    pairs = [(e, p) for e, p in zip(examples, predictions, strict=True) if e.is_signal and e.label]
    topic = classification_report(
        [e.label or "" for e, _ in pairs], [p.topic or p.category or "" for _, p in pairs],
        [p.topic_confidence or p.category_confidence for _, p in pairs],
    )  # fmt: skip
    signal = classification_report(
        signal_truth, signal_pred, [p.signal_confidence for p in predictions]
    )
    category_truth = [bundle.topic_category.get(e.label or "", e.label or "") for e, _ in pairs]
    category_pred = [p.category or "" for _, p in pairs]
    category = classification_report(
        category_truth, category_pred, [p.category_confidence for _, p in pairs]
    )
    figures = {
        "topic": _summary(topic),
        "signal": _summary(signal),
        "category": _summary(category),
        "confusion": confusion(category_truth, category_pred),
    }
    if operating is not None:
        figures["signal_operating"] = operating
    return figures


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    return {key: report[key] for key in ("n", "accuracy", "macro_f1", "coverage")}


def retrain_candidate(
    session: Session, *, model_dir: Path, data_dir: Path, lemmatizer: Lemmatizer
) -> ModelVersion:
    """Train on seed examples + training-side labels; evaluate it and the current on held-out."""
    labelled = labelled_items(session)
    train_items = [(e, c) for i, e, c in labelled if not is_heldout(i)]
    held_contexts = [c for i, _, c in labelled if is_heldout(i)]
    train = [e for e, _ in train_items]
    heldout = [e for i, e, _ in labelled if is_heldout(i)]
    if len(heldout) < MIN_HELDOUT:
        raise LearningError(f"{len(heldout)} held-out labels; need at least {MIN_HELDOUT}")
    current = current_version(session)
    name = f"model-{now():%Y%m%d-%H%M%S-%f}"
    topic_category, wordings = _taxonomy(session, data_dir)
    bundle = train_bundle(
        [*seed_examples(data_dir), *train], lemmatizer=lemmatizer,
        topic_category=topic_category, label_names=wordings,
        meta={"name": name, "labels": len(train)},
    )  # fmt: skip
    shipped = shipped_signal_model(data_dir)
    bundle.social_signal = fine_tune_signal(shipped, train_items, lemmatizer)
    path = bundle.save(model_dir / name)
    baseline = current_bundle(
        session, model_dir=model_dir, data_dir=data_dir, lemmatizer=lemmatizer
    )
    candidate = evaluate_bundle(
        bundle, heldout, lemmatizer, contexts=held_contexts, shipped=shipped
    )
    compared = evaluate_bundle(
        baseline, heldout, lemmatizer, contexts=held_contexts, shipped=shipped
    )
    compared.pop("confusion")
    metrics = {
        "candidate": candidate,
        "current": compared,
        "heldout": len(heldout),
        "confusion": candidate.pop("confusion"),  # the candidate's, by category
    }
    version = ModelVersion(name=name, path=str(path), metrics=metrics, label_count=len(train),
                           parent_id=current.id if current else None)  # fmt: skip
    session.add(version)
    session.commit()
    return version


def _taxonomy(session: Session, data_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(topic -> category, topic -> wording) as operators left the rubricator in the database
    (moved, renamed and added topics included), over the file's for topics it lacks."""
    topics = session.exec(select(Topic)).all()
    topic_category = topic_categories(data_dir) | {t.code: t.category_code for t in topics}
    return topic_category, topic_wordings(data_dir, {t.code: t.name for t in topics})


def is_not_worse(metrics: dict[str, Any]) -> tuple[bool, str]:
    if not {"candidate", "current"} <= set(metrics):  # e.g. trained by `otklik nlp train`
        return False, "no comparison with the current model on held-out labels"
    for part in ("topic", "signal"):
        for figure in ("accuracy", "macro_f1"):
            new = metrics["candidate"][part][figure]
            old = metrics["current"][part][figure]
            if new < old - TOLERANCE:
                return False, f"{part} {figure} {new:.3f} < current {old:.3f}"
    new_op = metrics["candidate"].get("signal_operating")
    old_op = metrics["current"].get("signal_operating")
    if new_op and old_op:
        new, old = new_op["precision_at_recall"], old_op["precision_at_recall"]
        if new < old - TOLERANCE:
            return False, (f"signal precision at {OPERATING_RECALL:.0%} recall {new:.3f} "
                           f"< current {old:.3f}")  # fmt: skip
    return True, "not worse than the current model on held-out labels"


def decide(session: Session, *, candidate_id: int) -> Decision:
    """Promote the candidate when it is not worse than the current model; else reject it."""
    candidate = session.get(ModelVersion, candidate_id)
    if candidate is None or candidate.status != ModelStatus.CANDIDATE:
        raise LearningError(f"model version {candidate_id} is not a candidate")
    promoted, reason = is_not_worse(candidate.metrics)
    if promoted:
        _make_current(session, candidate)
    else:
        candidate.status = ModelStatus.REJECTED
        session.add(candidate)
    session.commit()
    return Decision(candidate, promoted, reason)


def rollback(session: Session) -> ModelVersion | None:
    """Retire the current model; its parent (or the cold-start model: None) takes over."""
    current = current_version(session)
    if current is None:
        raise LearningError("no promoted model to roll back")
    current.status = ModelStatus.RETIRED
    session.add(current)
    parent = session.get(ModelVersion, current.parent_id) if current.parent_id else None
    if parent is not None:
        _make_current(session, parent)
    session.commit()
    return parent


def _make_current(session: Session, version: ModelVersion) -> None:
    for old in session.exec(select(ModelVersion).where(ModelVersion.status == ModelStatus.CURRENT)):
        old.status = ModelStatus.RETIRED
        session.add(old)
    version.status = ModelStatus.CURRENT
    version.promoted_at = now()
    session.add(version)


def current_version(session: Session) -> ModelVersion | None:
    statement = select(ModelVersion).where(ModelVersion.status == ModelStatus.CURRENT)
    return session.exec(statement).first()


def current_bundle(
    session: Session, *, model_dir: Path, data_dir: Path, lemmatizer: Lemmatizer
) -> ClassifierBundle:
    current = current_version(session)
    if current is not None:
        return load_bundle(Path(current.path))
    return cold_start_bundle(data_dir, cache_dir=model_dir, lemmatizer=lemmatizer)


def retrain_and_decide(
    session: Session, *, model_dir: Path, data_dir: Path, lemmatizer: Lemmatizer
) -> Decision:
    """The nightly loop: a candidate from moderators' labels, promoted only if not worse."""
    candidate = retrain_candidate(
        session, model_dir=model_dir, data_dir=data_dir, lemmatizer=lemmatizer
    )
    return decide(session, candidate_id=candidate.id or 0)


def promote(
    session: Session,
    *,
    version_id: int,
    force: bool,
    model_dir: Path,
    data_dir: Path,
    lemmatizer: Lemmatizer,
) -> Decision:
    """Make a stored version current if it is not worse than the current model (or if forced).

    A refusal changes nothing: the version keeps its status.
    """
    version = session.get(ModelVersion, version_id)
    if version is None:
        raise LearningError(f"no model version {version_id}")
    if version.status == ModelStatus.CURRENT:
        raise LearningError(f"model version {version_id} is already current")
    promoted, reason = compare_with_current(
        session, version, model_dir=model_dir, data_dir=data_dir, lemmatizer=lemmatizer
    )
    if force and not promoted:
        promoted, reason = True, f"forced, although {reason}"
    if promoted:
        _make_current(session, version)
        session.commit()
    return Decision(version, promoted, reason)


def compare_with_current(
    session: Session,
    version: ModelVersion,
    *,
    model_dir: Path,
    data_dir: Path,
    lemmatizer: Lemmatizer,
) -> tuple[bool, str]:
    """Is `version` not worse than the model current now, on the held-out labels?

    Its stored comparison holds while the model it was compared with is still current;
    otherwise both are evaluated again on today's held-out labels.
    """
    current = current_version(session)
    if version.parent_id == (current.id if current else None):
        return is_not_worse(version.metrics)
    held = [(e, c) for i, e, c in labelled_items(session) if is_heldout(i)]
    if len(held) < MIN_HELDOUT:
        return False, f"{len(held)} held-out labels to compare on; need at least {MIN_HELDOUT}"
    baseline = current_bundle(
        session, model_dir=model_dir, data_dir=data_dir, lemmatizer=lemmatizer
    )
    heldout, contexts = [e for e, _ in held], [c for _, c in held]
    shipped = shipped_signal_model(data_dir)
    candidate = load_bundle(Path(version.path))
    return is_not_worse({
        "candidate": evaluate_bundle(candidate, heldout, lemmatizer, contexts=contexts,
                                     shipped=shipped),
        "current": evaluate_bundle(baseline, heldout, lemmatizer, contexts=contexts,
                                   shipped=shipped),
    })  # fmt: skip
