"""The category/topic and signal classifiers, trained together and saved as one artifact."""

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from nlp.calibrated import CalibratedSVM
from nlp.cues import label_cues
from nlp.ensemble import LinearEnsemble
from nlp.features import Analysed, TextFeatures, prepare
from nlp.lemmas import Lemmatizer
from nlp.social import SocialSignalModel

ARTIFACT = "model.joblib"
# Bumped when training changes what a model is, so cached cold-start models are rebuilt.
MODEL_FORMAT = "4-label-names"
META = "meta.json"
# Runner-up topics offered to moderators as one-click corrections: with two, the right topic
# is among the three shown for about 90% of SPb posts (the first alone: 75%; BENCHMARKS.md).
# Always two, however small their shares: even below 0.1% they hold the right topic for one
# SPb post in 200, and a confident post rarely reaches a moderator anyway.
ALTERNATIVES = 2
NOT_SIGNAL = "not_signal"


@dataclass(frozen=True)
class Example:
    text: str
    label: str | None  # a topic code, or a category when there are no topics; None: not a signal
    is_signal: bool = True


@dataclass(frozen=True)
class Prediction:
    is_signal: bool
    signal_confidence: float  # how sure the model is of `is_signal`, either way
    category: str | None
    category_confidence: float
    topic: str | None
    topic_confidence: float
    cues: tuple[str, ...] = ()  # a signal's lemma n-grams that pushed its label most
    # The runner-up topics, best first: (topic, its category, its figure): its share of the
    # joint scores, as `topic_confidence`; with a category hint, both figures as
    # `within_category`, none above `topic_confidence`.
    alternatives: tuple[tuple[str, str, float], ...] = ()


@dataclass
class ClassifierBundle:
    """Features + a label model (topics, with their categories) + a signal model."""

    features: TextFeatures
    labels: LinearEnsemble | CalibratedSVM  # bundles saved before the ensemble hold an SVM
    signal: CalibratedSVM | None
    topic_category: dict[str, str]  # topic -> category; empty when labels are categories
    meta: dict[str, Any] = field(default_factory=dict)
    # With topics: a model of the categories themselves. Its probabilities are averaged with
    # the topic model's per-category sums (a better ranking: more coverage at 97% precision).
    categories: LinearEnsemble | CalibratedSVM | None = None
    # The social-media signal model fine-tuned on moderators' decisions (nlp.social); None:
    # the shipped one decides (bundles saved before it existed have none either).
    social_signal: SocialSignalModel | None = None

    def predict(self, texts: Sequence[str], lemmatizer: Lemmatizer) -> list[Prediction]:
        return self.predict_prepared(prepare(texts, lemmatizer))

    def predict_prepared(
        self,
        prepared: Sequence[tuple[str, str]],
        *,
        signal_probs: np.ndarray | None = None,
        threshold: float | np.ndarray = 0.5,
        category_hint: tuple[Sequence[str], np.ndarray, float] | None = None,
        analysed: Analysed | None = None,
    ) -> list[Prediction]:
        """As `predict`, on texts already through `nlp.features.prepare`. `signal_probs`
        (with their `threshold`, one for all or one per text): another model's signal
        probabilities, used instead of this bundle's own signal model. `category_hint`:
        (categories, their probabilities per text, weight) from another model, averaged
        into this bundle's categories.
        `analysed`: the texts' n-grams already produced (`nlp.features.analyse`)."""
        if not prepared:
            return []
        matrix = self.features.transform(prepared, analysed)
        label_probs = self.labels.predict_proba(matrix)
        if signal_probs is None:
            signal_probs = self._signal_probabilities(matrix)
        category_probs = self._category_probabilities(matrix, label_probs, category_hint)
        classes = list(self.labels.classes_)
        topic_columns = self._topic_columns(classes)
        # with a hint: pick the category first, then its best topic
        first = category_hint is not None and bool(self.topic_category)
        cuts = np.broadcast_to(np.asarray(threshold, dtype=np.float64), (len(prepared),))
        predictions = [
            self._one(classes, label_probs[i], signal_probs[i], category_probs[i],
                      float(cuts[i]), topic_columns, first)
            for i in range(len(prepared))
        ]  # fmt: skip
        return self._with_cues(matrix, predictions)

    def _with_cues(self, matrix: Any, predictions: list[Prediction]) -> list[Prediction]:
        """Each signal's prediction with the lemma n-grams that pushed its label most."""
        labels = self.labels
        if isinstance(labels, LinearEnsemble):
            members = labels.weighted_members()
        else:  # bundles saved before the ensemble hold one model
            members = [(labels, 1.0)]
        columns = {label: i for i, label in enumerate(self.labels.classes_)}
        names = self.features.word_names()
        out = []
        for row, prediction in enumerate(predictions):
            label = prediction.topic if self.topic_category else prediction.category
            if not prediction.is_signal or label not in columns:  # only signals show cues
                out.append(prediction)
                continue
            cues = label_cues(matrix, row, members=members, column=columns[label], names=names)
            out.append(replace(prediction, cues=tuple(cues)))
        return out

    def _category_names(self) -> list[str]:
        return sorted(set(self.topic_category.values()))

    def _topic_columns(self, classes: list[str]) -> np.ndarray:
        """Each label's category, as its column in `_category_probabilities` (empty when
        labels are categories)."""
        names = self._category_names()
        return np.array([names.index(self.topic_category[label]) for label in classes]
                        if self.topic_category else [], dtype=np.int64)  # fmt: skip

    def _category_probabilities(
        self,
        matrix: Any,
        label_probs: np.ndarray,
        hint: tuple[Sequence[str], np.ndarray, float] | None = None,
    ) -> np.ndarray:
        """Texts × categories (`_category_names`) probabilities; no columns when labels are
        categories."""
        if not self.topic_category:
            return np.zeros((matrix.shape[0], 0))
        names = self._category_names()
        summed = np.zeros((matrix.shape[0], len(names)))
        for j, label in enumerate(self.labels.classes_):
            summed[:, names.index(self.topic_category[label])] += label_probs[:, j]
        if self.categories is not None:
            direct = np.zeros_like(summed)
            direct_probs = self.categories.predict_proba(matrix)
            for j, name in enumerate(self.categories.classes_):
                direct[:, names.index(name)] = direct_probs[:, j]
            summed = (summed + direct) / 2
        if hint is not None:
            summed = _blend(summed, names, *hint)
        return summed

    def _signal_probabilities(self, matrix: Any) -> np.ndarray:
        if self.signal is None:
            return np.ones(matrix.shape[0])
        column = list(self.signal.classes_).index("signal")
        return self.signal.predict_proba(matrix)[:, column]

    def _one(
        self,
        classes: list[str],
        probs: np.ndarray,
        p_signal: float,
        by_category: np.ndarray,
        threshold: float,
        topic_columns: np.ndarray,
        category_first: bool = False,
    ) -> Prediction:
        """`by_category`: this text's category probabilities, `topic_columns` each topic's
        column there; `category_first`: pick the category first."""
        signal = bool(p_signal >= threshold)
        signal_confidence = round(float(p_signal if signal else 1 - p_signal), 4)
        if not self.topic_category:
            best = int(np.argmax(probs))
            confidence = round(float(probs[best]), 4)
            return Prediction(signal, signal_confidence, str(classes[best]), confidence, None, 0.0)
        # Topic and category decided together: the topic with the best product of its own
        # probability and its category's. Choosing the category first and the topic inside
        # it loses topics whose category is a close second (measured: BENCHMARKS.md).
        joint = probs * by_category[topic_columns]
        # The topics' shares of all the topics' joint scores. The chosen topic's share is its
        # confidence: it ranks correct topics first better than the smaller of the two
        # probabilities (BENCHMARKS.md, "NLP"). Not rounded: on small corpora one post in
        # seven is above 0.99995, and rounding would tie them all at 1.0 (Kursk coverage at
        # 97%: 0.077 unrounded, 0.025 rounded).
        shares = joint / (float(joint.sum()) or 1.0)
        order = np.argsort(-shares, kind="stable")
        ranked = order[: ALTERNATIVES + 1]
        if category_first:
            # With real-signal categories blended in, the most probable category is right more
            # often than the best joint topic's (ЦУР feed, 5-fold: BENCHMARKS.md, "Signal vs
            # noise on real social media"): its best topic first, then the runners-up.
            best = int(np.argmax(by_category))  # the first of equals, as `max` over names
            inside = order[topic_columns[order] == best]
            if len(inside):
                # The figures follow the choice (BENCHMARKS.md, "Topic figures that follow the
                # category chosen first"): each topic's probability inside its category times
                # the category's, so no topic is surer than its category (the joint shares
                # showed one at 0.96 beside a category chosen over it); and none above the
                # chosen topic, which such a probability can be when the chosen category
                # spreads over many topics: where the two orders disagree, the chosen
                # category is right nearly three times as often as the other one's.
                probable = within_category(probs, by_category, topic_columns)
                rest = np.argsort(-probable, kind="stable")
                rest = rest[rest != inside[0]][:ALTERNATIVES]
                ranked = np.concatenate([inside[:1], rest])
                shares = np.minimum(probable, probable[inside[0]])
        topic = str(classes[ranked[0]])
        category = self.topic_category[topic]
        category_confidence = round(float(by_category[topic_columns[ranked[0]]]), 4)
        confidence = float(shares[ranked[0]])
        alternatives = tuple(  # rounded, yet never above the chosen topic's
            (str(classes[i]), self.topic_category[classes[i]],
             min(round(float(shares[i]), 4), confidence))
            for i in ranked[1:]
        )  # fmt: skip
        return Prediction(
            signal, signal_confidence, category, category_confidence, topic, confidence,
            alternatives=alternatives,
        )  # fmt: skip

    def save(self, directory: Path, *, compress: int = 3) -> Path:
        """`compress`: joblib's zlib level; 0 stores the arrays as they are (three times the
        size, a quarter of the load time)."""
        directory.mkdir(parents=True, exist_ok=True)
        joblib.dump(self, directory / ARTIFACT, compress=compress)
        (directory / META).write_text(json.dumps(self.meta, ensure_ascii=False, indent=2), "utf-8")
        return directory


def within_category(
    probs: np.ndarray, by_category: np.ndarray, topic_columns: np.ndarray
) -> np.ndarray:
    """Each topic's probability as P(topic | its category) × P(category): the topic model's
    probability renormalised inside its category, times `by_category`'s (its column in
    `topic_columns`). Sums to `by_category`'s total; a category the topic model gives nothing
    shares its probability equally among its topics."""
    mass = np.zeros(len(by_category))
    np.add.at(mass, topic_columns, probs)
    counts = np.bincount(topic_columns, minlength=len(by_category))
    inside = np.where(mass[topic_columns] > 0, probs / np.maximum(mass[topic_columns], 1e-300),
                      1.0 / np.maximum(counts[topic_columns], 1))  # fmt: skip
    return inside * by_category[topic_columns]


def _blend(
    own: np.ndarray,
    own_names: Sequence[str],
    names: Sequence[str],
    probs: np.ndarray,
    weight: float,
) -> np.ndarray:
    """Average another model's category probabilities into ours (texts × `own_names`), over
    the categories both know (theirs renormalised there); none in common: ours unchanged."""
    columns = {name: j for j, name in enumerate(names)}
    shared = [(i, columns[name]) for i, name in enumerate(own_names) if name in columns]
    if not shared:
        return own
    theirs = np.zeros_like(own)
    mine, their = (list(index) for index in zip(*shared, strict=True))
    theirs[:, mine] = probs[:, their]
    total = theirs.sum(axis=1, keepdims=True)
    usable = total[:, 0] > 0
    theirs[usable] /= total[usable]
    out = own.copy()
    out[usable] = (1 - weight) * own[usable] + weight * theirs[usable]
    return out


def load_bundle(directory: Path) -> ClassifierBundle:
    """A bundle written by `ClassifierBundle.save` (our own artifacts only: joblib is pickle)."""
    path = directory / ARTIFACT
    if not path.is_file():
        raise FileNotFoundError(f"no model at {path}")
    bundle = joblib.load(path)
    if not isinstance(bundle, ClassifierBundle):
        raise TypeError(f"{path} does not hold an Otklik classifier")
    return bundle


def train_bundle(
    examples: Sequence[Example],
    *,
    lemmatizer: Lemmatizer,
    topic_category: dict[str, str] | None = None,
    signal_examples: Sequence[Example] = (),
    meta: dict[str, Any] | None = None,
    label_names: Mapping[str, str] | None = None,
) -> ClassifierBundle:
    """Fit features on every text, a label model on signals, a signal model when both kinds exist.

    `topic_category` maps each topic label to its category (then a topic implies its category);
    pass None when the labels are categories themselves. `label_names` gives labels their
    wording (a taxonomy topic's name); see `name_examples`.
    """
    all_examples = [*examples, *signal_examples]
    named = name_examples(examples, label_names or {})
    features = TextFeatures()
    rows = [*all_examples, *named]
    matrix = features.fit_transform(prepare([e.text for e in rows], lemmatizer))
    label_rows = [i for i, e in enumerate(rows) if e.is_signal and e.label]
    preset = "topics" if topic_category else "labels"
    labels = LinearEnsemble(preset=preset).fit(
        matrix[label_rows], [rows[i].label for i in label_rows]
    )
    labelled = [i for i in label_rows if i < len(all_examples)]  # posts, without the names
    flags = ["signal" if e.is_signal else NOT_SIGNAL for e in all_examples]
    posts = matrix[: len(all_examples)]
    signal = CalibratedSVM().fit(posts, flags) if len(set(flags)) == 2 else None
    mapping = {label: topic_category[label] for label in labels.classes_} if topic_category else {}
    categories = None
    if mapping and len(set(mapping.values())) > 1:
        category_labels = [mapping[all_examples[i].label or ""] for i in labelled]
        categories = LinearEnsemble().fit(matrix[labelled], category_labels)
    info = {"examples": len(all_examples), "label_names": len(named),
            "classes": len(labels.classes_), **(meta or {})}  # fmt: skip
    return ClassifierBundle(features, labels, signal, mapping, info, categories)


def name_examples(examples: Sequence[Example], names: Mapping[str, str]) -> list[Example]:
    """One more example of each label, its name: for the label model only, not the signal or
    category models. A rare topic's name often holds the words its posts use ("Ямы и выбоины
    на дороге"); measured: Kursk topic accuracy +1.1 points and macro-F1 +2.8 (BENCHMARKS.md).
    Only labels that have posts: a name alone is no evidence of how people write about it."""
    present = {e.label for e in examples if e.is_signal and e.label}
    return [Example(name, label) for label, name in sorted(names.items())
            if label in present and name.strip()]  # fmt: skip


def majority_categories(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """topic -> its most frequent category in a corpus (ЦУР exports repeat both columns)."""
    counts: dict[str, Counter[str]] = {}
    for topic, category in pairs:
        counts.setdefault(topic, Counter())[category] += 1
    return {topic: counter.most_common(1)[0][0] for topic, counter in counts.items()}
