"""Модель: promote a candidate that is not worse, then roll back; both audited."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from dashboard.names import model_reason
from models.audit import AuditEvent
from models.learning import ModelStatus, ModelVersion
from models.taxonomy import Category
from nlp.learning import is_not_worse
from otklik.cli import app as cli
from tests.dashboard.conftest import open_page, texts


def _figures(accuracy: float) -> dict[str, Any]:
    return {"n": 20, "accuracy": accuracy, "macro_f1": accuracy, "coverage": {"0.97": 0.4}}


def _metrics(candidate: float, current: float) -> dict[str, Any]:
    return {
        "candidate": {"topic": _figures(candidate), "signal": _figures(candidate)},
        "current": {"topic": _figures(current), "signal": _figures(current)},
        "heldout": 20,
    }


def test_promote_then_roll_back(
    signed_in: Callable[[str], AppTest], console_users: dict[str, str], engine: Engine
) -> None:
    with Session(engine) as session:
        first = ModelVersion(
            name="v1", path="/nowhere/v1", status=ModelStatus.CURRENT, metrics=_metrics(0.8, 0.7)
        )
        session.add(first)
        session.commit()
        session.add(
            ModelVersion(
                name="v2", path="/nowhere/v2", parent_id=first.id, metrics=_metrics(0.85, 0.8)
            )
        )
        session.commit()

    app = open_page(signed_in("admin"), "model")
    assert not app.exception
    assert app.subheader[0].value == "Текущая версия: v1"
    app.button(key="model_promote").click().run()
    assert not app.exception
    assert app.success[0].value == "Версия продвинута: не хуже текущей модели на отложенной выборке"
    with Session(engine) as session:
        statuses = {v.name: v.status for v in session.exec(select(ModelVersion))}
    assert statuses == {"v1": "retired", "v2": "current"}

    app.run()
    app.button(key="model_rollback").click().run()
    assert not app.exception
    with Session(engine) as session:
        statuses = {v.name: v.status for v in session.exec(select(ModelVersion))}
        events = session.exec(
            select(AuditEvent).where(AuditEvent.entity_type == "model").order_by(col(AuditEvent.id))
        ).all()
    assert statuses == {"v1": "current", "v2": "retired"}
    assert [(e.actor, e.action) for e in events] == [("admin", "promote"), ("admin", "rollback")]


def test_retrain_with_too_few_labels_says_why(
    signed_in: Callable[[str], AppTest], console_users: dict[str, str]
) -> None:
    app = open_page(signed_in("admin"), "model")
    app.button(key="model_retrain").click().run()
    assert not app.exception
    assert "Обучение невозможно" in app.error[0].value


def test_confusion_matrix_of_a_version_or_a_note_without_one(
    signed_in: Callable[[str], AppTest], console_users: dict[str, str], engine: Engine
) -> None:
    confusion = {"labels": ["roads", "waste"], "matrix": [[3, 1], [0, 4]]}
    with Session(engine) as session:
        session.add(Category(code="roads", name="Дороги"))
        session.add(ModelVersion(name="old", path="/nowhere/old", metrics=_metrics(0.7, 0.7)))
        session.add(
            ModelVersion(
                name="v1",
                path="/nowhere/v1",
                status=ModelStatus.CURRENT,
                metrics={**_metrics(0.8, 0.7), "confusion": confusion},
            )
        )
        session.commit()

    app = open_page(signed_in("admin"), "model")
    assert not app.exception
    assert "Матрица ошибок по категориям (отложенная выборка)" in texts(app)
    shown = next(frame.value for frame in app.dataframe if "Дороги" in list(frame.value.index))
    assert list(shown.index) == ["Дороги", "waste"]  # a name when the taxonomy has it
    assert list(shown.columns) == ["Дороги", "waste"]
    assert shown.to_numpy().tolist() == [[3, 1], [0, 4]]

    app.selectbox(key="model_confusion_version").select_index(1).run()
    assert not app.exception
    assert "Для версии old матрица ошибок не сохранена." in texts(app)


def test_a_model_trained_by_the_cli_shows_its_confusion_matrix(
    signed_in: Callable[[str], AppTest], console_users: dict[str, str], tmp_path: Path
) -> None:
    from tests.nlp.test_cli import _corpus

    trained = CliRunner().invoke(cli, ["nlp", "train", "--corpus", str(_corpus(tmp_path / "c.csv")),
                                       "--text-column", "Текст инцидента",
                                       "--label-column", "Группа тем"])  # fmt: skip
    assert trained.exit_code == 0, trained.output

    app = open_page(signed_in("admin"), "model")
    assert not app.exception
    assert "Матрица ошибок по категориям (отложенная выборка)" in texts(app)
    assert "матрица ошибок не сохранена" not in texts(app)
    shown = next(frame.value for frame in app.dataframe if "ЖКХ" in list(frame.value.index))
    assert set(shown.index) <= {"ЖКХ", "Дороги"} and list(shown.columns) == list(shown.index)
    assert int(shown.to_numpy().sum()) > 0


def test_no_labels_and_no_versions_are_said_in_russian_not_shown_as_empty_tables(
    signed_in: Callable[[str], AppTest], console_users: dict[str, str]
) -> None:
    """An empty table shows only the grid's English «empty»: the page says why it is empty."""
    app = open_page(signed_in("admin"), "model")
    assert not app.exception
    assert len(app.dataframe) == 0
    shown = [info.value for info in app.info]
    assert any(text.startswith("Разметки пока нет") for text in shown)
    assert any(text.startswith("Обученных версий пока нет") for text in shown)


def test_the_metrics_are_russian_with_decimal_commas(
    signed_in: Callable[[str], AppTest], console_users: dict[str, str], engine: Engine
) -> None:
    """A retrain stores the signal's figures at its threshold beside the tasks: they read
    as a Russian sentence under the table, not as a row «signal_operating» of «None»."""
    tasks = {
        "topic": _figures(0.8123),
        "signal_operating": {"precision": 0.91, "recall": 0.8, "precision_at_recall": 0.9},
    }
    with Session(engine) as session:
        session.add(ModelVersion(name="v1", path="/nowhere/v1", status=ModelStatus.CURRENT,
                                 metrics={"candidate": tasks, "heldout": 20}))  # fmt: skip
        session.commit()
    app = open_page(signed_in("admin"), "model")
    assert not app.exception
    figures = app.dataframe[0].value
    assert list(figures["Задача"]) == ["тема"]
    assert "Покрытие при 0,97" in figures.columns
    assert (
        "Сигнал / не сигнал на пороге модели (эта версия): точность 0,910, полнота 0,800; "
        "точность при рабочей полноте 0,900"
    ) in texts(app)


def test_a_rejection_says_why_in_russian_with_decimal_commas() -> None:
    assert model_reason("topic macro_f1 0.612 < current 0.700") == (
        "тема: макро-F1 0,612 ниже, чем у текущей (0,700)"
    )
    assert model_reason("signal precision at 90% recall 0.850 < current 0.900") == (
        "сигнал / не сигнал: точность при полноте 90 % 0,850 ниже, чем у текущей (0,900)"
    )


def test_every_reason_the_core_gives_reads_in_russian() -> None:
    """The reasons `is_not_worse` itself writes, each of its branches: a change of its
    wording that the translation misses fails here, not on the page."""
    even = {"accuracy": 0.8, "macro_f1": 0.7}
    fell = {"accuracy": 0.6, "macro_f1": 0.7}
    both = {"topic": even, "signal": even}

    def operating(precision: float) -> dict[str, Any]:
        return {**both, "signal_operating": {"precision_at_recall": precision}}

    cases = [
        {},  # trained outside the learning loop: nothing to compare with
        {"candidate": {"topic": fell, "signal": even}, "current": both},
        {"candidate": {"topic": even, "signal": fell}, "current": both},
        {"candidate": operating(0.7), "current": operating(0.9)},
        {"candidate": both, "current": both},
    ]
    reasons = [is_not_worse(metrics)[1] for metrics in cases]
    assert len(set(reasons)) == len(cases)
    for reason in reasons:  # «макро-F1» is how the page names it
        russian = model_reason(reason).replace("макро-F1", "")
        assert re.search(r"[A-Za-z]|\d\.\d", russian) is None, reason
