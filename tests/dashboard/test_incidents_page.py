"""Инциденты: browse incidents, merge, split, create a report."""

import re
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from dashboard.text import escape_markdown
from models.audit import AuditEvent
from models.incident import Incident, IncidentPost, IncidentStatus
from models.post import Post
from models.report import Report
from tests.dashboard.conftest import open_page


def _incidents(engine: Engine) -> list[Incident]:
    with Session(engine) as session:
        return list(session.exec(select(Incident).order_by(col(Incident.id))))


def test_create_report_from_an_incident(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    app = open_page(signed_in("moderator"), "incidents")
    assert not app.exception
    incidents = _incidents(engine)
    assert len(incidents) == 2  # the two pipe posts were grouped together
    target = next(i for i in incidents if i.post_count == 2)
    app.selectbox(key="inc_pick_None").select(target.id).run()
    assert "Краснокамске" in "\n".join(m.value for m in app.markdown)
    # one incident's status, as its row says: «открыт», not the filter's «открытые»
    # and its problem down to the topic
    assert app.caption[1].value.startswith(
        "открыт · ЖКХ: Водоснабжение · Краснокамский городской округ · "
    ), app.caption[1].value
    app.button(key=f"inc_create_report_{target.id}").click().run()
    assert not app.exception
    with Session(engine) as session:
        report = session.exec(select(Report)).one()
    # the created report is open, by its address; no second click can create another
    assert app.title[0].value == "Обращения"
    assert f"Обращение №{report.id}" in app.subheader[0].value
    app.query_params["incident"] = str(target.id)
    open_page(app, "incidents")
    assert not [b for b in app.button if str(b.key).startswith("inc_create_report")]
    assert f"Обращение №{report.id}" in [link.label.split(":")[0] for link in app.get("page_link")]
    with Session(engine) as session:
        assert report.incident_id == target.id
        assert report.created_by is not None
        assert session.get(Incident, target.id).status == IncidentStatus.REPORTED  # type: ignore[union-attr]
        event = session.exec(select(AuditEvent).where(AuditEvent.entity_type == "report")).one()
        assert (event.actor, event.action) == ("moderator", "create")


def test_merge_then_split(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    app = open_page(signed_in("admin"), "incidents")
    first, second = _incidents(engine)
    app.selectbox(key="inc_pick_None").select(first.id).run()
    app.multiselect(key=f"inc_merge_ids_{first.id}").select(second.id).run()
    app.button(key=f"inc_merge_{first.id}").click().run()
    assert not app.exception
    assert {i.status for i in _incidents(engine)} == {IncidentStatus.OPEN}  # asked first
    assert "Это не отменить" in app.warning[0].value
    app.button(key=f"inc_merge_yes_{first.id}").click().run()
    merged = {i.id: i for i in _incidents(engine)}
    assert merged[second.id].status == IncidentStatus.MERGED
    assert merged[first.id].post_count == 3

    app.run()
    post_id = seeded["posts"][2]
    app.multiselect(key=f"inc_split_ids_{first.id}").select(post_id).run()
    app.button(key=f"inc_split_{first.id}").click().run()
    assert not app.exception
    after = _incidents(engine)
    assert len(after) == 3
    assert after[-1].post_count == 1
    assert {i.id: i for i in after}[first.id].post_count == 2


def test_operator_sees_incidents_but_no_controls(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    app = signed_in("operator")
    app.query_params["incident"] = str(_incidents(engine)[0].id)
    open_page(app, "incidents")
    assert not app.exception
    assert len(app.dataframe) == 1
    # the priority the list is sorted by, and the posts, before the long title (1,366 px)
    assert list(app.dataframe[0].value.columns[:4]) == ["№", "Приоритет", "Постов", "Заголовок"]
    assert not [b for b in app.button if str(b.key).startswith("inc_")]
    assert "может модератор" in " ".join(c.value for c in app.caption)


def test_the_list_is_compact_and_shows_the_status_only_for_all_statuses(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """At 1,366 px every column fits: a short municipality, a time without the year, the
    title cut at a word; «Статус» only when the filter does not already say it."""
    with Session(engine, expire_on_commit=False) as session:
        incident = session.exec(select(Incident).order_by(col(Incident.id))).first()
        assert incident is not None
        incident.title = ("Краснокамск: " + "очень длинный заголовок инцидента " * 5).strip()
        session.add(incident)
        session.commit()
    app = open_page(signed_in("moderator"), "incidents")
    assert not app.exception
    shown = app.dataframe[0].value
    assert "Статус" not in shown.columns  # «открытые» are chosen: the filter says it
    first = shown[shown["№"] == incident.id].iloc[0]
    assert first["Муниципалитет"] == "Краснокамский ГО"
    assert first["Заголовок"].startswith("Краснокамск: очень") and first["Заголовок"][-1] == "…"
    assert len(first["Заголовок"]) < len(incident.title) / 2
    assert re.fullmatch(r"\d\d\.\d\d \d\d:\d\d", first["Последний пост"])
    status = app.selectbox(key="inc_status")
    status.select_index(status.options.index("все")).run()
    shown = app.dataframe[0].value
    assert list(shown.columns) == [
        "№", "Приоритет", "Постов", "Заголовок", "Статус", "Категория", "Муниципалитет",
        "Последний пост",
    ]  # fmt: skip
    assert set(shown["Статус"]) == {"открыт"}
    # the whole title is in the incident's card
    app.selectbox(key="inc_pick_None").select(incident.id).run()
    assert app.subheader[0].value == escape_markdown(incident.title)


def test_an_incident_without_posts_offers_no_report(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        empty = Incident(title="Все посты оказались не сигналами", post_count=0)
        session.add(empty)
        session.commit()
    app = signed_in("moderator")
    app.query_params["incident"] = str(empty.id)
    open_page(app, "incidents")
    assert not app.exception
    assert not [b for b in app.button if str(b.key).startswith("inc_create_report")]
    assert "не осталось постов" in "\n".join(c.value for c in app.caption)


def test_an_incident_shows_the_pages_public_answer(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    target = next(i for i in _incidents(engine) if i.post_count == 2)
    with Session(engine) as session:
        link = session.exec(select(IncidentPost).where(IncidentPost.incident_id == target.id))
        answered = session.get_one(Post, link.first().post_id)  # type: ignore[union-attr]
        session.add(Post(source_id=answered.source_id, external_id=f"{answered.external_id}_r",
                         published_at=answered.published_at, author_kind="source",
                         thread_position="reply", text="Аварийная служба выехала на место",
                         text_original="Аварийная служба выехала на место", raw={},
                         answer_to_post_id=answered.id))  # fmt: skip
        session.commit()
    app = open_page(signed_in("moderator"), "incidents")
    app.selectbox(key="inc_pick_None").select(target.id).run()
    assert not app.exception
    shown = [box.value for box in app.info]
    assert any(
        "Публичный ответ администрации" in box and box.endswith("Аварийная служба выехала на место")
        for box in shown
    ), shown


def test_the_next_page_starts_after_the_shown_page_s_last_incident(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """Page 2 comes by the cursor page 1 left (keyset): when an incident of page 1 closes
    meanwhile, page 2 still starts with what followed page 1 (OFFSET would skip one)."""
    with Session(engine) as session:
        session.add_all(Incident(title=f"Яма №{n}", priority=1.0) for n in range(30))
        session.commit()
    app = open_page(signed_in("admin"), "incidents")
    first = [int(i) for i in app.dataframe[0].value["№"]]
    assert len(first) == 25
    with Session(engine) as session:
        listed = session.exec(select(Incident).where(Incident.status == IncidentStatus.OPEN))
        oldest = datetime(1970, 1, 1, tzinfo=UTC)
        order = [
            i.id or 0
            for i in sorted(
                listed, key=lambda i: (i.priority, i.last_post_at or oldest, i.id), reverse=True
            )
        ]
        closed = session.get_one(Incident, first[0])
        closed.status = IncidentStatus.CLOSED
        session.add(closed)
        session.commit()
    app.number_input(key="inc_page").set_value(2).run()
    assert not app.exception
    second = [int(i) for i in app.dataframe[0].value["№"]]
    assert second == order[25:]
