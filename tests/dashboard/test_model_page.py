"""Модель: promote a candidate that is not worse, then roll back; both audited."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from models.audit import AuditEvent
from models.learning import ModelStatus, ModelVersion
from tests.dashboard.conftest import open_page


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
    assert "Версия продвинута" in app.success[0].value
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
