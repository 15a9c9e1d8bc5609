"""Обращения: one report by its address; statuses (finals confirmed), the answer bound to
its report, the agency, the history in Russian."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from dashboard.text_width import CELL_PADDING, SLACK, text_px
from dashboard.views import REPORT_WIDTHS
from models.agency import Agency
from models.annotation import Annotation
from models.audit import AuditEvent
from models.incident import Incident, IncidentPost
from models.report import Report, ReportStatus
from otklik.paths import DATA_DIR
from tests.dashboard.conftest import PASSWORD, log_in, open_page
from tests.dashboard.conftest import texts as escaped_texts
from triage.accounts import deactivate_user
from triage.calendar import WorkCalendar
from triage.reports import create_report
from triage.routing import load_agencies


def _reports(engine: Engine) -> list[Report]:
    """A report for each seeded incident (two), oldest incident first."""
    made = []
    with Session(engine, expire_on_commit=False) as session:
        for incident in session.exec(select(Incident).order_by(col(Incident.id))).all():
            assert incident.id is not None
            made.append(
                create_report(
                    session,
                    incident_id=incident.id,
                    expected_version=incident.version,
                    actor="moderator",
                    user_id=None,
                    calendar=WorkCalendar(),
                )
            )
        session.commit()
    return made


def _stored(engine: Engine, report_id: int | None) -> Report:
    with Session(engine) as session:
        report = session.get(Report, report_id)
        assert report is not None
        return report


def _open(app: AppTest, report_id: int | None) -> AppTest:
    """Open a report by its address (what a link or the list's picker does)."""
    app.query_params["report"] = str(report_id)
    return app.run()


def texts(app: AppTest) -> str:
    """The page's text as the user reads it (markdown escapes removed)."""
    return escaped_texts(app).replace("\\", "")


def _keyed(widgets: Any, prefix: str) -> Any:
    """The one widget whose key starts with `prefix` (keys carry the report id, version)."""
    found = [w for w in widgets if str(w.key).startswith(prefix)]
    assert len(found) == 1, [w.key for w in widgets]
    return found[0]


def _set_status(app: AppTest, status: str) -> AppTest:
    _keyed(app.selectbox, "rep_status_").select(status).run()
    return _keyed(app.button, "rep_change_").click().run()


def test_with_no_report_yet_the_page_says_where_reports_come_from(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]]
) -> None:
    """No filter chosen and nothing found: not «с такими условиями» (none were set), and no
    empty «Обращение» list to pick from; with a filter, the filter's note."""
    app = open_page(signed_in("operator"), "reports")
    assert not app.exception
    assert [info.value for info in app.info] == [
        "Обращений пока нет. Обращение создаёт модератор из открытого инцидента: страница"
        " «Инциденты», инцидент из списка, кнопка «Создать обращение»."
    ]
    assert not [box for box in app.selectbox if str(box.key).startswith("rep_pick_")]
    app.selectbox(key="rep_due").select("overdue").run()
    assert [info.value for info in app.info] == ["Обращений с такими условиями нет."]


def test_move_a_report_through_its_statuses(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    report = _reports(engine)[0]
    app = _open(open_page(signed_in("operator"), "reports"), report.id)
    assert not app.exception
    for status in (ReportStatus.SENT, ReportStatus.IN_PROGRESS, ReportStatus.ANSWERED):
        _set_status(app, status)
        assert not app.exception
        assert _stored(engine, report.id).status == status
    app.text_area(key=f"rep_answer_{report.id}").input("Трубу заменили 5 мая.").run()
    app.button(key=f"rep_save_answer_{report.id}").click().run()
    _set_status(app, ReportStatus.RESOLVED)
    app.button(key=f"rep_confirm_yes_{report.id}").click().run()
    stored = _stored(engine, report.id)
    assert (stored.status, stored.answer_text) == ("resolved", "Трубу заменили 5 мая.")
    assert stored.resolved_at is not None
    with Session(engine) as session:
        events = session.exec(
            select(AuditEvent).where(
                AuditEvent.entity_type == "report", AuditEvent.actor == "operator"
            )
        ).all()
    assert len(events) >= 5
    assert all(event.user_id is not None for event in events)
    history = texts(app)
    assert "сменил статус: «в работе» → «дан ответ»" in history
    assert "записал ответ заявителю" in history
    assert "status:" not in history and "None" not in history
    assert "закрыто" in history and "осталось" not in history  # no countdown once closed


def test_no_status_is_chosen_for_the_user_and_finals_ask_first(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    report = _reports(engine)[0]
    app = _open(open_page(signed_in("operator"), "reports"), report.id)
    assert _keyed(app.selectbox, "rep_status_").value is None
    assert _keyed(app.button, "rep_change_").disabled
    _set_status(app, ReportStatus.DUPLICATE)
    assert _stored(engine, report.id).status == ReportStatus.NEW  # nothing yet
    assert any("окончательный" in w.value for w in app.warning)
    app.button(key=f"rep_confirm_no_{report.id}").click().run()
    assert not app.warning
    assert _stored(engine, report.id).status == ReportStatus.NEW
    _set_status(app, ReportStatus.DUPLICATE)
    app.button(key=f"rep_confirm_yes_{report.id}").click().run()
    assert _stored(engine, report.id).status == ReportStatus.DUPLICATE


def test_the_answer_box_belongs_to_its_report_and_its_user(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    first, second = _reports(engine)
    app = _open(open_page(signed_in("operator"), "reports"), first.id)
    app.text_area(key=f"rep_answer_{first.id}").input("Ответ по первому обращению").run()
    app.button(key=f"rep_save_answer_{first.id}").click().run()
    app.text_area(key=f"rep_answer_{first.id}").input("Черновик, не сохранён").run()

    _open(app, second.id)
    box = app.text_area(key=f"rep_answer_{second.id}")
    assert box.value == ""
    app.button(key=f"rep_save_answer_{second.id}").click().run()
    assert "Ответ пуст" in texts(app)
    assert _stored(engine, second.id).answer_text is None
    assert _stored(engine, first.id).answer_text == "Ответ по первому обращению"

    # another user in the same tab starts from what is stored, not from the draft
    app.button(key="sign_out").click().run()
    app.text_input(key="login_username").input("admin")
    app.text_input(key="login_password").input("пароль-для-тестов")
    app.button(key="login_submit").click().run()
    _open(open_page(app, "reports"), first.id)
    assert app.text_area(key=f"rep_answer_{first.id}").value == "Ответ по первому обращению"


def test_reroute_to_another_agency_is_audited_and_told(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    with Session(engine) as session:
        session.add_all(
            [
                Agency(name="Администрация Краснокамска", agency_type="municipal_administration"),
                Agency(name="Водоканал Краснокамска", agency_type="water_utility"),
            ]
        )
        session.commit()
        water = session.exec(select(Agency).where(Agency.agency_type == "water_utility")).one()
    report = _reports(engine)[0]
    app = _open(open_page(signed_in("operator"), "reports"), report.id)
    _keyed(app.selectbox, "rep_agency_").select(water.id).run()
    _keyed(app.button, "rep_reroute_").click().run()
    assert not app.exception
    assert _stored(engine, report.id).agency_id == water.id
    assert "Водоканал Краснокамска" in texts(app)
    assert "сменил исполнителя:" in texts(app)


def test_a_stale_button_does_nothing_for_a_deactivated_user(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    report = _reports(engine)[0]
    app = _open(open_page(signed_in("operator"), "reports"), report.id)
    _keyed(app.selectbox, "rep_status_").select(ReportStatus.SENT).run()
    with Session(engine) as session:
        deactivate_user(session, username="operator", actor="admin")
    _keyed(app.button, "rep_change_").click().run()
    assert _stored(engine, report.id).status == ReportStatus.NEW
    assert app.text_input(key="login_username") is not None


def test_moderator_reads_reports_without_controls(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    report = _reports(engine)[0]
    app = _open(open_page(signed_in("moderator"), "reports"), report.id)
    assert not app.exception
    assert "новое" in "\n".join(m.value for m in app.markdown)
    assert not [b for b in app.button if str(b.key).startswith("rep_change")]
    assert "прорвало трубу" in texts(app)  # the report shows its posts


def test_picking_a_report_gives_it_an_address(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    first, _ = _reports(engine)
    app = open_page(signed_in("operator"), "reports")
    _keyed(app.selectbox, "rep_pick_").select(first.id).run()
    assert app.query_params["report"] in (str(first.id), [str(first.id)])
    assert f"Обращение №{first.id}" in "\n".join(s.value for s in app.subheader)


def test_export_honours_the_filters(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    report = _reports(engine)[0]
    app = open_page(signed_in("operator"), "reports")
    assert "новое" in set(app.dataframe[0].value["Статус"])
    assert _found(app) == "Найдено: 2. Страница 1 из 1."
    app.button(key="export_prepare").click().run()
    assert not app.exception
    name, data, count = app.session_state["export_file"]
    assert name.endswith(".csv") and count == 2
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("№,Статус,Инцидент,Заголовок")
    assert any(line.startswith(f"{report.id},новое,{report.incident_id},") for line in lines)

    app.radio(key="export_fmt").set_value("XLSX").run()  # the option as shown
    app.button(key="export_prepare").click().run()
    name, data, count = app.session_state["export_file"]
    sheet = load_workbook(BytesIO(data)).active
    assert name.endswith(".xlsx")
    assert [cell.value for cell in sheet[2]][1] == "новое"

    app.multiselect(key="rep_statuses").select("resolved").run()
    assert "Обращений с такими условиями нет." in app.info[0].value
    assert _found(app) == "Найдено: 0. Страница 1 из 1."


def test_the_sidebar_counter_links_to_overdue_reports(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    from datetime import timedelta

    from models.clock import now

    late, _ = _reports(engine)
    with Session(engine) as session:
        stored = session.get(Report, late.id)
        assert stored is not None
        stored.due_at = now() - timedelta(hours=3)
        session.add(stored)
        session.commit()
    app = log_in("operator")
    labels = [link.label for link in app.sidebar.get("page_link")]
    assert "Просрочено: 1" in labels and "Срок истекает: 0" in labels
    app.query_params["due"] = "overdue"
    open_page(app, "reports")
    assert app.selectbox(key="rep_due").value == "overdue"
    assert list(app.dataframe[0].value["№"]) == [late.id]


def test_the_soon_due_counter_and_its_list_use_sla_hours(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """An urgent report due in 7 calendar hours is soon due within OTKLIK_SLA_SOON_DUE_HOURS
    (8) SLA hours, as `sla-check` counts it; the old 4-hour window missed it."""
    from datetime import timedelta

    from models.clock import now

    urgent, _ = _reports(engine)
    with Session(engine) as session:
        stored = session.get_one(Report, urgent.id)
        stored.urgent = True
        stored.due_at = now() + timedelta(hours=7)
        session.add(stored)
        session.commit()
    app = log_in("operator")
    labels = [link.label for link in app.sidebar.get("page_link")]
    assert "Срок истекает: 1" in labels
    app.query_params["due"] = "soon"
    open_page(app, "reports")
    assert app.selectbox(key="rep_due").value == "soon"
    assert list(app.dataframe[0].value["№"]) == [urgent.id]
    assert _found(app) == "Найдено: 1. Страница 1 из 1."  # counted as the list is filtered


def test_the_next_page_starts_after_the_shown_page_s_last_report(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """Page 2 comes by the cursor page 1 left (keyset): when a report of page 1 is resolved
    meanwhile, page 2 still starts with what followed page 1 (OFFSET would skip one)."""
    soon = datetime.now(UTC) + timedelta(days=3)
    with Session(engine) as session:
        incident = Incident(title="Яма на дороге")
        session.add(incident)
        session.flush()
        reports = [  # running, due one after another (two share each deadline: id decides)
            Report(incident_id=incident.id or 0, status=ReportStatus.SENT,
                   due_at=soon + timedelta(hours=n // 2))
            for n in range(30)
        ]  # fmt: skip
        session.add_all(reports)
        session.commit()
        order = [r.id for r in sorted(reports, key=lambda r: (r.due_at, r.id))]
    app = open_page(signed_in("admin"), "reports")
    first = [int(i) for i in app.dataframe[0].value["№"]]
    assert first == order[:25]
    with Session(engine) as session:
        resolved = session.get_one(Report, first[0])
        resolved.status = ReportStatus.RESOLVED  # it moves to the end of the list
        session.add(resolved)
        session.commit()
    app.number_input(key="rep_page").set_value(2).run()
    assert not app.exception
    assert [int(i) for i in app.dataframe[0].value["№"]][:5] == order[25:30]
    assert _found(app) == "Найдено: 30. Страница 2 из 2."


def test_the_reports_closed_with_their_answer_kept_keep_to_the_territory(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    from models.geo import Municipality
    from models.post import Post
    from triage.accounts import create_user
    from triage.lifecycle import change_status
    from triage.moderation import mark_not_signal
    from triage.reports import set_answer

    first, second = (report.id or 0 for report in _reports(engine))
    with Session(engine, expire_on_commit=False) as session:
        for report_id in (first, second):
            set_answer(session, report_id=report_id, text=f"Ответ по обращению {report_id}",
                       expected_version=session.get_one(Report, report_id).version,
                       actor="operator", user_id=None)  # fmt: skip
            for status in (ReportStatus.SENT, ReportStatus.ANSWERED):
                change_status(session, report_id=report_id, status=status, actor="operator",
                              user_id=None,
                              expected_version=session.get_one(Report, report_id).version,
                              calendar=WorkCalendar())  # fmt: skip
        session.commit()
        for post_id in seeded["posts"]:  # every post no signal: both incidents empty
            post = session.get_one(Post, post_id)
            mark_not_signal(session, post_id=post_id, expected_version=post.version,
                            actor="moderator", user_id=None)  # fmt: skip
        session.commit()
        krasnokamsk = session.exec(
            select(Municipality).where(Municipality.name == "Краснокамский городской округ")
        ).one()
        create_user(session, username="krasnokamsk", password=PASSWORD, role="operator",
                    municipality_ids=[krasnokamsk.id or 0])  # fmt: skip
    assert _stored(engine, first).status == _stored(engine, second).status == "withdrawn"

    region = open_page(signed_in("operator"), "reports")
    region.radio(key="rep_list").set_value("kept").run()
    assert not region.exception
    shown = texts(region)
    assert f"Обращение №{first}:" in shown and f"Обращение №{second}:" in shown
    assert "Ответ по обращению" in shown and "модератор признал их не сигналами" in shown

    local = log_in("krasnokamsk")
    local.query_params["list"] = "kept"  # the list's own address: reports?list=kept
    local = open_page(local, "reports")
    assert local.radio(key="rep_list").value == "kept"
    assert not local.exception
    shown = texts(local)
    assert f"Обращение №{first}:" in shown and f"Обращение №{second}:" not in shown


def test_the_list_is_compact_enough_for_a_laptop(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """At 1,366 px every column fits: «Осталось» without the word the header says (minus
    past the deadline), the deadline without this year, a short municipality, the problem
    cut at a word (whole in the report's card)."""
    import re

    from models.clock import now

    late, _ = _reports(engine)
    with Session(engine) as session:
        stored = session.get(Report, late.id)
        assert stored is not None
        stored.due_at = now() - timedelta(hours=3, minutes=10)
        session.add(stored)
        incident = session.get(Incident, late.incident_id)
        assert incident is not None
        incident.title = "Краснокамск: " + " ".join(["вода заливает подвал дома"] * 6)
        session.add(incident)
        session.commit()
        title = incident.title
    app = open_page(signed_in("operator"), "reports")
    shown = app.dataframe[0].value
    row = shown[shown["№"] == late.id].iloc[0]
    assert row["Осталось"] == "−3 ч 10 мин"
    assert re.fullmatch(r"\d\d\.\d\d \d\d:\d\d", row["Срок"])
    assert row["Муниципалитет"] == "Краснокамский ГО"
    assert row["Проблема"].startswith("Краснокамск: вода") and row["Проблема"].endswith("…")
    assert len(row["Проблема"]) < len(title) / 3
    other = shown[shown["№"] != late.id].iloc[0]
    assert re.fullmatch(r"(\d+ дн )?\d+ ч( \d+ мин)?", other["Осталось"])


def test_each_administration_is_named_by_its_place_in_the_list(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """Each report sent to its own municipality's administration (the bundled agencies:
    one per municipality of the gazetteer) read «Администрация» in Исполнитель, whichever
    municipality's it was: the list names each by its place, in the column's width; the
    report's card has the whole name."""
    with Session(engine) as session:
        load_agencies(session, path=DATA_DIR / "agencies.json")
        session.commit()
    for report in _reports(engine):
        with Session(engine) as session:
            stored = session.get_one(Report, report.id)
            stored.agency_id = session.exec(select(Agency.id).where(
                Agency.agency_type == "municipal_administration",
                Agency.municipality_id == stored.municipality_id)).one()  # fmt: skip
            session.add(stored)
            session.commit()
    app = open_page(signed_in("operator"), "reports")
    shown = app.dataframe[0].value
    agencies = dict(zip(shown["Муниципалитет"], shown["Исполнитель"], strict=True))
    assert agencies == {
        "Краснокамский ГО": "Адм. Краснокамск. ГО",  # «Адм. Краснокамский ГО» is too wide
        "Чусовской ГО": "Адм. Чусовской ГО",
    }
    room = REPORT_WIDTHS["Исполнитель"] - 2 * CELL_PADDING - SLACK
    assert [name for name in agencies.values() if text_px(name) > room] == []
    krasnokamsk = shown[shown["Муниципалитет"] == "Краснокамский ГО"].iloc[0]
    _open(app, int(krasnokamsk["№"]))
    assert "Администрация: Краснокамский городской округ" in texts(app)


def _found(app: AppTest) -> str:
    """The line above the list: how many reports the filters find, and the page."""
    (line,) = [c.value for c in app.caption if c.value.startswith("Найдено:")]
    return line


def test_a_report_says_its_category_topic_and_address(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """What the agency is asked about, under the deadline: not only who and where."""
    report = _reports(engine)[0]
    with Session(engine) as session:
        incident = session.get_one(Incident, report.incident_id)
        incident.address = "ленин 5"
        session.add(incident)
        session.commit()
    app = _open(open_page(signed_in("operator"), "reports"), report.id)
    assert not app.exception
    page = texts(app).replace("**", "")
    assert "Категория: ЖКХ · Тема: Водоснабжение" in page
    assert "Адрес: ул. Ленина, д. 5" in page


def _named_in_words(engine: Engine, incident_id: int, key: str, span: str) -> None:
    """The incident's address key, and one member post's annotation naming it in `span`."""
    with Session(engine) as session:
        incident = session.get_one(Incident, incident_id)
        incident.address = key
        post_id = session.exec(
            select(IncidentPost.post_id).where(IncidentPost.incident_id == incident_id)
        ).first()
        annotation = session.exec(
            select(Annotation).where(Annotation.post_id == post_id, col(Annotation.is_current))
        ).one()
        annotation.reasons = {**annotation.reasons, "addresses": [{"key": key, "span": span}]}
        session.add_all([incident, annotation])
        session.commit()


def test_a_report_and_its_incident_write_the_address_as_the_posts_named_it(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """«Лиговский проспект 44» is a prospect: not «ул. Лиговская», guessed from the key."""
    report = _reports(engine)[0]
    _named_in_words(engine, report.incident_id, "лиговский 44", "Лиговский проспект 44")
    app = _open(open_page(signed_in("operator"), "reports"), report.id)
    assert "Адрес: пр-т Лиговский, д. 44" in texts(app).replace("**", "")
    app.query_params.clear()
    app.query_params["incident"] = str(report.incident_id)
    open_page(app, "incidents")
    assert not app.exception
    captions = [caption.value.replace("\\", "") for caption in app.caption]
    assert any("адрес: пр-т Лиговский, д. 44" in caption for caption in captions), captions
