"""Модель: the classifier versions, their metrics, and the learning loop (admins only).

The model is region-wide: an admin scoped to municipalities is refused the page, and as
every button acts in the run its click starts, the territory is read again at each click.
"""

from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import func
from sqlmodel import Session, col, select

from dashboard import auth, names, resources, views
from models.learning import ModelStatus, ModelVersion, TrainingLabel
from nlp.learning import LearningError, current_version, decide, retrain_candidate, rollback
from triage.accounts import Right
from triage.audit import record_event

NO_LABELS = (
    "Разметки пока нет: примеры появляются, когда модераторы подтверждают, отклоняют"
    " или исправляют посты в очереди."
)
NO_VERSIONS = "Обученных версий пока нет: кнопка «Переобучить» обучает первую на разметке."

login = auth.require(Right.MANAGE_MODEL)
st.title("Модель")
if not login.scope.is_regional:
    st.error(auth.REGION_WIDE)
    st.stop()

with resources.session() as db:
    versions = list(db.exec(select(ModelVersion).order_by(col(ModelVersion.id).desc()).limit(20)))
    label_counts = dict(
        db.exec(  # type: ignore[call-overload]
            select(TrainingLabel.origin, func.count()).group_by(TrainingLabel.origin)
        ).all()
    )

current = next((v for v in versions if v.status == ModelStatus.CURRENT), None)
if current is None:
    st.info("Продвинутой версии нет: работает исходная модель, обученная на примерах.")
else:
    st.subheader(f"Текущая версия: {current.name}")
    views.show_metrics(current.metrics)


def _show_confusion(version: ModelVersion) -> None:
    """Rows: the true category, columns: the predicted one, on the version's held-out labels."""
    stored = version.metrics.get("confusion")
    if not stored or not stored.get("labels"):
        st.caption(f"Для версии {version.name} матрица ошибок не сохранена.")
        return
    names = [views.category_name(code) if code else "—" for code in stored["labels"]]
    st.caption("Матрица ошибок по категориям (отложенная выборка)")
    st.dataframe(
        pd.DataFrame(stored["matrix"], index=names, columns=names).rename_axis(
            "Истинная \\ предсказанная"
        ),
    )


if versions:
    shown = st.selectbox(
        "Версия для матрицы ошибок",
        versions,
        index=versions.index(current) if current else 0,
        format_func=lambda v: v.name,
        key="model_confusion_version",
    )
    _show_confusion(shown)

# An empty table would show only the grid's English «empty»: a Russian sentence instead.
st.subheader("Разметка для обучения")
if label_counts:
    st.dataframe(
        [
            {"Происхождение": names.label_origin(origin), "Примеров": count}
            for origin, count in label_counts.items()
        ],
        hide_index=True,
    )
else:
    st.info(NO_LABELS)
st.subheader("Версии")
if versions:
    st.dataframe(views.versions_table(versions), hide_index=True, width="stretch")
else:
    st.info(NO_VERSIONS)


def _audited(db: Session, action: str, version: ModelVersion | None, **after: Any) -> None:
    record_event(
        db,
        actor=login.username,
        user_id=login.user_id,
        entity_type="model",
        entity_id=(version.id or 0) if version else 0,
        action=action,
        before=None,
        after={"name": version.name if version else None, **after},
    )
    db.commit()


def _retrain(db: Session) -> str:
    values = resources.settings()
    candidate = retrain_candidate(
        db,
        model_dir=values.model_dir,
        data_dir=values.data_dir,
        lemmatizer=resources.lemmatizer(),
    )
    _audited(db, "retrain", candidate)
    return candidate.name


def _rollback(db: Session) -> str:
    retired = current_version(db)
    restored = rollback(db)
    _audited(db, "rollback", retired, restored=restored.name if restored else None)
    return restored.name if restored else "исходная модель"


left, middle, right = st.columns(3)
if left.button("Переобучить", key="model_retrain", help="Обучить кандидата на разметке"):
    with st.spinner("Обучение…"), resources.session() as db:
        try:
            st.success(f"Обучен кандидат {_retrain(db)}.")
        except LearningError as error:
            st.error(f"Обучение невозможно: {error}")
candidates = [v for v in versions if v.status == ModelStatus.CANDIDATE]
if candidates:
    chosen = middle.selectbox(
        "Кандидат", candidates, format_func=lambda v: v.name, key="model_candidate"
    )
    if middle.button("Продвинуть, если не хуже", key="model_promote"):
        with resources.session() as db:
            decision = decide(db, candidate_id=chosen.id or 0)
            _audited(
                db, "promote" if decision.promoted else "reject", chosen, reason=decision.reason
            )
        (st.success if decision.promoted else st.warning)(
            ("Версия продвинута: " if decision.promoted else "Версия отклонена: ")
            + names.model_reason(decision.reason)
        )
if current is not None and right.button("Откатить", key="model_rollback"):
    with resources.session() as db:
        try:
            st.success(f"Откат выполнен, работает {_rollback(db)}.")
        except LearningError as error:
            st.error(f"Откат невозможен: {error}")
