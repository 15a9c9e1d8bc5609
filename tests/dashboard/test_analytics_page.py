"""Аналитика: the figures on the page are the database's, ranks and scores only where earned."""

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from dashboard import charts
from dashboard.rating_table import REPEATED, rating_frame, rating_table
from models.annotation import Annotation
from models.clock import frozen_at, now
from models.geo import Municipality
from models.incident import Incident
from models.post import Post
from models.report import Report, ReportStatus
from otklik.settings import get_settings
from tests.dashboard.conftest import PASSWORD, log_in, open_page, texts
from triage.accounts import create_user
from triage.analytics import Period
from triage.rating import MunicipalityRating

NUMBER_COLUMNS = ("Место", "Балл", "Решено", "В срок", "На 10 тыс. жителей", REPEATED)
POPULATION = {"Краснокамский городской округ": 50_000, "Чусовской городской округ": None}


def _places(engine: Engine) -> None:
    with Session(engine) as session:
        for place in session.exec(select(Municipality)):
            place.latitude, place.longitude = 58.08, 55.75
            place.population = POPULATION[place.name]
            session.add(place)
        session.commit()


def _charted_places(app: AppTest) -> set[str]:
    """The municipalities in the data of the page's charts (the bars and the map)."""
    places: set[str] = set()
    for chart in app.get("vega_lite_chart"):
        for dataset in chart.proto.datasets:  # type: ignore[attr-defined]
            frame = pyarrow.ipc.open_stream(dataset.data.data).read_pandas()
            if "Муниципалитет" in frame:
                places |= set(frame["Муниципалитет"])
    return places


def test_analytics_shows_volumes_topics_rating_and_an_offline_map(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    _places(engine)
    app = open_page(signed_in("operator"), "analytics")
    assert not app.exception
    topics = app.dataframe[0].value
    assert dict(zip(topics["Тема"], topics["Сигналов"], strict=True)) == {
        "Водоснабжение": 2,
        "Электроснабжение": 1,
    }
    assert app.metric[0].value == "0"
    rating = app.dataframe[1].value.set_index("Муниципалитет")
    assert set(rating.index) == set(POPULATION)
    # no reports: listed with their signals, but neither ranked nor scored
    assert rating["Место"].isna().all() and rating["Балл"].isna().all()
    assert rating.loc["Краснокамский городской округ", "Сигналов"] == 2
    # numbers, so a click on the header sorts them as numbers; shown as «0,40» and «—»
    assert rating.loc["Краснокамский городской округ", "На 10 тыс. жителей"] == 0.4
    assert pd.isna(rating.loc["Чусовской городской округ", "На 10 тыс. жителей"])
    assert all(pd.api.types.is_numeric_dtype(rating[name]) for name in NUMBER_COLUMNS)
    assert app.dataframe[1].proto.placeholder == "—"  # an empty cell, not «None»
    assert "места не присвоены" in texts(app)
    assert "Период: с " in texts(app)
    assert not app.get("deck_gl_json_chart")  # no tile server: nothing fetched
    charts_drawn = [c.proto.spec for c in app.get("vega_lite_chart")]
    assert len(charts_drawn) == 3  # categories, municipalities, the map
    the_map = json.loads(charts_drawn[-1])
    assert "mercator" in json.dumps(the_map)
    assert the_map["layer"][0]["encoding"]["size"]["legend"]["title"] == "Сигналов"
    assert the_map["layer"][0]["encoding"]["size"]["legend"]["format"] == "d"  # whole signals
    assert the_map["layer"][1]["encoding"]["text"]["field"] == "Подпись"
    assert _charted_places(app) == set(POPULATION)  # a regional user sees every territory


def test_a_configured_tile_server_is_the_map_s_base(
    signed_in: Callable[[str], AppTest],
    seeded: dict[str, list[int]],
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _places(engine)
    monkeypatch.setenv("OTKLIK_MAP_TILE_URL", "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png")
    get_settings.cache_clear()
    app = open_page(signed_in("operator"), "analytics")
    assert not app.exception
    [deck] = app.get("deck_gl_json_chart")
    spec = json.loads(deck.proto.json)
    # a style document as a data: URL (Streamlit's chart takes a style only as a URL)
    prefix, _, encoded = spec["mapStyle"].partition(",")
    assert prefix == "data:application/json;charset=utf-8"
    style = json.loads(unquote(encoded))
    assert style["sources"]["tiles"]["tiles"] == ["http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"]
    labels = [layer for layer in spec["layers"] if layer["@@type"] == "TextLayer"]
    assert labels and {row["Подпись"] for row in labels[0]["data"]} == {
        "Краснокамский ГО: 2",
        "Чусовской ГО: 1",
    }


def _category_chart(app: AppTest) -> tuple[dict[str, Any], pd.DataFrame]:
    """«Сигналы по категориям»: its spec and its data."""
    chart = app.get("vega_lite_chart")[0]
    [dataset] = chart.proto.datasets  # type: ignore[attr-defined]
    frame = pyarrow.ipc.open_stream(dataset.data.data).read_pandas()
    return json.loads(chart.proto.spec), frame  # type: ignore[attr-defined]


def _days(first: date, last: date, pattern: str = "%d.%m") -> list[str]:
    return [(first + timedelta(days=n)).strftime(pattern) for n in range((last - first).days + 1)]


def test_a_day_without_signals_keeps_its_empty_slot_on_the_chart(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """Chusovoy's signal five days ago, the others today: the three days between are on the
    axis with no bar (the axis held only the days with signals), and so is every other day
    of the 30, oldest first, whose caption runs from the first to the last."""
    with Session(engine) as session:
        post = session.get_one(Post, seeded["posts"][2])
        post.published_at = now() - timedelta(days=5)
        session.add(post)
        session.commit()
    app = open_page(signed_in("operator"), "analytics")
    assert not app.exception
    spec, frame = _category_chart(app)
    axis = spec["encoding"]["x"]
    today = now().astimezone(ZoneInfo(get_settings().timezone)).date()  # the region's day
    quiet = (today - timedelta(days=3)).strftime("%d.%m")
    assert quiet not in set(frame["Период"])
    assert axis["sort"] == _days(today - timedelta(days=30), today)
    assert axis.get("scale", {}).get("domain") == axis["sort"]  # a slot even without data
    assert set(frame["Период"]) <= set(axis["sort"])
    assert axis["axis"]["labelOverlap"] is True  # 365 labels thinned, not drawn over each other
    # a year by day: 366 days, begun and ended on the same date, so each with its year
    app.selectbox(key="an_days").set_value(365).run()
    spec, frame = _category_chart(app)
    first = today - timedelta(days=365)
    assert spec["encoding"]["x"]["scale"]["domain"] == _days(first, today, "%d.%m.%Y")
    assert set(frame["Период"]) <= set(spec["encoding"]["x"]["sort"])
    # by week: every Monday from the span's first week to this one
    app.selectbox(key="an_period").set_value(Period.WEEK).run()
    spec, frame = _category_chart(app)
    monday = first - timedelta(days=first.weekday())
    weeks = [f"с {day}" for day in _days(monday, today)[::7]]
    if len(set(weeks)) < len(weeks):  # 53 weeks can begin and end on one date: with the year
        weeks = [f"с {day}" for day in _days(monday, today, "%d.%m.%Y")[::7]]
    assert spec["encoding"]["x"]["scale"]["domain"] == weeks
    assert set(frame["Период"]) <= set(weeks)


def test_the_chart_s_days_are_the_region_s(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """At 03:00 on 5 March in Yekaterinburg (22:00 UTC on the 4th), a post of 02:30 local is
    on 5 March's bar, the caption's last day is the axis's, and by week a post of Sunday
    evening UTC, Monday local, starts its week; UTC's days would give «04.03» for both."""
    with Session(engine) as session:
        first, second = (session.get_one(Post, i) for i in seeded["posts"][:2])
        first.published_at = datetime(2026, 3, 4, 21, 30, tzinfo=UTC)
        second.published_at = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)  # Monday 2 March, 01:00
        session.add_all([first, second])
        session.commit()
    with frozen_at(datetime(2026, 3, 4, 22, 0, tzinfo=UTC)):
        app = open_page(signed_in("operator"), "analytics")
        assert not app.exception
        app.selectbox(key="an_days").set_value(7).run()
        assert "по 05.03.2026" in texts(app)
        spec, frame = _category_chart(app)
        assert spec["encoding"]["x"]["sort"] == _days(date(2026, 2, 26), date(2026, 3, 5))
        assert set(frame["Период"]) == {"02.03", "05.03"}
        app.selectbox(key="an_period").set_value(Period.WEEK).run()
        spec, frame = _category_chart(app)
        assert spec["encoding"]["x"]["sort"] == ["с 23.02", "с 02.03"]
        assert set(frame["Период"]) == {"с 02.03"}


def _repeated_pipe(engine: Engine) -> None:
    """Krasnokamsk: two reports resolved five days ago, one of whose problem came back at
    the same house two days ago (a new incident grouping's 72 hours did not join)."""
    at = now()
    with Session(engine) as session:
        town = session.exec(
            select(Municipality).where(Municipality.name == "Краснокамский городской округ")
        ).one()
        for address, again in (("шоссейная 4", True), ("садовая 11", False)):
            first = Incident(title="Течёт труба", municipality_id=town.id, address=address,
                             category_code="zhkh", topic_code="zhkh.water", post_count=1,
                             first_post_at=at - timedelta(days=9),
                             last_post_at=at - timedelta(days=9))  # fmt: skip
            session.add(first)
            session.flush()
            session.add(Report(incident_id=first.id or 0, municipality_id=town.id,
                               status=ReportStatus.RESOLVED, created_at=at - timedelta(days=8),
                               resolved_at=at - timedelta(days=5)))  # fmt: skip
            if again:
                session.add(Incident(title="Снова течёт", municipality_id=town.id,
                                     address=address, category_code="zhkh",
                                     topic_code="zhkh.water", post_count=1,
                                     first_post_at=at - timedelta(days=2),
                                     last_post_at=at - timedelta(days=2)))  # fmt: skip
        session.commit()


def test_the_rating_shows_reports_repeated_after_their_resolution(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    _repeated_pipe(engine)
    app = open_page(signed_in("operator"), "analytics")
    assert not app.exception
    table = app.dataframe[1]
    rating = table.value.set_index("Муниципалитет")
    assert rating.loc["Краснокамский городской округ", REPEATED] == 0.5  # sorts as a number
    assert pd.isna(rating.loc["Чусовской городской округ", REPEATED])
    shown = pyarrow.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_pandas()
    assert "1 из 2 (50%)" in set(shown[REPEATED])
    assert "Повторно после решения" in texts(app)


def test_an_empty_period_is_explained(
    signed_in: Callable[[str], AppTest], console_users: dict[str, str]
) -> None:
    app = open_page(signed_in("operator"), "analytics")
    assert not app.exception
    shown = texts(app)
    assert "сигналов нет" in shown and "Выберите период длиннее" in shown
    assert "нет ни обращений, ни сигналов" in shown


def _rating(rank: int | None, reports: int) -> MunicipalityRating:
    return MunicipalityRating(
        municipality_id=1, name="Березниковский городской округ", reports=reports, resolved=3,
        on_time=2, score=62.5, resolved_share=0.6, on_time_share=0.4, signals=9,
        signals_per_10k=None, rated=rank is not None, rank=rank,
    )  # fmt: skip


def test_the_rating_table_shows_a_score_only_with_a_place() -> None:
    frame = rating_frame([_rating(1, 5), _rating(None, 2)])
    assert list(frame["Место"].astype(object).fillna(0)) == [1, 0]
    assert frame["Балл"].iloc[0] == 62.5 and frame["Балл"].isna().iloc[1]
    assert frame["Решено"].iloc[0] == 0.6 and frame[["Решено", "В срок"]].iloc[1].isna().all()


def test_the_rating_table_writes_decimal_commas_and_sorts_as_numbers() -> None:
    """«8,3» after «62,5» when the column was text; a number column keeps its order."""
    rows = [replace(_rating(1, 5), score=62.5), replace(_rating(2, 5), score=8.3)]
    table = rating_table(rows)
    assert all(pd.api.types.is_numeric_dtype(table.data[name]) for name in NUMBER_COLUMNS)
    assert list(table.data.sort_values("Балл")["Балл"]) == [8.3, 62.5]
    shown = table.to_string(delimiter="|")
    assert "|62,5|" in shown and "|8,3|" in shown and "|60%|" in shown and "|—" in shown
    assert "nan" not in shown.lower() and "None" not in shown


def test_the_rating_table_writes_repeats_with_their_counts() -> None:
    rows = [replace(_rating(1, 12), resolved_in_period=9, repeated=2), _rating(2, 5)]
    table = rating_table(rows)
    assert list(table.data[REPEATED].isna()) == [False, True]
    assert table.data[REPEATED].iloc[0] == pytest.approx(2 / 9)
    shown = table.to_string(delimiter="|")
    assert "|2 из 9 (22%)" in shown and "nan" not in shown.lower()


@pytest.mark.parametrize(
    ("first_day", "period", "label"),
    [
        ("2026-03-03", Period.DAY, "03.03"),
        ("2026-03-02", Period.WEEK, "с 02.03"),
        ("2026-03-01", Period.MONTH, "март 2026"),
        ("2026-12-01", Period.MONTH, "декабрь 2026"),
    ],
)
def test_periods_read_in_russian(first_day: str, period: Period, label: str) -> None:
    assert charts.period_label(first_day, period) == label


def test_a_label_that_would_repeat_gets_its_year() -> None:
    """A year by day begins and ends on «02.12»: two days, two labels, two bars."""
    assert charts.period_labels(["2026-11-30", "2026-12-01"], Period.DAY) == {
        "2026-11-30": "30.11",
        "2026-12-01": "01.12",
    }
    assert list(charts.period_labels(["2025-12-02", "2026-06-01", "2026-12-02"], Period.DAY)
                .values()) == ["02.12.2025", "01.06.2026", "02.12.2026"]  # fmt: skip
    weeks = charts.period_labels(["2025-12-01", "2026-11-30"], Period.WEEK)
    assert list(weeks.values()) == ["с 01.12", "с 30.11"]


@pytest.mark.parametrize(
    ("count", "phrase"),
    [(1, "1 округ"), (3, "3 округа"), (11, "11 округов"), (21, "21 округ"), (34, "34 округа"),
     (35, "35 округов")],
)  # fmt: skip
def test_counts_agree_in_russian(count: int, phrase: str) -> None:
    assert charts.count_phrase(count, "округ", "округа", "округов") == phrase


def test_a_municipal_user_s_analytics_cover_only_their_territory(
    seeded: dict[str, list[int]], engine: Engine
) -> None:
    with Session(engine) as session:
        krasnokamsk = session.exec(
            select(Municipality).where(Municipality.name == "Краснокамский городской округ")
        ).one()
        create_user(
            session,
            username="krasnokamsk",
            password=PASSWORD,
            role="operator",
            municipality_ids=[krasnokamsk.id or 0],
        )
    app = open_page(log_in("krasnokamsk"), "analytics")
    assert not app.exception
    assert "Данные только по вашей территории: Краснокамский городской округ." in texts(app)
    topics = app.dataframe[0].value
    assert dict(zip(topics["Тема"], topics["Сигналов"], strict=True)) == {"Водоснабжение": 2}
    rating = app.dataframe[1].value
    assert list(rating["Муниципалитет"]) == ["Краснокамский городской округ"]
    assert app.metric[4].value == "2"  # residents' signals, Chusovoy's one not counted
    # the charts, the map included, draw the territory's figures only
    _places(engine)
    app.run()
    assert _charted_places(app) == {"Краснокамский городской округ"}


def test_one_territory_s_map_is_framed_by_the_whole_region() -> None:
    """A municipal user's single circle sits in its place inside the region's box (padded),
    not stretched into a corner of a view fitted to that one point."""
    import pandas as pd

    point = pd.DataFrame(
        {"lat": [58.08], "lon": [55.75], "Сигналов": [2], "Муниципалитет": ["Краснокамский"],
         "Подпись": ["Краснокамский: 2"]}
    )  # fmt: skip
    region = [(58.08, 55.75), (58.92, 57.59), (57.43, 56.94)]
    spec = charts.offline_map(point, region=region).to_dict()
    corners = spec["layer"][0]["projection"]["fit"]["geometry"]["coordinates"]
    lons, lats = {lon for lon, _ in corners}, {lat for _, lat in corners}
    assert (min(lons), max(lons)) == pytest.approx((55.45, 57.89))
    assert (min(lats), max(lats)) == pytest.approx((57.13, 59.22))
    alone = charts.offline_map(point, region=[]).to_dict()  # no region: the point, padded
    corners = alone["layer"][0]["projection"]["fit"]["geometry"]["coordinates"]
    assert sorted({lon for lon, _ in corners}) == pytest.approx([55.45, 56.05])


def _category_frame(count: int) -> pd.DataFrame:
    """Two days of signals in `count` categories, category k with k + 1 signals a day."""
    rows = [(day, f"категория {k:02d}", k + 1) for day in ("01.12", "02.12") for k in range(count)]
    return pd.DataFrame(rows, columns=["Период", "Категория", "Сигналов"])


def test_thirteen_categories_have_thirteen_colours_the_largest_first() -> None:
    spec = charts.volume_bars(_category_frame(13), order=["01.12", "02.12"]).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert len(scale["domain"]) == len(set(scale["range"])) == 13
    assert scale["domain"][0] == "категория 12"  # 26 signals: first in the legend


def test_categories_beyond_the_colours_are_summed_as_others() -> None:
    frame = _category_frame(25)
    chart = charts.volume_bars(frame, order=["01.12", "02.12"])
    scale = chart.to_dict()["encoding"]["color"]["scale"]
    assert len(scale["domain"]) == len(set(scale["range"])) == len(charts.CATEGORY_COLOURS)
    assert scale["domain"][-1] == charts.OTHER_CATEGORIES
    drawn = chart.data
    assert drawn["Сигналов"].sum() == frame["Сигналов"].sum()  # nothing lost
    others = drawn[drawn["Категория"] == charts.OTHER_CATEGORIES]
    assert list(others["Сигналов"]) == [1 + 2 + 3 + 4 + 5 + 6] * 2  # the six smallest, each day


def _placeless(engine: Engine, post_ids: list[int]) -> None:
    """The posts' current annotations without a municipality (none named in the text)."""
    with Session(engine) as session:
        for post_id in post_ids:
            annotation = session.exec(
                select(Annotation).where(Annotation.post_id == post_id, col(Annotation.is_current))
            ).one()
            annotation.municipality_id = None
            session.add(annotation)
        session.commit()


def test_signals_with_no_municipality_are_counted_beside_the_municipalities_chart(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """Signals naming no place of the region are on no bar and no circle: the page says how
    many there are, or a day's crawl of such posts reads as a quiet day."""
    _placeless(engine, seeded["posts"][:2])
    app = open_page(signed_in("operator"), "analytics")
    assert not app.exception
    assert "Ещё 2 сигнала без муниципалитета: их нет ни на графике, ни на карте." in texts(app)
    _placeless(engine, seeded["posts"][2:])
    shown = texts(app.run())
    assert "Сигналов с муниципалитетом за период нет." in shown
    assert "Ещё 3 сигнала без муниципалитета" in shown


def test_the_municipalities_left_out_of_the_rating_agree_with_their_count(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """«Не показан ещё 1 муниципалитет» (it read «Не показаны ещё 1 муниципалитет»); two
    or more stay «Не показаны»."""
    _placeless(engine, seeded["posts"][:2])  # Краснокамский ГО: no signal left, no report
    app = open_page(signed_in("operator"), "analytics")
    assert "Не показан ещё 1 муниципалитет без обращений и сигналов за период." in texts(app)
