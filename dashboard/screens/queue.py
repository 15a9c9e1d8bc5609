"""Очередь: posts waiting for a moderator's decision, highest priority first.

A compact list (one row per post) beside the current post in detail. Decisions, paging and
row selection rerun only the list's fragment; the filters above it rerun the page.
Keys: J/K next/previous, Y confirm, N not a signal, E edit, «/» search.
"""

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from dashboard import (
    actions,
    auth,
    columns,
    density,
    failure,
    hints,
    keyboard,
    numbers,
    queue_list,
    queue_rest,
    resources,
    same_place,
    views,
    widgets,
)
from dashboard.names import STRUCTURE_REASON_NAMES
from dashboard.queries import posts_with_annotations
from dashboard.queue_filters import queue_filters
from models.annotation import Annotation
from models.incident import Incident
from models.parents import parent_post
from models.report import Report
from triage.accounts import Right, has_right
from triage.answers import answered_post_ids, public_answers
from triage.incidents import move_post
from triage.moderation import Decision, review_each, review_posts
from triage.queue import QueueFilters, QueueItem, QueuePage, matching_posts, review_queue
from triage.reports import open_report
from triage.same_place import duplicated_report, neighbours, returned_problem

PAGE_SIZE = 20
# A runner-up topic below a tenth is not offered: on a real day's crawl (3,943 posts) 88% of
# the stored runner-ups were below 0.1 (median 0.04: the rest of a 100-topic taxonomy's
# probability), a road accident offered «Нестационарная торговля» at 0.02, and the topics
# the moderators chose instead of the model's were runner-ups at 0.26 and 0.29.
ALTERNATIVE_FLOOR = 0.1
# A runner-up's name as its button shows it whole with the figure after it: the post's side
# cut «Нестационарная торговля (киоски, павильоны, сезонная …» at some 55 characters.
ALTERNATIVE_NAME_CHARS = 40
CURSORS_KEY = "q_cursors"  # (filters, page) -> where that page ended, for the next page
Reviewed = TypeVar("Reviewed")  # what a review returns: the posts, or each one's outcome
REST_KEY = "q_rest_question"  # a whole thread's or incident's decision waiting for «Да»
# A decision refused, said in the list's head: drawn from a callback at the top of the page,
# it stayed there through every later decision (they rerun the list alone)
REFUSAL_KEY = "q_refusal"

login = auth.require(Right.VIEW_QUEUE)
can_review = has_right(login.role, Right.REVIEW_POSTS)
st.title("Очередь")


def _suggestion(item: QueueItem, annotation: Annotation | None, report: Report | None) -> str:
    if annotation is None:
        return "Модель ещё не разметила этот пост."
    return (
        f"Категория: {views.category_name(item.category_code) if item.category_code else '—'}"
        f" ({views.confidence(annotation.category_confidence)}) · "
        f"Тема: {views.topic_name(item.topic_code)}"
        f" ({views.confidence(annotation.topic_confidence)}) · "
        f"Муниципалитет: {_place(item, annotation)}"
        f" · Адрес: {views.post_address(annotation)}"
        + _incident_note(item, report)
        + _structure_note(annotation)
    )


def _place(item: QueueItem, annotation: Annotation) -> str:
    """The municipality with the model's confidence, or «не найден» with none: a confidence
    beside no place («— (<0,01)») reads as a number about nothing."""
    if item.municipality_id is None:
        return "не найден"
    name = views.municipality_name(item.municipality_id)
    return f"{name} ({views.confidence(annotation.municipality_confidence)})"


def _incident_note(item: QueueItem, report: Report | None) -> str:
    """Its incident, linked, with its post count; with more posts, a link to them in the
    queue (there the status filter still applies: an auto-accepted post is not «на проверке»,
    so the link names no number it would not show); and the incident's open report with its
    status: the post confirmed is evidence in it, sent to that report's agency."""
    if item.incident_id is None:
        return ""
    note = f" · {views.incident_link(item.incident_id)}"
    if (item.incident_posts or 0) > 1:
        address = widgets.incident_queue_address(item.incident_id)
        note += f" (постов: {item.incident_posts}, [все его посты в очереди]({address}))"
    if report is not None:
        where = views.report_link(report.id, "обращении")
        note += f", в {where}: {views.report_status(report.status)}"
    return note


def _structure_note(annotation: Annotation) -> str:
    """Why the structure alone made the post «не сигнал» (no words were weighed)."""
    reason = (annotation.reasons or {}).get("structure")
    if annotation.is_signal or not isinstance(reason, str):
        return ""
    return f" · Не сигнал по признакам публикации: {STRUCTURE_REASON_NAMES.get(reason, reason)}"


def _decide(decisions: list[Decision], done: str, items: list[QueueItem]) -> None:
    """A button callback: runs before the fragment is drawn again, with the versions shown."""
    if _review(review_posts, decisions, done) is not None:
        queue_list.after_decision(items, decided={d.post_id for d in decisions})


def _review(
    review: Callable[..., Reviewed],
    decisions: list[Decision],
    done: str | Callable[[Reviewed], str],
) -> Reviewed | None:
    """`review` (all at once, or each alone) by this login, said in the list's head. A whole
    thread's question still open is dropped: its versions may be this decision's."""
    st.session_state.pop(REST_KEY, None)
    return actions.perform(
        lambda db: review(
            db,
            decisions=decisions,
            actor=login.username,
            user_id=login.user_id,
            scope=login.scope,
            tools=resources.regrouping(),
        ),
        done=done,
        right=Right.REVIEW_POSTS,
        toast=False,  # said in the list's head, drawn with the list
        refusal_key=REFUSAL_KEY,
    )


def _correct(item: QueueItem, items: list[QueueItem]) -> None:
    """The callback of «Сохранить исправление»: the labels chosen in this post's form."""
    chosen = st.session_state
    decision = Decision(
        post_id=item.post_id,
        expected_version=item.version,
        category_code=chosen[f"q_cat_{item.post_id}"],
        topic_code=chosen.get(f"q_topic_{item.post_id}"),
        municipality_id=chosen[f"q_place_{item.post_id}"],
    )
    _decide([decision], f"Пост №{item.post_id}: исправление сохранено.", items)


def _decide_selected(chosen: list[QueueItem], is_signal: bool, items: list[QueueItem]) -> None:
    if not chosen:
        st.session_state[actions.LAST_ACTION] = "Ничего не выбрано: отметьте строки в списке."
        return
    decisions = [
        Decision(post_id=i.post_id, expected_version=i.version, is_signal=is_signal) for i in chosen
    ]
    _decide(decisions, f"Решение принято для {len(decisions)} постов.", items)


def _toggle_edit(post_id: int) -> None:
    key = f"q_edit_{post_id}"
    st.session_state[key] = not st.session_state.get(key, False)


def _attach(post_id: int) -> None:
    incident_id = st.session_state.get(f"q_inc_{post_id}")
    with resources.session() as db:
        incident = db.get(Incident, incident_id) if incident_id else None
    if incident is None or incident_id is None:
        st.session_state[REFUSAL_KEY] = "Укажите номер существующего инцидента."
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
            calendar=resources.calendar(),
        ),
        done=f"Пост прикреплён к инциденту №{incident_id}.",
        right=Right.REVIEW_POSTS,
        refusal_key=REFUSAL_KEY,
    )


def _alternatives(item: QueueItem, annotation: Annotation | None, items: list[QueueItem]) -> None:
    """The model's runner-up topics as one-click corrections (active topics only)."""
    offered = (annotation.reasons or {}).get("alternatives", []) if annotation else []
    known = resources.offered_topics()
    offered = [
        a
        for a in offered
        if known.get(a.get("topic"), (None,))[0] == a.get("category")
        and a.get("confidence", 0.0) >= ALTERNATIVE_FLOOR
    ]
    if not offered:
        return
    st.caption("Или тема:")
    for number, alternative in enumerate(offered):
        name = views.topic_name(alternative["topic"])
        label = columns.shorten(name, ALTERNATIVE_NAME_CHARS)  # the figure after it stays seen
        decision = Decision(
            post_id=item.post_id,
            expected_version=item.version,
            category_code=alternative["category"],
            topic_code=alternative["topic"],
        )
        st.button(
            f"{label} ({views.confidence(alternative['confidence'])})",
            key=f"q_alt_{item.post_id}_{number}",
            help=f"«{name}»: исправить тему на этот вариант модели (муниципалитет не"
            " меняется); в скобках — уверенность модели в этой теме",
            on_click=_decide,
            args=([decision], f"Пост №{item.post_id}: тема исправлена на «{name}».", items),
        )


def _controls(item: QueueItem, annotation: Annotation | None, items: list[QueueItem]) -> None:
    """Decision buttons of the current post (each a callback carrying the version shown).
    Each message names the post: it is read beside the next post, which is current by then.

    Their keys do not name the post: a button keeps no value, and a keyboard shortcut stays
    registered in the browser for a while after its button is gone, so per-post keys let
    one press of Y decide both the post left behind by J/K and the one shown."""
    confirm = [Decision(post_id=item.post_id, expected_version=item.version)]
    reject = [Decision(post_id=item.post_id, expected_version=item.version, is_signal=False)]
    # one row as wide as the three buttons and their keys (350 px), not three columns: the
    # post's side gives the list the rest; on a narrower side a button wraps, never cut
    row = st.container(horizontal=True, gap="xsmall")
    row.button(
        "Подтвердить",
        key="q_ok",
        shortcut="Y",
        type="primary",
        on_click=_decide,
        args=(confirm, f"Пост №{item.post_id} подтверждён.", items),
    )
    row.button(
        "Не сигнал",
        key="q_no",
        shortcut="N",
        on_click=_decide,
        args=(reject, f"Пост №{item.post_id} отмечен как не сигнал.", items),
    )
    row.button(
        "Исправить", key="q_edit", shortcut="E", on_click=_toggle_edit,
        args=(item.post_id,),
    )  # fmt: skip
    _alternatives(item, annotation, items)
    if st.session_state.get(f"q_edit_{item.post_id}"):
        _correction_form(item, items)


def _correction_form(item: QueueItem, items: list[QueueItem]) -> None:
    with st.container(border=True):
        categories = list(resources.offered_categories())
        category = st.selectbox(
            "Категория",
            categories,
            format_func=views.category_name,
            index=_index(categories, item.category_code),
            key=f"q_cat_{item.post_id}",
        )
        offered = resources.offered_topics().items()
        topics = [code for code, (cat, _) in offered if cat == category]
        st.selectbox(
            "Тема",
            topics,
            format_func=views.topic_name,
            index=_index(topics, item.topic_code),
            key=f"q_topic_{item.post_id}",
        )
        places = list(resources.municipalities())
        # no place found: none chosen (None keeps the post's none), never the list's first
        st.selectbox(
            "Муниципалитет",
            places,
            format_func=views.municipality_name,
            index=places.index(item.municipality_id) if item.municipality_id in places else None,
            placeholder="не определён",
            key=f"q_place_{item.post_id}",
        )
        st.button(
            "Сохранить исправление",
            key=f"q_fix_{item.post_id}",
            on_click=_correct,
            args=(item, items),
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


def _lemmatizer(filters: QueueFilters) -> Callable[[str], str]:
    """The morphology model serves SQLite's text search only: no search, no model to load."""
    return resources.lemmatizer().lemmatize_text if filters.text else str.lower


def _load(filters: QueueFilters, page: int) -> tuple[QueuePage, set[int]]:
    """A page of the queue: after the previous page's last post when that page was shown
    with the same filters (keyset: a deep page costs what the first does), else by OFFSET
    (a page number typed in). With it, the posts of the page that have a public answer
    (one query for the page)."""
    lemmatize = _lemmatizer(filters)
    cursors = st.session_state.setdefault(CURSORS_KEY, {})
    with resources.session() as db:
        queue = review_queue(
            db,
            filters=filters,
            page=page,
            page_size=PAGE_SIZE,
            lemmatize=lemmatize,
            scope=login.scope,
            after=cursors.get((repr(filters), page - 1)) if page > 1 else None,
        )
        answered = answered_post_ids(db, post_ids=[item.post_id for item in queue.items])
    cursors[(repr(filters), page)] = queue.next_cursor
    return queue, answered


def _current_details(item: QueueItem, items: list[QueueItem]) -> None:
    with resources.session() as db:
        post, annotation = posts_with_annotations(db, post_ids=[item.post_id])[item.post_id]
        answers = public_answers(db, post_ids=[item.post_id]).get(item.post_id, [])
        parent = parent_post(db, post)
        incident = db.get(Incident, item.incident_id) if item.incident_id else None
        nearby = neighbours(db, incident=incident) if incident else []
        report = open_report(db, incident_id=incident.id or 0) if incident else None
    reported = duplicated_report(nearby)
    returned = returned_problem(incident, nearby) if incident and reported is None else None
    widgets.in_reply_to(post, parent, thread_link=True, chars=widgets.QUEUE_PARENT_CHARS)
    widgets.post_card(post, annotation, text_key=density.SCROLLED_TEXT_KEY)
    widgets.public_answers(answers)
    st.caption(_suggestion(item, annotation, report))
    if reported is not None:
        same_place.already_reported(reported)
    elif returned is not None:
        same_place.returned_caption(returned)
    if can_review:
        _controls(item, annotation, items)
    back, forward = st.columns(2)
    back.button(
        "← Предыдущий", key="q_prev", shortcut="K", on_click=queue_list.step, args=(items,),
        kwargs={"post_id": item.post_id, "by": -1},
    )  # fmt: skip
    forward.button(
        "Следующий →", key="q_next", shortcut="J", on_click=queue_list.step, args=(items,),
        kwargs={"post_id": item.post_id, "by": 1},
    )  # fmt: skip


def _bulk(chosen: list[QueueItem], items: list[QueueItem]) -> None:
    """One button under the other: side by side under the list, a 1,366-px screen cut both
    labels («Подтвердить выбра…», «Не сигналы — выб…») to make room for their keys."""
    st.button(
        f"Подтвердить выбранные ({len(chosen)})",
        key="q_bulk_ok",
        shortcut="Ctrl+Enter",
        on_click=_decide_selected,
        args=(chosen, True, items),
    )
    st.button(
        f"Не сигналы — выбранные ({len(chosen)})",
        key="q_bulk_no",
        shortcut="Ctrl+Delete",
        on_click=_decide_selected,
        args=(chosen, False, items),
    )


def _rest(queue: QueuePage, filters: QueueFilters, where: str) -> None:
    """One thread or incident shown: all its posts the filters select, on every page,
    decided at once — an incident's posts confirmed, a thread's chatter dismissed once its
    signals are confirmed (they leave the list). When they are more than this page's rows,
    a question says how many first. A post someone else changed meanwhile is skipped."""
    count = queue_rest.count_text(queue)
    for is_signal, key, verb in ((True, "q_rest_ok", "подтвердить"),
                                 (False, "q_rest_no", "не сигналы")):  # fmt: skip
        if queue_rest.fits(queue):
            page = [Decision(post_id=i.post_id, expected_version=i.version, is_signal=is_signal)
                    for i in queue.items]  # fmt: skip
            action, args = _decide_each, (page, queue.items)
        else:
            action, args = _ask_rest, (filters, is_signal, queue.items)
        st.button(f"Все {count} {where} — {verb}", key=key, on_click=action, args=args)
    asked = st.session_state.get(REST_KEY)
    if isinstance(asked, queue_rest.RestQuestion) and asked.filters == repr(filters):
        st.warning(queue_rest.question_text(asked, where))
        row = st.container(horizontal=True, gap="small")
        row.button(f"Да, решить ({numbers.grouped(len(asked.decisions))})", key="q_rest_yes",
                   type="primary", on_click=_decide_each,
                   args=(list(asked.decisions), queue.items))  # fmt: skip
        row.button("Отмена", key="q_rest_cancel", on_click=st.session_state.pop,
                  args=(REST_KEY, None))  # fmt: skip


def _ask_rest(filters: QueueFilters, is_signal: bool, items: list[QueueItem]) -> None:
    """The callback of «Все N …» when they do not all fit on the page: find them all (the
    queue's own query, every page) and ask first."""
    lemmatize = _lemmatizer(filters)
    with resources.session() as db:
        found = matching_posts(db, filters=filters, limit=queue_rest.REST_CAP + 1,
                               lemmatize=lemmatize, scope=login.scope)  # fmt: skip
    if not found:
        st.session_state.pop(REST_KEY, None)
        st.session_state[actions.LAST_ACTION] = "Решать нечего: эти посты уже решены."
        return
    st.session_state[REST_KEY] = queue_rest.question(
        found, items, filters=repr(filters), is_signal=is_signal
    )


def _decide_each(decisions: list[Decision], items: list[QueueItem]) -> None:
    """Decide each post; the ones someone else changed meanwhile are skipped and named."""
    result = _review(review_each, decisions, queue_rest.outcome_text)
    if result is not None:
        queue_list.after_decision(items, decided=set(result.decided))


def _nothing_left(filters: QueueFilters) -> str:
    """An empty list: of one thread or incident, not of the queue (its other posts wait)."""
    rest = " Остальные посты — по кнопке «Вся очередь»."
    if filters.thread is not None:
        return "В этой ветке таких постов больше нет." + rest
    if filters.incident_id is not None:
        return "У этого инцидента таких постов больше нет." + rest
    return "Очередь пуста."


@st.fragment
@failure.guarded("the queue's list and post")
def queue_panel(filters: QueueFilters) -> None:
    """The list and the current post: everything a decision changes, rerun alone."""
    head = st.container()
    listing, detail = st.columns([3, 2])  # at 1,366 px: the list 600 px, the post 400
    with listing:
        table_area, pager = st.container(), st.container()
    queue, answered = _load(filters, widgets.page_number("q_page") + 1)
    widgets.page_box("q_page", more=queue.pages > 1, container=pager)
    found = queue_rest.count_text(queue)
    last = st.session_state.pop(actions.LAST_ACTION, None)
    head.caption(
        f"Найдено: {found}. Страница {queue.page} из {queue.pages}."
        + (f" **{last}**" if last else "")
    )
    refused = st.session_state.pop(REFUSAL_KEY, None)
    if refused:
        head.error(refused)
    if not queue.items:
        st.info(_nothing_left(filters))
        return
    items = queue.items
    key = queue_list.table_key(items)
    rows_chosen = queue_list.ticked_rows(key)  # the browser's, before the grid is drawn
    current = queue_list.current(items, rows_chosen, table=key)
    with table_area:
        shown = queue_list.rows(items, answered=answered)
        st.dataframe(
            queue_list.marked(shown, at=items.index(current)),
            key=key,
            on_select="rerun",
            selection_mode="multi-row",
            hide_index=True,
            column_config=queue_list.columns(shown),
            height=queue_list.height(len(items)),
            width="stretch",
        )
        if can_review:
            _bulk(queue_list.selected(items, rows_chosen), items)
            # one post alone: its own buttons decide it, «Все 1 …» would only repeat them
            alone = queue.total_is_exact and queue.total < 2
            if (filters.thread is not None or filters.incident_id is not None) and not alone:
                _rest(queue, filters, "в ветке" if filters.thread is not None else "в инциденте")
    with detail:
        _current_details(current, items)


keyboard.search_on_slash()
hints.hide_english_hints()
queue_panel(queue_filters())
