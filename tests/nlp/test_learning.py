from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from models.learning import ModelStatus, ModelVersion, TrainingLabel
from nlp.classifier import load_bundle
from nlp.learning import (
    LearningError,
    decide,
    is_heldout,
    is_not_worse,
    retrain_candidate,
    rollback,
)
from nlp.lemmas import Lemmatizer
from nlp.metrics import confusion
from nlp.seed import seed_reference_data
from otklik.paths import DATA_DIR
from triage.taxonomy import add_topic, update_topic


def _figures(accuracy: float, f1: float) -> dict[str, object]:
    return {"accuracy": accuracy, "macro_f1": f1}


@pytest.mark.parametrize(
    ("candidate", "current", "promoted"),
    [
        ((0.8, 0.7, 0.9, 0.9), (0.8, 0.7, 0.9, 0.9), True),  # equal is not worse
        ((0.85, 0.75, 0.95, 0.9), (0.8, 0.7, 0.9, 0.9), True),
        ((0.79, 0.75, 0.95, 0.95), (0.8, 0.7, 0.9, 0.9), False),  # topic accuracy lost
        ((0.9, 0.9, 0.9, 0.85), (0.8, 0.7, 0.9, 0.9), False),  # signal macro-F1 lost
    ],
)
def test_promote_only_if_not_worse(
    candidate: tuple[float, ...], current: tuple[float, ...], promoted: bool
) -> None:
    def metrics(v: tuple[float, ...]) -> dict[str, object]:
        return {"topic": _figures(v[0], v[1]), "signal": _figures(v[2], v[3])}

    ok, reason = is_not_worse({"candidate": metrics(candidate), "current": metrics(current)})
    assert ok is promoted
    assert reason


def test_no_comparison_is_no_promotion() -> None:
    assert is_not_worse({"category": {"accuracy": 0.99}}) == (
        False,
        "no comparison with the current model on held-out labels",
    )


LABELS = [
    ("Ледяные батареи в детской, отопление не включили", "housing_heating"),
    ("Когда дадут тепло в дом на Советской? Холодно", "housing_heating"),
    ("Огромная выбоина на перекрёстке, машины объезжают по встречке", "roads_potholes"),
    ("Асфальт провалился, на дороге глубокая яма", "roads_potholes"),
    ("Мусорку не вывозят, крысы бегают у баков", "waste_collection"),
    ("Контейнер переполнен неделю, вывоза нет", "waste_collection"),
    ("Света нет с ночи на всей улице", "electricity_outage"),
    ("Электричество отключают каждый день без объявления", "electricity_outage"),
]
# «Спасибо за праздник в парке!» was the second: the shipped model scores it 0.26 against its
# 0.27 threshold, and its copies share their "(n)" suffix with eight signals each, so which
# side a fine-tuned copy lands on was the suffix's doing, not the loop's.
NOISE = ["Продам шкаф-купе, самовывоз", "Поздравляем всех с праздником!", "Всем хороших выходных"]


def _add_labels(session: Session, copies: int) -> None:
    for n in range(copies):
        for text, topic in LABELS:
            session.add(TrainingLabel(text=f"{text} ({n})", topic_code=topic,
                                      category_code=topic.split("_")[0]))  # fmt: skip
        for text in NOISE:
            session.add(TrainingLabel(text=f"{text} ({n})", is_signal=False))
    session.commit()


def test_retrain_decide_and_roll_back(
    session: Session, tmp_path: Path, lemmatizer: Lemmatizer
) -> None:
    with pytest.raises(LearningError):
        retrain_candidate(session, model_dir=tmp_path, data_dir=DATA_DIR, lemmatizer=lemmatizer)
    _add_labels(session, copies=8)
    first = retrain_candidate(session, model_dir=tmp_path, data_dir=DATA_DIR, lemmatizer=lemmatizer)
    assert first.status == ModelStatus.CANDIDATE and Path(first.path).is_dir()
    heldout = first.metrics["heldout"]
    assert heldout == sum(
        is_heldout(label.id or 0) for label in session.exec(select(TrainingLabel))
    )
    # the signal model is also compared at the operating point (precision at 90% recall)
    assert set(first.metrics["candidate"]) == {"topic", "signal", "category", "signal_operating"}
    _check_confusion(first.metrics, session)
    # «Не сигнал» and confirmations fine-tune the shipped signal model too
    tuned = load_bundle(Path(first.path)).social_signal
    assert tuned is not None and tuned.info["fine_tuned_on"] == first.label_count
    operating = first.metrics["candidate"]["signal_operating"]
    assert set(operating) == {"precision", "recall", "precision_at_recall"}

    decision = decide(session, candidate_id=first.id or 0)
    # Trained on labels like the held-out ones, it beats the cold-start model.
    assert decision.promoted, decision.reason
    assert first.status == ModelStatus.CURRENT and first.promoted_at is not None
    with pytest.raises(LearningError):
        decide(session, candidate_id=first.id or 0)

    second = retrain_candidate(
        session, model_dir=tmp_path, data_dir=DATA_DIR, lemmatizer=lemmatizer
    )
    assert second.parent_id == first.id
    # The same labels and seed: the candidate equals the current one, so it is not worse.
    assert second.metrics["candidate"] == second.metrics["current"]
    assert decide(session, candidate_id=second.id or 0).promoted
    assert rollback(session) == first
    statuses = {v.id: v.status for v in session.exec(select(ModelVersion))}
    assert statuses == {first.id: ModelStatus.CURRENT, second.id: ModelStatus.RETIRED}
    assert rollback(session) is None  # back to the cold-start model
    with pytest.raises(LearningError):
        rollback(session)


def _check_confusion(metrics: dict[str, Any], session: Session) -> None:
    """The category confusion matrix covers every held-out labelled signal, once."""
    confusion = metrics["confusion"]
    labels, matrix = confusion["labels"], confusion["matrix"]
    assert len(matrix) == len(labels) and all(len(row) == len(labels) for row in matrix)
    total = sum(map(sum, matrix))
    heldout_signals = sum(
        is_heldout(label.id or 0)
        for label in session.exec(select(TrainingLabel))
        if label.is_signal and (label.topic_code or label.category_code)
    )
    assert total == heldout_signals == metrics["candidate"]["category"]["n"] > 0
    diagonal = sum(matrix[i][i] for i in range(len(labels)))
    assert round(diagonal / total, 4) == metrics["candidate"]["category"]["accuracy"]
    assert "confusion" not in metrics["current"]
    topics = {label.topic_code for label in session.exec(select(TrainingLabel))} - {None}
    assert not topics & set(labels)  # category codes, not topic codes


def test_confusion_rows_are_truth_and_columns_prediction() -> None:
    confusion_of = confusion(["a", "a", "b", "c"], ["a", "b", "b", "a"])
    assert confusion_of == {"labels": ["a", "b", "c"], "matrix": [[1, 1, 0], [0, 1, 0], [1, 0, 0]]}
    assert confusion([], []) == {"labels": [], "matrix": []}


def test_retraining_learns_the_rubricator_as_operators_edited_it(
    session: Session, tmp_path: Path, lemmatizer: Lemmatizer
) -> None:
    """A topic added and one renamed in the database (not in data/taxonomy.json) are learned."""
    seed_reference_data(session, data_dir=DATA_DIR, region_code="57")
    new = {"code": "roads_noise_screens", "category_code": "roads", "sla_hours": 80,
           "name": "Шумозащитные экраны вдоль дороги"}  # fmt: skip
    add_topic(session, values=new, actor="admin", user_id=None)
    renamed = {"name": "Кракелюры асфальта"}
    update_topic(session, code="roads_potholes", changes=renamed, actor="admin", user_id=None)
    session.commit()
    screens = ["Вдоль трассы под окнами грохот, нужна защита от шума",
               "Панели вдоль объездной разбиты, шум от фур не даёт спать",
               "Обещали поставить ограждение от шума у дома 5 и не поставили",
               "Когда установят заграждение от шума на развязке?"]  # fmt: skip
    for n in range(6):
        for text in screens:
            session.add(TrainingLabel(text=f"{text} ({n})", topic_code="roads_noise_screens",
                                      category_code="roads"))  # fmt: skip
    _add_labels(session, copies=4)
    version = retrain_candidate(
        session, model_dir=tmp_path, data_dir=DATA_DIR, lemmatizer=lemmatizer
    )
    bundle = load_bundle(Path(version.path))
    assert bundle.topic_category["roads_noise_screens"] == "roads"
    # every topic with posts has its wording, the added one too: its name alone says "экраны"
    assert bundle.meta["label_names"] == len(bundle.labels.classes_)
    [prediction] = bundle.predict(["шумозащитные экраны"], lemmatizer)
    assert (prediction.topic, prediction.category) == ("roads_noise_screens", "roads")
    [renamed] = bundle.predict(["кракелюры"], lemmatizer)
    assert renamed.topic == "roads_potholes"
