"""What a browser draws on canvas (dataframes) cannot be read from the page's text: every
table of every page is checked here for raw codes and «None» instead."""

import re
from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from dashboard.navigation import PAGES
from models.agency import Agency
from models.incident import Incident
from models.source import Source
from tests.dashboard.conftest import open_page
from triage.calendar import WorkCalendar
from triage.reports import create_report

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
FOREIGN = re.compile(
    r"^(None|nan|NaN|road_agency|municipal_administration|telegram_export|vk_wall|new|sent"
    r"|open|reported|ok|moderator)$|Traceback"
)


# the rubricator's editor keeps codes as values and shows their names (format_func);
# «Пользователи» lists logins, and the test users are named after their roles
SHOWN_BY_NAME = {"agency_type", "category_code", "Логин"}


def test_no_table_shows_raw_codes_or_none(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        session.add(Source(kind="telegram_export", name="Выгрузка", target="/srv/result.json"))
        agency = Agency(name="Администрация Краснокамска", agency_type="municipal_administration")
        session.add(agency)
        session.commit()
        incident = session.exec(select(Incident).order_by(col(Incident.id))).first()
        assert incident is not None and incident.id is not None
        report = create_report(
            session,
            incident_id=incident.id,
            expected_version=incident.version,
            actor="moderator",
            user_id=None,
            calendar=WorkCalendar(),
            agency_id=agency.id,
        )
        session.commit()
    app = signed_in("admin")
    foreign: dict[str, set[str]] = {}
    for page in PAGES:
        if page.url_path == "reports":
            app.query_params["report"] = str(report.id)
        open_page(app, page.url_path)
        assert not app.exception, page.path
        cells = {
            str(value)
            for frame in app.dataframe
            for column in frame.value.columns
            if column not in SHOWN_BY_NAME
            for value in frame.value[column].tolist()
        }
        found = {cell for cell in cells if FOREIGN.search(cell)}
        if found:
            foreign[page.title] = found
    assert foreign == {}
