"""«Опубликовать ответ»: the report's current answer posted under its posts, after a confirmation.

A self-contained block for the report page: `publish_block(report_id, ...)`. Its widgets are
keyed by the report's id, so a confirmation never carries over to another report.
"""

import logging

import streamlit as st
from redis.exceptions import RedisError
from sqlmodel import Session

from dashboard import resources, views
from dashboard.actions import refusal_message
from models.publication import Publication
from models.report import Report, current_answer
from otklik.publishing import publish_report
from otklik.wiring import answer_writers_from_settings
from triage.errors import TriageError
from triage.publishing import NothingToPublish, report_publications

log = logging.getLogger(__name__)
STATUS_NAMES = {
    "pending": "ожидает отправки",
    "published": "опубликован",
    "retrying": "повтор: сбой сети",
    "captcha": "повтор: ВКонтакте просит капчу",
    "flood_control": "повтор: ограничение частоты",
    "comments_closed": "комментарии закрыты",
    "not_supported": "сеть не принимает ответы",
    "no_credentials": "нет ключа доступа",
    "failed": "отклонено сетью",
    "superseded": "ответ устарел",
}
REFUSALS = {
    "no_answer": "У обращения нет ответа: сначала сохраните ответ.",
    "superseded": "Обращение открыто снова: прежний ответ не публикуется. Напишите новый.",
    "no_posts": "У обращения нет постов, под которыми можно ответить.",
    "changed": "Ответ изменился, пока вы подтверждали публикацию: проверьте его и повторите.",
}
NETWORK_NAMES = {"vk": "ВКонтакте", "telegram": "Telegram", "none": "—"}


def publish_block(report_id: int, *, username: str, user_id: int | None) -> None:
    """The publications of the current answer, and the button (only when there is one)."""
    with Session(resources.engine(), expire_on_commit=False) as db:
        report = db.get(Report, report_id)
        if report is None:
            return
        rows = [
            p
            for p in report_publications(db, report_id=report_id)
            if p.answer_revision == report.answer_revision
        ]
    if report.answer_text and current_answer(report) is None:
        st.caption("Обращение открыто снова: прежний ответ не публикуется. Напишите новый.")
        return
    if current_answer(report) is None:
        return
    if rows:
        st.markdown("**Публикация ответа**")
        st.dataframe(_table(rows), hide_index=True, width="stretch")
    asking = f"pub_confirm_{report_id}_{report.answer_revision}"  # a new answer asks again
    if not st.session_state.get(asking):
        st.button("Опубликовать ответ", key=f"pub_ask_{report_id}", on_click=_ask, args=(asking,))
        return
    st.warning("Ответ будет опубликован под каждым постом обращения от имени сообщества. "
               "Опубликовать?")  # fmt: skip
    yes, no = st.columns(2)
    yes.button("Да, опубликовать", key=f"pub_yes_{report_id}", type="primary",
               on_click=_publish,
               args=(report_id, report.answer_revision, asking, username, user_id))  # fmt: skip
    no.button("Отмена", key=f"pub_no_{report_id}", on_click=_cancel, args=(asking,))


def _ask(asking: str) -> None:
    st.session_state[asking] = True


def _cancel(asking: str) -> None:
    st.session_state[asking] = False


def _publish(
    report_id: int, revision: int, asking: str, username: str, user_id: int | None
) -> None:
    st.session_state[asking] = False
    settings = resources.settings()
    try:
        outcome = publish_report(
            resources.engine(), report_id=report_id, actor=username, user_id=user_id,
            publisher=answer_writers_from_settings(settings), settings=settings,
            answer_revision=revision,
        )  # fmt: skip
    except NothingToPublish as error:
        st.error(REFUSALS[error.reason])
        return
    except TriageError as error:
        st.error(refusal_message(error))
        return
    except RedisError:
        log.exception("publishing report %s: the queue is unreachable", report_id)
        st.error("Очередь задач недоступна: ответ не отправлен. Повторите позже.")
        return
    done = sum(p.status == "published" for p in outcome.publications)
    queued = f", в очереди: {outcome.queued}" if outcome.queued else ""
    st.toast(f"Опубликовано: {done} из {len(outcome.publications)}{queued}.")


def _table(rows: list[Publication]) -> list[dict[str, str]]:
    return [
        {
            "Пост": f"№{row.post_id}",
            "Сеть": NETWORK_NAMES.get(row.network, row.network),
            "Статус": STATUS_NAMES.get(row.status, row.status),
            "Ссылка": row.url or "—",
            "Опубликован": views.local_time(row.published_at),
        }
        for row in rows
    ]
