"""Run a stage function for the signed-in user: check the login, commit, say why on refusal."""

import logging
from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from sqlmodel import Session

from dashboard import auth, resources
from triage.accounts import Right
from triage.errors import ConflictError, InvalidTransition, NotFound, TriageError
from triage.scope import OutOfScope

Result = TypeVar("Result")
log = logging.getLogger(__name__)
LAST_ACTION = "otklik_last_action"


def perform(
    action: Callable[[Session], Result],
    *,
    done: str | Callable[[Result], str],
    right: Right | None = None,
    toast: bool = True,
    refusal_key: str | None = None,
) -> Result | None:
    """Call `action(session)` and commit, if the login is still live and grants `right`.

    `done` (or `done(result)`) is said in a toast, or (`toast=False`) only kept in
    `LAST_ACTION` for the page to show in place: the queue does, since a toast is a second,
    late redraw per decision.

    A triage refusal becomes a Russian message; any other failure is logged with its
    traceback and said in Russian, never shown as a traceback. The message is drawn at the
    top of the page, or (`refusal_key`) kept in that session-state key for the page to show
    beside the form the user acted in.
    """
    if auth.allowed(right) is None:
        return None
    with resources.session() as db:
        try:
            result = action(db)
            db.commit()
        except TriageError as error:
            db.rollback()
            _refuse(refusal_message(error), refusal_key)
            return None
        except Exception:
            db.rollback()
            log.exception("console action failed")
            _refuse("Действие не выполнено из-за внутренней ошибки. Подробности — в журнале.",
                    refusal_key)  # fmt: skip
            return None
    said = done(result) if callable(done) else done
    if toast:
        st.toast(said)
    else:
        st.session_state[LAST_ACTION] = said
    return result


def _refuse(message: str, key: str | None) -> None:
    if key is None:
        st.error(message)
    else:
        st.session_state[key] = message


def refusal_message(error: TriageError) -> str:
    if isinstance(error, ConflictError):
        return "Запись уже изменил другой пользователь. Обновите страницу и повторите."
    if isinstance(error, InvalidTransition):
        return "Такой переход статуса невозможен: обновите страницу."
    if isinstance(error, OutOfScope):
        return "Нет доступа: запись относится к другой территории."
    if isinstance(error, NotFound):
        return "Запись не найдена: возможно, её уже удалили или объединили."
    text = str(error)
    for fragment, message in REFUSALS.items():
        if fragment in text:
            return message
    return "Действие отклонено: обновите страницу и повторите."


# Triage refusals without a class of their own, told apart by their (English) wording.
REFUSALS = {
    "already has an open report": "У этого инцидента уже есть открытое обращение.",
    "answer text is empty": "Ответ пуст: напишите текст ответа.",
    "no posts left to report": "В инциденте не осталось постов: обращение не создаётся.",
    "merged into itself": "Инцидент нельзя объединить с самим собой.",
    "is merged into": "Этот инцидент объединён с другим: прикрепите пост к инциденту, с которым "
    "его объединили.",
    "is merged or has no posts": "Инцидент уже объединён с другим или пуст: объединять его "
    "нельзя. Обновите страницу.",
    "some, but not all": "Для разделения выберите часть постов инцидента, но не все.",
    "is the last active admin": "Это последний активный администратор: его нельзя отключить "
    "или сменить ему роль. Сначала назначьте другого администратора.",
    "already exists": "Пользователь с таким логином уже есть.",
    "the password must have": "Пароль должен быть не короче 8 символов.",
    "the username is empty": "Укажите логин.",
    "only a regional admin": "Управлять пользователями может только администратор всего региона.",
    "a region-wide setting": "Нет доступа: это настройка всего региона, а доступ вашей учётной "
    "записи ограничен территорией. Действие не выполнено.",
}
