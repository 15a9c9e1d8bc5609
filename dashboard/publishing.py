"""«Опубликовать ответ»: the report's current answer posted under its posts, after a confirmation.

A self-contained block for the report page: `publish_block(report_id, ...)`. Its widgets are
keyed by the report's id, so a confirmation never carries over to another report. Each
button re-checks the login, its right to handle reports and the report's territory first.

An answer whose earlier attempt was interrupted and that the network does not show is never
sent again on its own («нужно решение»): the block explains why and offers «Опубликовать
всё равно» for each such post, after the operator has looked at the post.
"""

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from redis.exceptions import RedisError
from sqlmodel import Session

from dashboard import auth, resources, views
from dashboard.actions import refusal_message
from dashboard.links import original_url
from models.post import Post
from models.publication import Publication, PublicationStatus
from models.report import Report, current_answer
from otklik.publishing import publish_anyway_now, publish_report
from otklik.settings import Settings
from otklik.wiring import answer_writers_from_settings
from triage.accounts import Right
from triage.errors import NotFound, TriageError
from triage.publishing import NoDecisionNeeded, NothingToPublish, report_publications
from triage.scope import require_report_scope

log = logging.getLogger(__name__)
T = TypeVar("T")
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
    "needs_decision": "нужно решение",
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
    waiting = [row for row in rows if row.status == PublicationStatus.NEEDS_DECISION]
    if waiting:
        _decisions(report_id, waiting, username=username, user_id=user_id)
    asking = f"pub_confirm_{report_id}_{report.answer_revision}"  # a new answer asks again
    _confirmed_button(
        st,
        asking,
        label="Опубликовать ответ",
        key=f"pub_{{}}_{report_id}",
        question="Ответ будет опубликован под каждым постом обращения от имени сообщества. "
        "Опубликовать?",
        yes="Да, опубликовать",
        on_yes=_publish,
        args=(report_id, report.answer_revision, asking, username, user_id),
    )


def _confirmed_button(
    place: Any,
    asking: str,
    *,
    label: str,
    key: str,
    question: str,
    yes: str,
    on_yes: Callable[..., None],
    args: tuple[object, ...],
) -> None:
    """A button that asks first: `label`, then `question` with `yes` and «Отмена».

    `asking` is the session key that remembers the question is open; `key` is a template
    whose «{}» becomes ask, yes and no (the three buttons' keys). `on_yes(*args)` runs on «да»
    and closes the question itself.
    """
    if not st.session_state.get(asking):
        place.button(label, key=key.format("ask"), on_click=_ask, args=(asking,))
        return
    place.warning(question)
    agree, refuse = place.columns(2)
    agree.button(yes, key=key.format("yes"), type="primary", on_click=on_yes, args=args)
    refuse.button("Отмена", key=key.format("no"), on_click=_cancel, args=(asking,))


def _ask(asking: str) -> None:
    st.session_state[asking] = True


def _cancel(asking: str) -> None:
    st.session_state[asking] = False


NEEDS_DECISION_TEXT = (
    "Нужно решение. Прошлая попытка опубликовать ответ прервалась (сбой или обрыв связи) — "
    "неизвестно, успела ли соцсеть его принять. Сейчас нашего ответа под постом нет: либо он "
    "не был отправлен, либо его уже удалили (модератор сообщества или автор поста). "
    "Отличить одно от другого соцсеть не позволяет, поэтому повторно ответ сам не "
    "отправляется. Откройте пост по ссылке и, если ответа там нет и его не удаляли намеренно, "
    "опубликуйте его ещё раз."
)


def _decisions(
    report_id: int, waiting: list[Publication], *, username: str, user_id: int | None
) -> None:
    """The explanation, and per post a link and «Опубликовать всё равно» (asks first)."""
    with Session(resources.engine()) as db:
        posts = {row.post_id: db.get(Post, row.post_id) for row in waiting}
    kinds = resources.source_kinds()
    links = {
        post_id: original_url(post, source_kind=kinds.get(post.source_id))
        for post_id, post in posts.items()
        if post is not None
    }
    st.warning(NEEDS_DECISION_TEXT)
    for row in waiting:
        link = links.get(row.post_id)
        where = f"[постом №{row.post_id}]({link})" if link else f"постом №{row.post_id}"
        left, right = st.columns([3, 2])
        left.markdown(f"Ответ под {where}: {STATUS_NAMES[row.status]}.")
        asking = f"pub_anyway_confirm_{row.id}"
        _confirmed_button(
            right,
            asking,
            label="Опубликовать всё равно",
            key=f"pub_anyway_{{}}_{row.id}",
            question="Ответ появится под постом ещё раз, если прежний не удалён. Опубликовать?",
            yes="Да, опубликовать повторно",
            on_yes=_publish_anyway,
            args=(report_id, row.id or 0, asking, username, user_id),
        )


def _may_publish(report_id: int) -> bool:
    """The login is live, may handle reports, and the report is in its territory."""
    login = auth.allowed(Right.HANDLE_REPORTS)
    if login is None:
        return False
    with Session(resources.engine()) as db:
        report = db.get(Report, report_id)
        try:
            if report is None:
                raise NotFound("report", report_id)
            require_report_scope(login.scope, report_id=report_id,
                                 municipality_id=report.municipality_id,
                                 agency_id=report.agency_id)  # fmt: skip
        except TriageError as error:
            st.error(refusal_message(error))
            return False
    return True


def _publish_anyway(
    report_id: int, publication_id: int, asking: str, username: str, user_id: int | None
) -> None:
    publication = _publishing(
        report_id,
        asking,
        f"publishing {publication_id} anyway",
        lambda settings: publish_anyway_now(
            resources.engine(),
            publication_id=publication_id,
            actor=username,
            user_id=user_id,
            publisher=answer_writers_from_settings(settings),
            settings=settings,
        ),
    )
    if publication is not None:
        status = STATUS_NAMES.get(publication.status, publication.status)
        st.toast(f"Ответ под постом №{publication.post_id}: {status}.")


def _publish(
    report_id: int, revision: int, asking: str, username: str, user_id: int | None
) -> None:
    outcome = _publishing(
        report_id,
        asking,
        f"publishing report {report_id}",
        lambda settings: publish_report(
            resources.engine(),
            report_id=report_id,
            actor=username,
            user_id=user_id,
            publisher=answer_writers_from_settings(settings),
            settings=settings,
            answer_revision=revision,
        ),
    )
    if outcome is None:
        return
    done = sum(p.status == "published" for p in outcome.publications)
    queued = f", в очереди: {outcome.queued}" if outcome.queued else ""
    waiting = sum(p.status == PublicationStatus.NEEDS_DECISION for p in outcome.publications)
    decide = f", нужно решение: {waiting}" if waiting else ""
    st.toast(f"Опубликовано: {done} из {len(outcome.publications)}{queued}{decide}.")


def _publishing(
    report_id: int, asking: str, what: str, publish: Callable[[Settings], T]
) -> T | None:
    """A confirmed publication: close the question, re-check the login, run `publish`.

    None when it did not run; its refusals are shown in Russian, `what` names it in the log.
    """
    st.session_state[asking] = False
    if not _may_publish(report_id):
        return None
    try:
        return publish(resources.settings())
    except NoDecisionNeeded:
        st.error("Решение уже принято: обновите страницу.")
    except NothingToPublish as error:
        st.error(REFUSALS[error.reason])
    except TriageError as error:
        st.error(refusal_message(error))
    except RedisError:
        log.exception("%s: the queue is unreachable", what)
        st.error("Очередь задач недоступна: ответ не отправлен. Повторите позже.")
    return None


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
