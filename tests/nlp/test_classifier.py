import csv
import pickle
import random
from pathlib import Path

import numpy as np
import pytest

from nlp.annotator import Annotator
from nlp.calibrated import _scores, _softmax
from nlp.classifier import (
    ClassifierBundle,
    Example,
    load_bundle,
    train_bundle,
    within_category,
)
from nlp.ensemble import LinearEnsemble
from nlp.features import prepare
from nlp.lemmas import Lemmatizer
from nlp.metrics import coverage_at_precision

# Texts written for these tests (not in data/seed_examples.csv).
COLD_START = [
    ("Третий день в квартире ледяные батареи, отопления нет", "housing", "housing_heating"),
    ("На дороге возле школы глубокая яма, разбили колесо", "roads", "roads_potholes"),
    ("Контейнеры переполнены, мусор не вывозили с понедельника", "waste", "waste_collection"),
    ("Во дворе стая бродячих собак, дети боятся гулять", "animals", "animals_stray"),
    ("Фонари на нашей улице не горят, темно вечером", "amenities", "amenities_lighting"),
    ("Автобус номер 5 опять не пришёл по расписанию", "transport", "transport_schedule"),
    ("В деревне отключили электричество ещё вчера", "electricity", "electricity_outage"),
]


@pytest.mark.parametrize(("text", "category", "topic"), COLD_START)
def test_cold_start_classifies_sensibly(
    annotator: Annotator, text: str, category: str, topic: str
) -> None:
    [result] = annotator.annotate([text])
    assert result.is_signal
    assert (result.category_code, result.topic_code) == (category, topic)


NOISE = [
    "Продаю детскую коляску, почти новая, недорого",
    "Огромное спасибо дворникам за чистый двор!",
    "Поздравляем учителей с профессиональным праздником!",
]


@pytest.mark.parametrize("text", NOISE)
def test_cold_start_recognises_noise(annotator: Annotator, text: str) -> None:
    [result] = annotator.annotate([text])
    assert not result.is_signal


def test_topic_implies_category(cold_bundle: ClassifierBundle, lemmatizer: Lemmatizer) -> None:
    texts = [text for text, _, _ in COLD_START] + NOISE + ["непонятный текст без смысла"]
    for prediction in cold_bundle.predict(texts, lemmatizer):
        assert cold_bundle.topic_category[prediction.topic or ""] == prediction.category
        # the topic's share of the joint scores: a ranking of its own, not capped by the
        # category's probability (capping it cost Kursk's coverage at 97%: 0.077 -> 0.030)
        assert 0.0 <= prediction.topic_confidence <= 1.0
        assert 0.0 <= prediction.signal_confidence <= 1.0


BAD_INPUT = ["", "   ", "😀🙏👍🔥", "https://vk.com/wall-1_1", "x" * 1_000_000,
             "Hello, в Kungur нет света 🔥 αβγ 中文", "\u200b\u200d"]  # fmt: skip


WORDLESS = {"": "empty", "   ": "empty", "😀🙏👍🔥": "emoji_only",
            "https://vk.com/wall-1_1": "link_only", "\u200b\u200d": "empty"}  # fmt: skip


def test_bad_input_does_not_crash(annotator: Annotator) -> None:
    results = annotator.annotate(BAD_INPUT)
    assert len(results) == len(BAD_INPUT)
    for text, result in zip(BAD_INPUT, results, strict=True):
        if text in WORDLESS:  # a clear decision with its reason
            assert result.is_signal is False
            assert result.reasons == {"no_words": True, "structure": WORDLESS[text]}
    assert results[5].municipality_span == "Кунгур"


def test_coverage_at_precision() -> None:
    confidence = [0.9, 0.8, 0.7, 0.6]
    assert coverage_at_precision(confidence, [True, True, False, True], 0.97) == 0.5
    assert coverage_at_precision(confidence, [True, True, True, True], 0.97) == 1.0
    assert coverage_at_precision(confidence, [False, True, True, True], 0.97) == 0.0
    assert coverage_at_precision([], [], 0.97) == 0.0


def _kursk(shared_data: Path) -> list[dict[str, str]]:
    with (shared_data / "appeals" / "kursk_train.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_calibration_sanity_on_real_appeals(shared_data: Path, lemmatizer: Lemmatizer) -> None:
    rows = _kursk(shared_data)
    random.Random(1).shuffle(rows)
    train, test = rows[:1200], rows[1200:1700]
    bundle = train_bundle([Example(r["text"], r["category"]) for r in train], lemmatizer=lemmatizer)
    predictions = bundle.predict([r["text"] for r in test], lemmatizer)
    confidence = np.array([p.category_confidence for p in predictions])
    correct = np.array(
        [p.category == r["category"] for p, r in zip(predictions, test, strict=True)]
    )
    # Probabilities mean something: mean confidence is near accuracy, and the confident
    # half is right more often than the rest.
    assert abs(confidence.mean() - correct.mean()) < 0.12
    high = confidence >= np.median(confidence)
    assert correct[high].mean() > correct[~high].mean() + 0.1
    assert correct.mean() > 0.6


def test_save_and_load_round_trip(
    cold_bundle: ClassifierBundle, lemmatizer: Lemmatizer, tmp_path: Path
) -> None:
    texts = [text for text, _, _ in COLD_START]
    for compress in (3, 0):  # 0: the cold-start cache's format, stored as it is
        cold_bundle.save(tmp_path / f"m{compress}", compress=compress)
        loaded = load_bundle(tmp_path / f"m{compress}")
        assert loaded.predict(texts, lemmatizer) == cold_bundle.predict(texts, lemmatizer)
    packed, plain = ((tmp_path / f"m{c}" / "model.joblib").stat().st_size for c in (3, 0))
    assert plain > 2 * packed
    with pytest.raises(FileNotFoundError):
        load_bundle(tmp_path / "missing")


def test_training_needs_two_labels(lemmatizer: Lemmatizer) -> None:
    with pytest.raises(ValueError, match="two distinct labels"):
        train_bundle([Example("яма", "roads"), Example("ямы", "roads")], lemmatizer=lemmatizer)


def test_scores_match_scikit_learn_and_weights_are_not_saved(
    cold_bundle: ClassifierBundle, lemmatizer: Lemmatizer
) -> None:
    """The contiguous weight copy gives scikit-learn's own decision scores, bit for bit,
    and is rebuilt after loading rather than stored twice in the artifact."""
    texts = [text for text, _, _ in COLD_START]
    matrix = cold_bundle.features.transform(prepare(texts, lemmatizer))
    assert isinstance(cold_bundle.labels, LinearEnsemble)
    assert cold_bundle.categories is not None and cold_bundle.signal is not None
    models = [*cold_bundle.labels.members, *cold_bundle.categories.members, cold_bundle.signal]
    assert {model.kind for model in models} == {"svm", "logistic", "nb"}
    for model in models:
        if model.kind == "nb":  # centred weights: scores shift per row, probabilities equal
            expected = _softmax(_scores(model._svm, matrix) / model.temperature)
            assert np.allclose(model.predict_proba(matrix), expected)
        else:
            assert np.array_equal(model._decision(matrix), _scores(model._svm, matrix))
        assert pickle.loads(pickle.dumps(model))._weights is None


def test_signals_carry_the_words_behind_their_topic(
    annotator: Annotator, cold_bundle: ClassifierBundle, lemmatizer: Lemmatizer
) -> None:
    text = "Огромная яма на дороге по улице Ленина, машины бьют колёса"
    result = annotator.annotate([text])[0]
    cues = result.reasons["cues"]
    assert "яма" in cues and all(word in text for word in cues)
    assert any("яма" in cue for cue in result.reasons["cue_lemmas"])
    # the cue is causal: without the word the model is less sure of the same topic
    topic = cold_bundle.predict([text], lemmatizer)[0]
    without = cold_bundle.predict([text.replace("яма", "")], lemmatizer)[0]
    assert topic.topic == result.topic_code
    assert without.topic != topic.topic or without.topic_confidence < topic.topic_confidence
    noise = annotator.annotate(["Продаю диван недорого, самовывоз"])[0]
    assert not noise.is_signal and "cues" not in noise.reasons
    [not_signal] = cold_bundle.predict(["Продаю диван недорого, самовывоз"], lemmatizer)
    assert not not_signal.is_signal and not_signal.cues == ()  # not computed for non-signals


def test_an_ensemble_saved_before_presets_still_loads(
    cold_bundle: ClassifierBundle, lemmatizer: Lemmatizer
) -> None:
    """Promoted models saved with `svm` and `logistic` attributes predict as they did."""
    categories = cold_bundle.categories
    assert isinstance(categories, LinearEnsemble) and categories.preset == "labels"
    svm, logistic = categories.members
    old_state = {"svm": svm, "logistic": logistic, "classes_": categories.classes_}
    old = LinearEnsemble.__new__(LinearEnsemble)
    old.__setstate__(pickle.loads(pickle.dumps(old_state)))
    matrix = cold_bundle.features.transform(prepare(["Яма на дороге"], lemmatizer))
    expected = (svm.predict_proba(matrix) + logistic.predict_proba(matrix)) / 2
    assert np.allclose(old.predict_proba(matrix), expected)
    assert np.allclose(categories.predict_proba(matrix), expected)


def test_runner_up_topics_are_offered_best_first(
    annotator: Annotator, cold_bundle: ClassifierBundle, lemmatizer: Lemmatizer
) -> None:
    """Two problems in one post: the second is the first alternative, with its category."""
    text = "Нет горячей воды и батареи холодные"
    [prediction] = cold_bundle.predict([text], lemmatizer)
    topics = [prediction.topic, *(topic for topic, _, _ in prediction.alternatives)]
    assert {"housing_hot_water", "housing_heating"} == set(topics[:2])
    shares = [prediction.topic_confidence, *(share for _, _, share in prediction.alternatives)]
    assert shares == sorted(shares, reverse=True) and sum(shares) <= 1.0 + 1e-9
    for topic, category, _ in prediction.alternatives:
        assert cold_bundle.topic_category[topic] == category
    [stored] = annotator.annotate([text])
    assert stored.reasons["alternatives"][0] == {
        "topic": prediction.alternatives[0][0],
        "category": prediction.alternatives[0][1],
        "confidence": prediction.alternatives[0][2],
    }
    # a post that leaves little doubt still offers two, with small shares
    [sure] = cold_bundle.predict(["Мусор во дворе не вывозят, контейнеры переполнены"], lemmatizer)
    assert len(sure.alternatives) == 2 and sure.topic not in {t for t, _, _ in sure.alternatives}
    assert all(share < 0.05 < sure.topic_confidence for _, _, share in sure.alternatives)


# (text, the category the hint favours): the text names another category's problem, the hint
# a category of many topics, as the real-signal model sometimes does; texts written here.
HINTED = [
    ("Бездомные собаки бегают стаей у подъезда и лают на прохожих", "amenities"),
    ("Провал в асфальте у остановки, водители объезжают его по встречке", "housing"),
    ("Третий день холодные батареи в квартире, управляющая компания молчит", "roads"),
    ("Автобус семнадцатого маршрута снова не пришёл утром", "amenities"),
]


@pytest.mark.parametrize(("text", "favoured"), HINTED)
@pytest.mark.parametrize("share", [0.4, 0.55, 0.7])
def test_with_a_category_hint_no_alternative_is_shown_surer_than_the_choice(
    cold_bundle: ClassifierBundle, lemmatizer: Lemmatizer, text: str, favoured: str, share: float
) -> None:
    """The category is chosen first from the blended probabilities; the topic's figure and the
    alternatives' follow that choice: none above the chosen topic, none above its category."""
    names = sorted(set(cold_bundle.topic_category.values()))
    rest = (1 - share) / (len(names) - 1)
    probs = np.array([[share if name == favoured else rest for name in names]])
    hint = (names, probs, 0.9)
    [free] = cold_bundle.predict_prepared(prepare([text], lemmatizer))
    [hinted] = cold_bundle.predict_prepared(prepare([text], lemmatizer), category_hint=hint)
    assert free.category != favoured  # the text alone says another category
    assert hinted.category == favoured and cold_bundle.topic_category[hinted.topic] == favoured
    assert len(hinted.alternatives) == 2
    assert 0 < hinted.topic_confidence <= hinted.category_confidence
    for _, _, figure in hinted.alternatives:
        assert figure <= hinted.topic_confidence
    assert free.topic in {topic for topic, _, _ in hinted.alternatives}  # still offered


def test_topic_figures_inside_categories_sum_to_the_categories() -> None:
    """P(topic | its category) × P(category): topics of a category share its probability in
    the topic model's proportions; a category the topic model gives nothing shares evenly."""
    probs = np.array([0.6, 0.2, 0.2, 0.0, 0.0])
    columns = np.array([0, 0, 1, 2, 2])
    by_category = np.array([0.3, 0.5, 0.2])
    figures = within_category(probs, by_category, columns)
    assert np.allclose(figures, [0.225, 0.075, 0.5, 0.1, 0.1])
