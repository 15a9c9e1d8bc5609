"""Очередь: a compact list and the current post; confirm, correct, not-a-signal, bulk decisions,
filters — checked in the database."""

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from dashboard import resources
from models.annotation import Annotation
from models.audit import AuditEvent
from models.geo import Municipality
from models.incident import Incident, IncidentPost
from models.learning import TrainingLabel
from models.post import Post, ReviewStatus
from models.report import Report, ReportStatus
from models.taxonomy import Topic
from nlp.lemmas import Lemmatizer
from otklik.settings import get_settings
from tests.dashboard.conftest import open_page
from tests.triage.factories import annotated_post
from triage.calendar import WorkCalendar
from triage.moderation import confirm_post
from triage.reports import create_report
from triage.similarity import text_similarity
from triage.stage import triage_posts
from triage.thresholds import Thresholds


def _status(engine: Engine, post_id: int) -> str:
    with Session(engine) as session:
        post = session.get(Post, post_id)
        assert post is not None
        return post.review_status


def _current(engine: Engine, post_id: int) -> Annotation:
    with Session(engine, expire_on_commit=False) as session:
        return session.exec(
            select(Annotation).where(Annotation.post_id == post_id, col(Annotation.is_current))
        ).one()


def _listed(app: AppTest) -> list[int]:
    """The post ids of the compact list, top to bottom."""
    return [int(i) for i in app.dataframe[0].value["№"]]


def _show(app: AppTest, post_id: int) -> AppTest:
    """Make `post_id` the current post, as clicking its row or J/K does."""
    app.session_state["q_current"] = post_id
    return app.run()


def _edit(app: AppTest, post_id: int) -> AppTest:
    """The current post's «Исправить» (key E): the correction form opens."""
    return _show(app, post_id).button(key="q_edit").click().run()


def _shown(app: AppTest) -> int:
    """The post in detail (its card's caption «пост №…»)."""
    [caption] = [c.value for c in app.caption if c.value.startswith("пост №")]
    return int(caption.removeprefix("пост №").split()[0])


def _table_key(app: AppTest) -> str:
    """The list's widget key (it changes with the posts listed; the page notes what it saw)."""
    [seen] = [k for k in app.session_state.to_dict() if str(k).endswith("_seen")]
    return str(seen).removesuffix("_seen")


def test_queue_lists_posts_with_highlights_and_escaped_text(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]]
) -> None:
    app = open_page(signed_in("moderator"), "queue")
    assert not app.exception
    assert "Найдено: 3." in app.caption[0].value
    table = app.dataframe[0].value
    assert list(table.columns) == ["№", "Время", "Муниципалитет", "Тема", "Текст"]
    assert sorted(_listed(app)) == sorted(seeded["posts"])
    # the topic as its column shows it: «…» where it goes on (whole in the post's card)
    assert set(table["Тема"]) == {"Водоснабжение", "Электроснабж…"}
    assert set(table["Муниципалитет"]) == {"Краснокамский ГО", "Чусовской ГО"}
    # details on demand: one post in full, the first of the list
    assert _shown(app) == _listed(app)[0]
    app = _show(app, seeded["posts"][1])
    text = "\n".join(m.value for m in app.markdown)
    assert ":orange-background[прорвало]" in text
    assert r"ул\. Ленина\:" in text
    app = _show(app, seeded["posts"][0])
    assert ":blue-background[Краснокамске]" in "\n".join(m.value for m in app.markdown)


def test_the_address_reads_as_the_post_wrote_it(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """«Адрес: ленин, д. 14» was the key grouping compares (lemmas, lower case); each
    address is read in the post's own words («Космонавтов», not a guess from «космонавт»)."""
    post_id = seeded["posts"][1]
    with Session(engine) as session:
        annotation = session.exec(
            select(Annotation).where(Annotation.post_id == post_id, col(Annotation.is_current))
        ).one()
        annotation.address_key = "ленин 14; космонавт 61"
        annotation.reasons = {
            **annotation.reasons,
            "addresses": [
                {"key": "ленин 14", "span": "улица Ленина 14"},
                {"key": "космонавт 61", "span": "Космонавтов 61"},
            ],
        }
        session.add(annotation)
        session.commit()
    app = _show(open_page(signed_in("moderator"), "queue"), post_id)
    [details] = [c.value for c in app.caption if "Адрес:" in c.value]
    assert "Адрес: ул. Ленина, д. 14; ул. Космонавтов, д. 61 ·" in details


def test_next_and_previous_move_the_current_post(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]]
) -> None:
    app = open_page(signed_in("moderator"), "queue")
    order = _listed(app)
    app.button(key="q_next").click().run()
    assert _shown(app) == order[1]
    app.button(key="q_next").click().run()
    app.button(key="q_next").click().run()  # stays on the last post of the page
    assert _shown(app) == order[2]
    app.button(key="q_prev").click().run()
    assert _shown(app) == order[1]


def test_ticking_a_row_makes_it_the_current_post(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]]
) -> None:
    app = open_page(signed_in("moderator"), "queue")
    order = _listed(app)
    app.session_state[_table_key(app)] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    app.run()
    assert _shown(app) == order[2]
    assert app.button(key="q_bulk_ok").label == "Подтвердить выбранные (1)"


def test_confirm_one_post(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    app = open_page(signed_in("moderator"), "queue")
    post_id, after = _listed(app)[:2]
    app.button(key="q_ok").click().run()
    assert not app.exception
    assert _status(engine, post_id) == ReviewStatus.CONFIRMED
    assert "Найдено: 2." in app.caption[0].value
    assert post_id not in _listed(app)
    assert _shown(app) == after  # the next post is the current one now
    with Session(engine) as session:
        event = session.exec(
            select(AuditEvent).where(
                AuditEvent.actor == "moderator", AuditEvent.entity_type == "post"
            )
        ).one()
        assert (event.actor, event.action) == ("moderator", "review:confirmed")
        assert event.user_id is not None
        assert session.exec(select(TrainingLabel)).one().post_id == post_id


def test_the_decision_message_names_the_post_decided_not_the_next_one(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]]
) -> None:
    """After a decision the next post is current; «Тема исправлена: Ямы на дорогах.» read
    beside it seemed to be about it. Each message names the post it was about."""
    post_id = seeded["posts"][2]
    app = _show(open_page(signed_in("moderator"), "queue"), post_id)
    [offered] = [b for b in app.button if str(b.key).startswith(f"q_alt_{post_id}_")]
    offered.click().run()
    assert not app.exception
    assert f"Пост №{post_id}: тема исправлена на «Ямы на дорогах»." in app.caption[0].value
    first, second = _listed(app)
    app = _show(app, first).button(key="q_ok").click().run()
    assert f"Пост №{first} подтверждён." in app.caption[0].value
    app = _show(app, second).button(key="q_no").click().run()
    assert f"Пост №{second} отмечен как не сигнал." in app.caption[0].value


def test_correct_a_category(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    post_id = seeded["posts"][2]
    app = _edit(open_page(signed_in("moderator"), "queue"), post_id)
    app.selectbox(key=f"q_cat_{post_id}").select("roads").run()
    app.selectbox(key=f"q_topic_{post_id}").select("roads.pits").run()
    app.button(key=f"q_fix_{post_id}").click().run()
    assert not app.exception
    assert _status(engine, post_id) == ReviewStatus.CORRECTED
    current = _current(engine, post_id)
    assert (current.category_code, current.topic_code, current.set_by) == (
        "roads", "roads.pits", "person",
    )  # fmt: skip


def test_correcting_the_topic_of_a_post_with_no_place_leaves_it_with_none(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """A post naming no place of the region: «Исправить» offers no municipality («не
    определён»), and a corrected topic leaves it without one. The form preselected the first
    municipality of the list, so saving a topic silently moved the post (and a new incident)
    to a municipality nobody chose. A post with a place keeps it."""
    placeless, placed = seeded["posts"][2], seeded["posts"][0]
    with Session(engine) as session:
        annotation = _current(engine, placeless)
        annotation.municipality_id, annotation.municipality_confidence = None, 0.0
        annotation.municipality_span = None
        session.add(annotation)
        session.commit()
    app = _edit(open_page(signed_in("moderator"), "queue"), placeless)
    place = app.selectbox(key=f"q_place_{placeless}")
    assert (place.value, place.placeholder) == (None, "не определён")
    app.selectbox(key=f"q_topic_{placeless}").select("zhkh.water").run()
    app.button(key=f"q_fix_{placeless}").click().run()
    assert not app.exception
    current = _current(engine, placeless)
    assert (current.topic_code, current.municipality_id) == ("zhkh.water", None)
    with Session(engine) as session:
        incident = session.get_one(Incident, session.get_one(IncidentPost, placeless).incident_id)
        assert incident.municipality_id is None
        kept = session.get_one(Annotation, _current(engine, placed).id).municipality_id
    app = _edit(app, placed)
    assert app.selectbox(key=f"q_place_{placed}").value == kept
    app.selectbox(key=f"q_topic_{placed}").select("zhkh.power").run()
    app.button(key=f"q_fix_{placed}").click().run()
    assert not app.exception
    assert _current(engine, placed).municipality_id == kept


def test_a_runner_up_topic_is_one_click(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    post_id = seeded["posts"][2]
    app = _show(open_page(signed_in("moderator"), "queue"), post_id)
    offered = [b for b in app.button if str(b.key).startswith(f"q_alt_{post_id}_")]
    assert [b.label for b in offered] == ["Ямы на дорогах (0,31)"]  # not the removed topic
    app = _show(app, seeded["posts"][0])
    assert not any(str(b.key).startswith(f"q_alt_{seeded['posts'][0]}_") for b in app.button)
    app = _show(app, post_id)
    offered = [b for b in app.button if str(b.key).startswith(f"q_alt_{post_id}_")]
    offered[0].click().run()
    assert not app.exception
    assert _status(engine, post_id) == ReviewStatus.CORRECTED
    current = _current(engine, post_id)
    assert (current.category_code, current.topic_code, current.set_by) == (
        "roads", "roads.pits", "person",
    )  # fmt: skip
    with Session(engine) as session:
        place = session.get(Municipality, current.municipality_id)
        assert place is not None and place.name == "Чусовской городской округ"  # the model's
        label = session.exec(select(TrainingLabel)).one()
        assert (label.post_id, label.topic_code) == (post_id, "roads.pits")


def test_a_runner_up_topic_the_model_all_but_rules_out_is_not_offered(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """A runner-up below `ALTERNATIVE_FLOOR` (0.1) is no button: a road accident was offered
    «Нестационарная торговля (0,02)»."""
    post_id = seeded["posts"][2]
    with Session(engine) as session:
        annotation = session.exec(select(Annotation).where(Annotation.post_id == post_id)).one()
        annotation.reasons = {
            **(annotation.reasons or {}),
            "alternatives": [
                {"topic": "roads.pits", "category": "roads", "confidence": 0.31},
                {"topic": "zhkh.water", "category": "zhkh", "confidence": 0.02},
                {"topic": "zhkh.power", "category": "zhkh", "confidence": 0.0},  # rounded
            ],
        }
        session.add(annotation)
        session.commit()
    app = _show(open_page(signed_in("moderator"), "queue"), post_id)
    offered = [b.label for b in app.button if str(b.key).startswith(f"q_alt_{post_id}_")]
    assert offered == ["Ямы на дорогах (0,31)"]


def test_a_long_runner_up_topic_name_is_cut_before_its_figure(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """The button cuts the name, not the figure: «Ямы на дорогах (ремонт, …» hid «(0,31)»."""
    with Session(engine) as session:
        topic = session.get_one(Topic, "roads.pits")
        topic.name = "Ямы на дорогах (ремонт покрытия, обочины, тротуары и дворовые проезды)"
        session.add(topic)
        session.commit()
    post_id = seeded["posts"][2]
    app = _show(open_page(signed_in("moderator"), "queue"), post_id)
    [button] = [b for b in app.button if str(b.key).startswith(f"q_alt_{post_id}_")]
    assert button.label == "Ямы на дорогах (ремонт покрытия… (0,31)"
    assert "«Ямы на дорогах (ремонт покрытия, обочины, тротуары и дворовые проезды)»" in str(
        button.help
    )


def test_confidences_are_written_with_a_decimal_comma(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]]
) -> None:
    """The model's suggestion reads «ЖКХ (0,60)», as Russian writes decimals, not «(0.60)»;
    so do the confidence filter's ends."""
    app = _show(open_page(signed_in("moderator"), "queue"), seeded["posts"][0])
    [suggestion] = [c.value for c in app.caption if c.value.startswith("Категория:")]
    assert "Категория: ЖКХ (0,60) · Тема: Водоснабжение (0,50) · Муниципалитет:" in suggestion
    assert "(0,90)" in suggestion and "0." not in suggestion
    confidence = app.select_slider(key="q_conf")
    assert (confidence.format_func(0.55), confidence.format_func(1.0)) == ("0,55", "1,00")


def test_a_post_with_no_place_found_shows_no_confidence_for_it(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """A post naming no place of the region reads «Муниципалитет: не найден», as the address
    does, not «— (<0,01)»: a confidence beside no place is a number about nothing."""
    post_id = seeded["posts"][0]
    with Session(engine) as session:
        annotation = _current(engine, post_id)
        annotation.municipality_id, annotation.municipality_confidence = None, 0.0
        annotation.municipality_span = None
        session.add(annotation)
        session.commit()
    app = _show(open_page(signed_in("moderator"), "queue"), post_id)
    [suggestion] = [c.value for c in app.caption if c.value.startswith("Категория:")]
    assert "Муниципалитет: не найден · Адрес:" in suggestion
    assert "<" not in suggestion.split("Муниципалитет:")[1]


def test_bulk_not_signal_and_status_filter(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    first, second, third = seeded["posts"]
    app = open_page(signed_in("admin"), "queue")
    order = _listed(app)
    rows = [order.index(first), order.index(third)]
    app.session_state[_table_key(app)] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    app.run()
    app.button(key="q_bulk_no").click().run()
    assert not app.exception
    assert [_status(engine, i) for i in (first, second, third)] == [
        ReviewStatus.NOT_SIGNAL,
        ReviewStatus.NEEDS_REVIEW,
        ReviewStatus.NOT_SIGNAL,
    ]
    app.selectbox(key="q_status").select(ReviewStatus.NOT_SIGNAL).run()
    assert "Найдено: 2." in app.caption[0].value


def test_a_not_signal_shows_no_topic_in_the_list(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """A post the model called not a signal keeps the topic it scored, but the list's Тема
    reads «—»: «Водоснабжение» beside «не сигналы» read as a signal about water."""
    first = seeded["posts"][0]
    with Session(engine) as session:
        annotation = _current(engine, first)
        annotation.is_signal = False
        session.add(annotation)
        post = session.get_one(Post, first)
        post.review_status = ReviewStatus.NOT_SIGNAL
        session.add(post)
        session.commit()
    app = open_page(signed_in("moderator"), "queue")
    app.selectbox(key="q_status").select(ReviewStatus.NOT_SIGNAL).run()
    assert not app.exception
    shown = app.dataframe[0].value
    assert list(shown["№"]) == [first] and list(shown["Тема"]) == ["—"]
    assert _current(engine, first).topic_code == "zhkh.water"  # kept: only not shown


def test_filters_narrow_the_queue(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]]
) -> None:
    app = open_page(signed_in("moderator"), "queue")
    app.text_input(key="q_text").input("света").run()
    assert not app.exception
    assert "Найдено: 1." in app.caption[0].value
    app.text_input(key="q_text").input("").run()
    app.select_slider(key="q_conf").set_range(0.55, 1.0).run()
    assert "Найдено: 0." in app.caption[0].value


def test_attach_a_post_to_another_incident(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    pipe_post, _, light_post = seeded["posts"]
    with Session(engine) as session:
        pipe_incident = session.exec(
            select(IncidentPost.incident_id).where(IncidentPost.post_id == pipe_post)
        ).one()
    app = _edit(open_page(signed_in("moderator"), "queue"), light_post)
    app.number_input(key=f"q_inc_{light_post}").set_value(pipe_incident).run()
    app.button(key=f"q_attach_{light_post}").click().run()
    assert not app.exception
    with Session(engine) as session:
        link = session.get(IncidentPost, light_post)
        assert link is not None
        assert (link.incident_id, link.attached_by) == (pipe_incident, "moderator")


def test_a_stale_decision_is_refused_with_a_clear_message(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    post_id = seeded["posts"][0]
    app = _show(open_page(signed_in("moderator"), "queue"), post_id)
    with Session(engine) as session:  # another moderator decides first
        confirm_post(session, post_id=post_id, expected_version=1, actor="other", user_id=None)
        session.commit()
    app.button(key="q_no").click().run()
    assert not app.exception
    assert "другой пользователь" in app.error[0].value
    assert _status(engine, post_id) == ReviewStatus.CONFIRMED


def test_deactivated_topics_are_not_offered(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    with Session(engine) as session:
        pits = session.get(Topic, "roads.pits")
        assert pits is not None
        pits.active = False
        session.add(pits)
        session.commit()
    post_id = seeded["posts"][2]
    app = _edit(open_page(signed_in("moderator"), "queue"), post_id)
    assert not [b for b in app.button if str(b.key).startswith(f"q_alt_{post_id}_")]
    assert app.selectbox(key=f"q_cat_{post_id}").options == ["ЖКХ"]  # roads has none left
    assert app.selectbox(key=f"q_topic_{post_id}").options == ["Водоснабжение", "Электроснабжение"]


def _answer(engine: Engine, post_id: int) -> None:
    """The page's public reply to `post_id` (linked as the thread stage links it)."""
    with Session(engine) as session:
        answered = session.get_one(Post, post_id)
        text = "Аварийная служба выехала на место"
        session.add(Post(source_id=answered.source_id, external_id=f"{answered.external_id}_r",
                         published_at=answered.published_at, author_kind="source",
                         thread_position="reply", text=text, text_original=text, raw={},
                         answer_to_post_id=post_id))  # fmt: skip
        session.commit()


def test_the_list_marks_posts_the_authority_answered_in_one_query(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    answered = seeded["posts"][1]
    _answer(engine, answered)
    statements: list[str] = []

    def note(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    app = signed_in("moderator")
    event.listen(Engine, "before_cursor_execute", note)  # every engine: the console's own
    try:
        open_page(app, "queue")
    finally:
        event.remove(Engine, "before_cursor_execute", note)
    assert not app.exception
    table = app.dataframe[0].value
    marks = {
        post_id: text.startswith("↩ ")
        for post_id, text in zip(table["№"], table["Текст"], strict=True)
    }
    assert marks == {post_id: post_id == answered for post_id in seeded["posts"]}
    # one look-up for the whole list, not one per row
    lookups = [s for s in statements if s.startswith("SELECT DISTINCT post.answer_to_post_id")]
    assert len(lookups) == 1, lookups


def test_a_not_signal_says_when_the_structure_decided_it(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """A moderator browsing «не сигналы» reads why the structure decided one, in Russian."""
    from dashboard.names import STRUCTURE_REASON_NAMES
    from nlp.annotator import WORDLESS_KINDS
    from nlp.structure import REASONS

    assert set(STRUCTURE_REASON_NAMES) == {*REASONS, *WORDLESS_KINDS}
    first, second, third = seeded["posts"]
    marked = {"structure": "advert"}
    offer = {"structure": "commercial_offer"}
    with Session(engine) as session:
        for post_id, reasons in ((first, marked), (second, {}), (third, offer)):
            annotation = session.exec(
                select(Annotation).where(Annotation.post_id == post_id, col(Annotation.is_current))
            ).one()
            annotation.is_signal, annotation.reasons = False, reasons
            post = session.get(Post, post_id)
            assert post is not None
            post.review_status = ReviewStatus.NOT_SIGNAL
            session.add_all([annotation, post])
        session.commit()
    app = open_page(signed_in("moderator"), "queue")
    app.selectbox(key="q_status").select(ReviewStatus.NOT_SIGNAL).run()
    assert not app.exception
    captions = "\n".join(c.value for c in _show(app, first).caption)
    assert "Не сигнал по признакам публикации: реклама: помечена соцсетью" in captions
    captions = "\n".join(c.value for c in _show(app, second).caption)
    assert "Не сигнал по признакам публикации" not in captions
    captions = "\n".join(c.value for c in _show(app, third).caption)
    assert "Не сигнал по признакам публикации: реклама: объявление о продаже" in captions


def test_a_post_s_incident_already_in_a_report_says_so(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """A post whose incident is in an open report says which report and its status (the
    post confirmed is evidence sent to that agency); a resolved report is not named."""
    pipe, _, power = seeded["posts"]
    with Session(engine) as session:
        incident_id = session.get_one(IncidentPost, pipe).incident_id
        incident = session.get_one(Incident, incident_id)
        report = create_report(session, incident_id=incident_id, expected_version=incident.version,
                               actor="operator", user_id=None, calendar=WorkCalendar())  # fmt: skip
        session.commit()
        report_id = report.id
    said = f"в [обращении №{report_id}](reports?report={report_id}): новое"
    app = _show(open_page(signed_in("moderator"), "queue"), pipe)
    assert any(said in c.value for c in app.caption)
    app = _show(open_page(signed_in("moderator"), "queue"), power)  # another incident
    assert not any("обращении №" in c.value for c in app.caption)

    with Session(engine) as session:
        resolved = session.get_one(Report, report_id)
        resolved.status = ReportStatus.RESOLVED
        session.add(resolved)
        session.commit()
    app = _show(open_page(signed_in("moderator"), "queue"), pipe)
    assert not any(f"обращении №{report_id}" in c.value for c in app.caption)


def test_an_incident_of_one_post_has_no_buttons_for_all_of_it(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """«Все 1 в инциденте — …» would repeat the post's own buttons: not drawn for one post,
    drawn for two."""
    pipe, _, power = seeded["posts"]
    with Session(engine) as session:
        alone = session.get_one(IncidentPost, power).incident_id
        pair = session.get_one(IncidentPost, pipe).incident_id
    app = signed_in("moderator")
    app.query_params["incident"] = str(alone)
    open_page(app, "queue")
    assert not app.exception
    assert not [b for b in app.button if b.key in ("q_rest_ok", "q_rest_no")]
    app.query_params["incident"] = str(pair)
    open_page(app, "queue")
    assert app.button(key="q_rest_ok").label == "Все 2 в инциденте — подтвердить"


def test_an_incidents_posts_are_listed_alone_and_confirmed_at_once(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """The two pipe posts are one incident: its link in the caption lists them alone."""
    pipe, _, power = seeded["posts"]
    with Session(engine) as session:
        incident_id = session.get_one(IncidentPost, pipe).incident_id
    app = _show(open_page(signed_in("moderator"), "queue"), pipe)
    link = f"(постов: 2, [все его посты в очереди](queue?incident={incident_id}))"
    assert any(link in c.value for c in app.caption)
    app = _show(open_page(signed_in("moderator"), "queue"), power)  # alone in its incident
    assert not any("все его посты в очереди" in c.value for c in app.caption)

    app.query_params["incident"] = str(incident_id)
    open_page(app, "queue")
    assert not app.exception
    assert f"Показаны посты инцидента №{incident_id}" in " ".join(i.value for i in app.info)
    assert sorted(_listed(app)) == sorted(seeded["posts"][:2])
    app.button(key="q_rest_ok").click().run()
    assert not app.exception
    assert [_status(engine, p) for p in seeded["posts"]] == [
        ReviewStatus.CONFIRMED, ReviewStatus.CONFIRMED, ReviewStatus.NEEDS_REVIEW,
    ]  # fmt: skip


def test_a_record_number_too_long_for_the_database_is_not_found(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]]
) -> None:
    for page, param in (("incidents", "incident"), ("reports", "report"), ("post", "id")):
        app = signed_in("moderator")
        app.query_params[param] = "9" * 30
        open_page(app, page)
        assert not app.exception and not app.error, page  # no «внутренняя ошибка»


def test_a_mangled_thread_or_incident_address_shows_the_whole_queue(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]]
) -> None:
    for param, value in (("incident", "9" * 30), ("incident", "-3"), ("thread", "x:-1_5"),
                         ("thread", "7"), ("thread", "9" * 30 + ":-1_5")):  # fmt: skip
        app = signed_in("moderator")
        app.query_params[param] = value
        open_page(app, "queue")
        assert not app.exception, (param, value)
        assert not app.info, (param, value)  # no banner: nothing was narrowed
        assert sorted(_listed(app)) == sorted(seeded["posts"]), (param, value)


OUTAGE = "С утра нет света во всём Краснокамске, электричество отключили без предупреждения"
AGAIN = "Опять отключили электричество, света нет уже пять часов"


@pytest.mark.parametrize("threshold", ["0.25", "0.99"])
def test_a_correction_is_grouped_with_the_deployments_threshold_and_lemmas(
    signed_in: Callable[[str], AppTest],
    seeded: dict[str, list[int]],
    engine: Engine,
    lemmatizer: Lemmatizer,
    monkeypatch: pytest.MonkeyPatch,
    threshold: str,
) -> None:
    """A post corrected in the console is grouped again as the pipeline groups: with
    `OTKLIK_TRIAGE_GROUP_SIMILARITY` and by lemmas."""
    monkeypatch.setenv("OTKLIK_TRIAGE_GROUP_SIMILARITY", threshold)
    get_settings.cache_clear()
    resources.regrouping.clear()
    with Session(engine) as session:
        [krasnokamsk] = session.exec(
            select(Municipality.id).where(Municipality.name.startswith("Краснокамский"))  # type: ignore[union-attr]
        ).all()
        vk = session.exec(select(Post.source_id)).first() or 0
        outage = annotated_post(session, source_id=vk, municipality_id=krasnokamsk,
                                category="zhkh", topic="zhkh.power", text=OUTAGE)  # fmt: skip
        misread = annotated_post(session, source_id=vk, municipality_id=krasnokamsk,
                                 category="roads", topic="roads.pits", text=AGAIN)  # fmt: skip
        session.commit()
        triage_posts(session, post_ids=[outage, misread], thresholds=Thresholds())
    try:
        app = _edit(open_page(signed_in("moderator"), "queue"), misread)
        app.selectbox(key=f"q_cat_{misread}").select("zhkh").run()
        app.selectbox(key=f"q_topic_{misread}").select("zhkh.power").run()
        app.button(key=f"q_fix_{misread}").click().run()
        assert not app.exception
    finally:
        resources.regrouping.clear()
    with Session(engine) as session:
        link = session.get_one(IncidentPost, misread)
        joined = link.incident_id == session.get_one(IncidentPost, outage).incident_id
    assert joined is (threshold == "0.25")
    if joined:
        assert link.reason["cosine"] == round(
            text_similarity(AGAIN, OUTAGE, lemmatizer.lemmatize_text), 3
        )
