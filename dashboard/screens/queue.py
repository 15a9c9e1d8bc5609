"""Очередь: posts waiting for a moderator's decision, highest priority first."""

import streamlit as st

from dashboard import actions, auth, resources, views, widgets
from dashboard.queries import posts_with_annotations
from dashboard.queue_filters import queue_filters
from models.annotation import Annotation
from models.incident import Incident
from triage.accounts import Right, has_right
from triage.incidents import move_post
from triage.moderation import Decision, review_posts
from triage.queue import QueueItem, review_queue

PAGE_SIZE = 20

login = auth.require(Right.VIEW_QUEUE)
can_review = has_right(login.role, Right.REVIEW_POSTS)
st.title("Очередь")


def _suggestion(item: QueueItem, annotation: Annotation | None) -> str:
    if annotation is None:
        return "Модель ещё не разметила этот пост."
    return (
        f"Категория: {views.category_name(item.category_code) if item.category_code else '—'}"
        f" ({annotation.category_confidence:.2f}) · "
        f"Тема: {views.topic_name(item.topic_code)} ({annotation.topic_confidence:.2f}) · "
        f"Муниципалитет: "
        f"{views.municipality_name(item.municipality_id) if item.municipality_id else '—'}"
        f" ({annotation.municipality_confidence:.2f})"
        f" · Адрес: {views.address_text(annotation.address_key)}"
        + (f" · инцидент №{item.incident_id}" if item.incident_id else "")
    )


def _decide(decisions: list[Decision], done: str) -> None:
    """A button callback: runs before the page is drawn again, with the versions on screen."""
    actions.perform(
        lambda db: review_posts(
            db,
            decisions=decisions,
            actor=login.username,
            user_id=login.user_id,
            scope=login.scope,
        ),
        done=done,
    )


def _correct(item: QueueItem) -> None:
    """The callback of «Сохранить исправление»: the labels chosen in this post's expander."""
    chosen = st.session_state
    decision = Decision(
        post_id=item.post_id,
        expected_version=item.version,
        category_code=chosen[f"q_cat_{item.post_id}"],
        topic_code=chosen.get(f"q_topic_{item.post_id}"),
        municipality_id=chosen[f"q_place_{item.post_id}"],
    )
    _decide([decision], "Исправление сохранено.")


def _decide_selected(items: list[QueueItem], is_signal: bool) -> None:
    decisions = [
        Decision(post_id=i.post_id, expected_version=i.version, is_signal=is_signal)
        for i in items
        if st.session_state.get(f"q_sel_{i.post_id}")
    ]
    if not decisions:
        st.warning("Ничего не выбрано.")
        return
    _decide(decisions, f"Решение принято для {len(decisions)} постов.")


def _select_all(items: list[QueueItem]) -> None:
    for item in items:
        st.session_state[f"q_sel_{item.post_id}"] = st.session_state["q_all"]


def _attach(post_id: int) -> None:
    incident_id = st.session_state.get(f"q_inc_{post_id}")
    with resources.session() as db:
        incident = db.get(Incident, incident_id) if incident_id else None
    if incident is None or incident_id is None:
        st.error("Укажите номер существующего инцидента.")
        return
    actions.perform(
        lambda db: move_post(
            db,
            post_id=post_id,
            incident_id=incident_id,
            actor=login.username,
            user_id=login.user_id,
            expected_version=incident.version,
            scope=login.scope,
        ),
        done=f"Пост прикреплён к инциденту №{incident_id}.",
    )


def _alternatives(item: QueueItem, annotation: Annotation | None) -> None:
    """The model's runner-up topics as one-click corrections (active topics only)."""
    offered = (annotation.reasons or {}).get("alternatives", []) if annotation else []
    known = resources.offered_topics()
    offered = [a for a in offered if known.get(a.get("topic"), (None,))[0] == a.get("category")]
    if not offered:
        return
    columns = st.columns([1] + [2] * len(offered))
    columns[0].caption("Или тема:")
    for number, (column, alternative) in enumerate(zip(columns[1:], offered, strict=True)):
        name = views.topic_name(alternative["topic"])
        decision = Decision(
            post_id=item.post_id,
            expected_version=item.version,
            category_code=alternative["category"],
            topic_code=alternative["topic"],
        )
        column.button(
            f"{name} ({alternative['confidence']:.2f})",
            key=f"q_alt_{item.post_id}_{number}",
            help="Исправить тему на этот вариант модели (муниципалитет не меняется)",
            on_click=_decide,
            args=([decision], f"Тема исправлена: {name}."),
        )


def _controls(item: QueueItem, annotation: Annotation | None) -> None:
    """Decision buttons of one post (each a callback carrying the version shown)."""
    ok, no = st.columns(2)
    confirm = [Decision(post_id=item.post_id, expected_version=item.version)]
    reject = [Decision(post_id=item.post_id, expected_version=item.version, is_signal=False)]
    ok.button(
        "Подтвердить", key=f"q_ok_{item.post_id}", on_click=_decide, args=(confirm, "Подтверждено.")
    )
    no.button(
        "Не сигнал",
        key=f"q_no_{item.post_id}",
        on_click=_decide,
        args=(reject, "Отмечено как не сигнал."),
    )
    _alternatives(item, annotation)
    with st.expander("Исправить или прикрепить"):
        left, middle, right = st.columns(3)
        categories = list(resources.offered_categories())
        category = left.selectbox(
            "Категория",
            categories,
            format_func=views.category_name,
            index=_index(categories, item.category_code),
            key=f"q_cat_{item.post_id}",
        )
        offered = resources.offered_topics().items()
        topics = [code for code, (cat, _) in offered if cat == category]
        middle.selectbox(
            "Тема",
            topics,
            format_func=views.topic_name,
            index=_index(topics, item.topic_code),
            key=f"q_topic_{item.post_id}",
        )
        places = list(resources.municipalities())
        right.selectbox(
            "Муниципалитет",
            places,
            format_func=views.municipality_name,
            index=_index(places, item.municipality_id),
            key=f"q_place_{item.post_id}",
        )
        st.button(
            "Сохранить исправление", key=f"q_fix_{item.post_id}", on_click=_correct, args=(item,)
        )
        st.number_input(
            "Номер инцидента", min_value=1, step=1, value=None, key=f"q_inc_{item.post_id}"
        )
        st.button(
            "Прикрепить к инциденту",
            key=f"q_attach_{item.post_id}",
            on_click=_attach,
            args=(item.post_id,),
        )


def _index(options: list[object], value: object) -> int:
    return options.index(value) if value in options else 0


filters = queue_filters()
page = widgets.page_number("q_page") + 1
with resources.session() as db:
    queue = review_queue(
        db,
        filters=filters,
        page=page,
        page_size=PAGE_SIZE,
        lemmatize=resources.lemmatizer().lemmatize_text,
        scope=login.scope,
    )
    details = posts_with_annotations(db, post_ids=[item.post_id for item in queue.items])
found = f"{queue.total}" if queue.total_is_exact else f"более {queue.total:,}".replace(",", " ")
st.caption(f"Найдено: {found}. Страница {queue.page} из {queue.pages}.")
if not queue.items:
    st.info("Очередь пуста.")
    st.stop()

if can_review:
    st.checkbox("Выбрать все на странице", key="q_all", on_change=_select_all, args=(queue.items,))
    bulk_ok, bulk_no = st.columns(2)
    bulk_ok.button(
        "Подтвердить выбранные",
        key="q_bulk_ok",
        shortcut="Ctrl+Enter",
        type="primary",
        on_click=_decide_selected,
        args=(queue.items, True),
    )
    bulk_no.button(
        "Не сигналы — выбранные",
        key="q_bulk_no",
        shortcut="Ctrl+Delete",
        on_click=_decide_selected,
        args=(queue.items, False),
    )

for item in queue.items:
    post, annotation = details[item.post_id]
    if can_review:
        st.checkbox(f"выбрать пост №{item.post_id}", key=f"q_sel_{item.post_id}")
    widgets.post_card(post, annotation)
    st.caption(_suggestion(item, annotation))
    if can_review:
        _controls(item, annotation)
