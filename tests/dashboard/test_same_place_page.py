"""Инциденты: the other incidents at the same place, and joining one to the reported one."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from models.annotation import Annotation
from models.clock import frozen_at
from models.incident import Incident, IncidentPost, IncidentStatus
from models.report import Report, ReportStatus
from tests.dashboard.conftest import open_page, texts
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.lifecycle import change_status
from triage.reports import create_report
from triage.stage import triage_posts
from triage.thresholds import Thresholds

TEXTS = [  # one burst pipe written about twice, ten days apart; a street light next door
    (0, "На улице Сибирской 8 прорвало трубу в подвале", "housing_pipe_burst", "housing"),
    (10, "Сибирская 8: трубу так и не починили, подвал в воде", "housing_pipe_burst", "housing"),
    (4, "На улице Сибирской 8 не горят фонари", "amenities_lighting", "amenities"),
]


@pytest.fixture
def outage(console_users: dict[str, str], engine: Engine) -> list[int]:
    return _outage(engine)


def _outage(engine: Engine) -> list[int]:
    """The three incidents (grouping's 72 hours keep them apart), the first reported."""
    with Session(engine, expire_on_commit=False) as session:
        f.taxonomy(session)
        perm = f.municipality(session, "Пермский городской округ")
        vk = f.source(session)
        ids = [
            f.annotated_post(
                session,
                source_id=vk,
                municipality_id=perm,
                text=text,
                category=category,
                topic=topic,
                published_at=f.MONDAY + timedelta(days=days),
            )
            for days, text, topic, category in TEXTS
        ]
        session.commit()
        for post_id in ids:
            triage_posts(session, post_ids=[post_id], thresholds=Thresholds())
        incidents = [session.get_one(IncidentPost, p).incident_id for p in ids]
        first = session.get_one(Incident, incidents[0])
        create_report(session, incident_id=incidents[0], expected_version=first.version,
                      actor="anna", user_id=None, calendar=WorkCalendar())  # fmt: skip
        session.commit()
    return incidents


def test_the_same_problem_at_the_place_is_shown_and_joined_to_its_report(
    signed_in: Callable[[str], AppTest], outage: list[int], engine: Engine
) -> None:
    reported, again, lamps = outage
    app = signed_in("moderator")
    app.query_params["incident"] = str(again)
    open_page(app, "incidents")
    assert not app.exception
    shown = texts(app)
    assert "По этому адресу" in shown
    assert f"**та же проблема** · [инцидент №{reported}](incidents?incident={reported})" in shown
    assert f"другая проблема · [инцидент №{lamps}]" in shown
    warning = " ".join(w.value for w in app.warning)
    assert "уже в обращении" in warning and f"инцидент №{again} к №{reported}" in warning

    app.button(key=f"inc_join_{again}").click().run()
    assert "Это не отменить" in " ".join(w.value for w in app.warning)
    with Session(engine) as session:
        assert session.get_one(Incident, again).status == IncidentStatus.OPEN  # asked first
    app.button(key=f"inc_merge_yes_{again}").click().run()
    assert not app.exception

    with Session(engine) as session:
        assert session.get_one(Incident, again).status == IncidentStatus.MERGED
        target = session.get_one(Incident, reported)
        assert (target.status, target.post_count) == (IncidentStatus.REPORTED, 2)
    assert app.query_params["incident"] == str(reported)  # the page follows the posts
    assert not [w for w in app.warning if "уже в обращении" in w.value]


def test_an_incident_alone_at_its_place_shows_no_history(
    signed_in: Callable[[str], AppTest], outage: list[int], engine: Engine
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        lonely = session.get_one(Incident, outage[2])
        lonely.address = "уральский 3"
        session.add(lonely)
        session.commit()
    app = signed_in("moderator")
    app.query_params["incident"] = str(outage[2])
    open_page(app, "incidents")
    assert not app.exception
    assert "По этому адресу" not in texts(app)


def test_a_report_lists_the_same_problem_written_about_again(
    signed_in: Callable[[str], AppTest], outage: list[int], engine: Engine
) -> None:
    reported, again, lamps = outage
    with Session(engine) as session:
        report = session.exec(select(Report).where(Report.incident_id == reported)).one()
    app = signed_in("moderator")
    app.query_params["report"] = str(report.id)
    open_page(app, "reports")
    assert not app.exception
    shown = texts(app)
    assert "Та же проблема по этому адресу в других инцидентах" in shown
    assert f"[инцидент №{again}](incidents?incident={again})" in shown
    assert f"инцидент №{lamps}]" not in shown  # another problem is the incident page's matter


def test_the_queue_says_a_posts_problem_is_already_reported_at_its_place(
    signed_in: Callable[[str], AppTest], outage: list[int], engine: Engine
) -> None:
    reported, again, lamps = outage
    with Session(engine) as session:
        report = session.exec(select(Report).where(Report.incident_id == reported)).one()
        post_of = {
            incident: session.exec(
                select(IncidentPost.post_id).where(IncidentPost.incident_id == incident)
            ).one()
            for incident in (again, lamps)
        }
    app = open_page(signed_in("moderator"), "queue")
    app.session_state["q_current"] = post_of[again]
    app.run()
    assert not app.exception
    said = " ".join(c.value for c in app.caption)
    assert f"уже в [обращении №{report.id}](reports?report={report.id})" in said

    app.session_state["q_current"] = post_of[lamps]  # another problem on that street
    app.run()
    assert "уже в [обращении" not in " ".join(c.value for c in app.caption)


def _resolve(engine: Engine, incident_id: int) -> int:
    """The first incident's report resolved on day 2, before residents wrote again on day 10."""
    with Session(engine, expire_on_commit=False) as session:
        report = session.exec(select(Report).where(Report.incident_id == incident_id)).one()
        with frozen_at(f.MONDAY + timedelta(days=2)):
            for status in (ReportStatus.SENT, ReportStatus.ANSWERED, ReportStatus.RESOLVED):
                change_status(session, report_id=report.id or 0, status=status, actor="anna",
                              user_id=None, expected_version=report.version,
                              calendar=WorkCalendar())  # fmt: skip
        session.commit()
        return report.id or 0


def test_the_problem_back_after_its_resolution_is_joined_and_its_report_reopened(
    signed_in: Callable[[str], AppTest], outage: list[int], engine: Engine
) -> None:
    reported, again, _ = outage
    report_id = _resolve(engine, reported)
    app = signed_in("moderator")
    app.query_params["incident"] = str(again)
    open_page(app, "incidents")
    assert not app.exception
    warning = " ".join(w.value for w in app.warning)
    assert f"решена в обращении №{report_id}" in warning and "пишут снова" in warning
    assert "уже в обращении" not in warning
    join = app.button(key=f"inc_join_{again}")
    assert join.label == f"Присоединить к №{reported} и вернуть обращение №{report_id} в работу"
    # the warning's advice is the page's main action; a new report is still possible
    assert join.proto.type == "primary"
    assert app.button(key=f"inc_create_report_{again}").proto.type == "secondary"

    join.click().run()
    question = " ".join(w.value for w in app.warning)
    assert f"Инцидент №{again} будет присоединён к №{reported}" in question
    assert f"обращение №{report_id} вернётся в работу" in question
    app.button(key=f"inc_merge_yes_{again}").click().run()
    assert not app.exception

    with Session(engine) as session:
        assert session.get_one(Report, report_id).status == ReportStatus.REOPENED
        assert session.get_one(Incident, again).status == IncidentStatus.MERGED
    assert app.query_params["incident"] == str(reported)


def test_the_report_and_the_queue_say_the_problem_came_back(
    signed_in: Callable[[str], AppTest], outage: list[int], engine: Engine
) -> None:
    reported, again, _ = outage
    report_id = _resolve(engine, reported)
    app = signed_in("moderator")
    app.query_params["report"] = str(report_id)
    open_page(app, "reports")
    assert not app.exception
    assert f"**после решения** · [инцидент №{again}]" in texts(app)

    with Session(engine) as session:
        post_id = session.exec(
            select(IncidentPost.post_id).where(IncidentPost.incident_id == again)
        ).one()
    app = open_page(signed_in("moderator"), "queue")
    app.session_state["q_current"] = post_id
    app.run()
    assert not app.exception
    said = " ".join(c.value for c in app.caption)
    assert f"решена в [обращении №{report_id}](reports?report={report_id})" in said
    assert "жители пишут снова" in said


def test_an_incident_with_an_open_report_joins_without_reopening_the_resolved_one(
    signed_in: Callable[[str], AppTest], outage: list[int], engine: Engine
) -> None:
    reported, again, _ = outage
    resolved_id = _resolve(engine, reported)
    with Session(engine, expire_on_commit=False) as session:
        later = session.get_one(Incident, again)
        in_work = create_report(session, incident_id=again, expected_version=later.version,
                                actor="anna", user_id=None, calendar=WorkCalendar())  # fmt: skip
        session.commit()
    app = signed_in("moderator")
    app.query_params["incident"] = str(again)
    open_page(app, "incidents")
    assert not app.exception
    warning = " ".join(w.value for w in app.warning)
    assert f"решена в обращении №{resolved_id}" in warning and "пишут снова" in warning
    assert f"в работе останется обращение №{in_work.id}" in warning
    assert "вернётся в работу" not in warning
    join = app.button(key=f"inc_join_{again}")
    assert join.label == f"Присоединить к №{reported}: в работе останется обращение №{in_work.id}"

    join.click().run()
    question = " ".join(w.value for w in app.warning)
    assert f"Инцидент №{again} будет присоединён к №{reported}" in question
    assert f"в работе останется обращение №{in_work.id}" in question
    assert "вернётся в работу" not in question
    app.button(key=f"inc_merge_yes_{again}").click().run()
    assert not app.exception

    with Session(engine) as session:
        assert session.get_one(Report, resolved_id).status == ReportStatus.RESOLVED
        moved = session.get_one(Report, in_work.id)
        assert (moved.incident_id, moved.status) == (reported, ReportStatus.NEW)
        assert session.get_one(Incident, reported).status == IncidentStatus.REPORTED
        assert session.get_one(Incident, again).status == IncidentStatus.MERGED


def _on_ligovsky(engine: Engine, incidents: list[int]) -> None:
    """Each incident's address key «лиговский 44», its posts naming it «Лиговский проспект 44»
    (the key alone reads as «ул. Лиговская»)."""
    with Session(engine) as session:
        for incident_id in incidents:
            incident = session.get_one(Incident, incident_id)
            incident.address = "лиговский 44"
            session.add(incident)
        annotations = session.exec(
            select(Annotation)
            .join(IncidentPost, col(IncidentPost.post_id) == col(Annotation.post_id))
            .where(col(IncidentPost.incident_id).in_(incidents), col(Annotation.is_current))
        ).all()
        for annotation in annotations:
            said = [{"key": "лиговский 44", "span": "Лиговский проспект 44"}]
            annotation.reasons = {**annotation.reasons, "addresses": said}
            session.add(annotation)
        session.commit()


def _address_lookups(run: Callable[[], object]) -> list[str]:
    """The statements reading annotations' address words while `run` runs a page."""
    statements: list[str] = []

    def note(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", note)  # every engine: the console's own
    try:
        run()
    finally:
        event.remove(Engine, "before_cursor_execute", note)
    return [s for s in statements if "annotation.reasons" in s]


def test_the_incidents_at_the_place_are_written_as_their_posts_named_them(
    signed_in: Callable[[str], AppTest], outage: list[int], engine: Engine
) -> None:
    """«По этому адресу» and a report's repeats wrote each incident's address from its key
    («ул. Лиговская, д. 44» for «Лиговский проспект 44»); the words of the card and of every
    incident listed are read in one query."""
    reported, again, lamps = outage
    _on_ligovsky(engine, outage)
    app = signed_in("moderator")
    app.query_params["incident"] = str(again)
    lookups = _address_lookups(lambda: open_page(app, "incidents"))
    assert not app.exception
    shown = texts(app).replace("\\", "")  # the markdown's escapes
    lines = [line for line in shown.splitlines() if "[инцидент №" in line]
    assert {line.split("]")[0] for line in lines} >= {
        f"- **та же проблема** · [инцидент №{reported}",
        f"- другая проблема · [инцидент №{lamps}",
    }
    assert all("пр-т Лиговский, д. 44" in line for line in lines), lines
    assert "Лиговская" not in shown
    assert len(lookups) == 1, lookups  # the card's and its neighbours' words at once

    with Session(engine) as session:
        report = session.exec(select(Report).where(Report.incident_id == reported)).one()
    app.query_params.clear()
    app.query_params["report"] = str(report.id)
    lookups = _address_lookups(lambda: open_page(app, "reports"))
    assert not app.exception
    shown = texts(app).replace("**", "").replace("\\", "")
    line = next(line for line in shown.splitlines() if f"[инцидент №{again}]" in line)
    assert "пр-т Лиговский, д. 44" in line, line
    assert "Адрес: пр-т Лиговский, д. 44" in shown
    assert "Лиговская" not in shown
    assert len(lookups) == 1, lookups
