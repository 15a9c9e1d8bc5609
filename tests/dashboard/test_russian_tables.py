"""What a browser draws on canvas (dataframes) cannot be read from the page's text: every
table of every page is checked here for raw codes and «None» instead."""

import re
from collections.abc import Callable

import pandas as pd
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Dataframe

from dashboard.navigation import PAGES
from models.agency import Agency
from models.incident import Incident
from models.learning import ModelStatus, ModelVersion
from models.source import Source
from tests.dashboard.conftest import open_page
from triage.calendar import WorkCalendar
from triage.reports import create_report

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
FOREIGN = re.compile(
    r"^(None|nan|NaN|road_agency|municipal_administration|telegram_export|vk_wall|new|sent"
    r"|open|reported|ok|moderator)$|Traceback"
)


def _drawn(frame: Dataframe, value: object) -> str:
    """A cell as the grid draws it: an empty one as the table's placeholder, else «None»."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return frame.proto.placeholder if frame.proto.HasField("placeholder") else "None"
    return str(value)


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
            _drawn(frame, value)
            for frame in app.dataframe
            for column in frame.value.columns
            if column not in SHOWN_BY_NAME
            for value in frame.value[column].tolist()
        }
        found = {cell for cell in cells if FOREIGN.search(cell)}
        if found:
            foreign[page.title] = found
    assert foreign == {}


# a decimal point in text the grid draws as it is («0.45», «Покрытие при 0.97»); a date
# («02.12 15:42», «20.11.2025») is not one
DOTTED = re.compile(r"^[<−-]?\d+\.\d+$|при \d+\.\d")


def _dotted(frame: Dataframe) -> set[str]:
    """The columns of `frame` the grid draws with a decimal point: a number column with
    fractions and no comma from a pandas Styler (`views.with_decimals`), or text that is."""
    data = frame.value
    display = frame.proto.arrow_data.styler.display_values
    shown = dataframe_util.convert_arrow_bytes_to_pandas_df(display) if display else None
    found = {str(name) for name in data.columns if DOTTED.search(str(name))}
    for name in data.columns:
        column = data[name].dropna()
        if pd.api.types.is_float_dtype(column) and not column.map(float.is_integer).all():
            cells = column if shown is None else shown[name]
        elif pd.api.types.is_string_dtype(column) or column.dtype == object:
            cells = column
        else:
            continue
        if any(DOTTED.search(str(cell)) for cell in cells):
            found.add(str(name))
    return found


def test_no_table_shows_a_decimal_point(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """Russian writes «0,45»: the incidents' priority and a model's metrics too."""
    figures = {"n": 20, "accuracy": 0.8123, "macro_f1": 0.7, "coverage": {"0.97": 0.4}}
    with Session(engine) as session:
        incident = session.exec(select(Incident).order_by(col(Incident.id))).first()
        assert incident is not None
        incident.priority = 2.4567
        session.add(incident)
        session.add(
            ModelVersion(name="v1", path="/nowhere/v1", status=ModelStatus.CURRENT,
                         metrics={"candidate": {"topic": figures}, "heldout": 20})
        )  # fmt: skip
        session.commit()
    app = signed_in("admin")
    dotted: dict[str, set[str]] = {}
    tables = 0
    for page in PAGES:
        open_page(app, page.url_path)
        assert not app.exception, page.path
        tables += len(app.dataframe)
        for frame in app.dataframe:
            if found := _dotted(frame):
                dotted.setdefault(page.title, set()).update(found)
    assert tables >= 5 and dotted == {}
