"""Run a stage function for the signed-in user: commit on success, say why on refusal."""

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from sqlmodel import Session

from dashboard import resources
from triage.errors import ConflictError, InvalidTransition, NotFound, TriageError
from triage.scope import OutOfScope

Result = TypeVar("Result")


def perform(action: Callable[[Session], Result], *, done: str) -> Result | None:
    """Call `action(session)`, commit, show `done`; a triage refusal becomes an error message."""
    with resources.session() as db:
        try:
            result = action(db)
            db.commit()
        except TriageError as error:
            db.rollback()
            st.error(refusal_message(error))
            return None
    st.toast(done)
    st.session_state["otklik_last_action"] = done
    return result


def refusal_message(error: TriageError) -> str:
    if isinstance(error, ConflictError):
        return "Запись уже изменил другой пользователь. Обновите страницу и повторите."
    if isinstance(error, InvalidTransition):
        return f"Нельзя перевести обращение из статуса «{error.current}» в «{error.target}»."
    if isinstance(error, OutOfScope):
        return "Нет доступа: запись относится к другой территории."
    if isinstance(error, NotFound):
        return "Запись не найдена: возможно, её уже удалили или объединили."
    return f"Действие отклонено: {error}"
