"""Analytics charts in Russian: period labels, volume bars and a map that reads offline."""

import json
from datetime import date
from typing import Any
from urllib.parse import quote

import altair as alt
import pandas as pd
import pydeck as pdk

from triage.analytics import Period

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
          "сентябрь", "октябрь", "ноябрь", "декабрь")  # fmt: skip


SHORT_KINDS = (
    ("городской округ", "ГО"),
    ("муниципальный округ", "МО"),
    ("муниципальный район", "МР"),
)


LEGEND_LABEL_LIMIT = 400  # px: the longest category name («Памятники и объекты …») and more

# Twenty colours told apart at a glance (Kelly's colours of maximum contrast, without white
# and black): the default scheme has ten, so thirteen categories shared colours, and a bar's
# «Безопасность» read as «Торговля».
CATEGORY_COLOURS = (
    "#0067a5", "#f38400", "#be0032", "#008856", "#875692", "#f3c300", "#a1caf1", "#882d17",
    "#8db600", "#e68fac", "#604e97", "#c2b280", "#2b3d26", "#f99379", "#654522", "#dcd300",
    "#b3446c", "#848482", "#e25822", "#f6a600",
)  # fmt: skip
OTHER_CATEGORIES = "прочие категории"


def short_name(name: str) -> str:
    """ "Пермский муниципальный округ" -> "Пермский МО": a map label that stays unambiguous."""
    for long, short in SHORT_KINDS:
        name = name.replace(long, short)
    return name


def count_phrase(count: int, one: str, few: str, many: str) -> str:
    """ "1 муниципалитет", "3 муниципалитета", "34 муниципалитетов"."""
    tail = count % 100
    if 11 <= tail <= 14 or count % 10 in (0, 5, 6, 7, 8, 9):
        return f"{count} {many}"
    return f"{count} {one if count % 10 == 1 else few}"


def period_label(first_day: str, period: Period, *, with_year: bool = False) -> str:
    """A bucket's first day ("2025-03-03") as Russians read it: «03.03», «с 03.03», «март 2025»;
    `with_year`, a day or a week «03.03.2025», «с 03.03.2025»."""
    day = date.fromisoformat(first_day[:10])
    if period == Period.MONTH:
        return f"{MONTHS[day.month - 1]} {day.year}"
    shown = day.strftime("%d.%m.%Y" if with_year else "%d.%m")
    return f"с {shown}" if period == Period.WEEK else shown


def period_labels(keys: list[str], period: Period) -> dict[str, str]:
    """Each bucket key's label, with the year if a label would repeat: a year by day begins
    and ends on «02.12», and one label is one bar."""
    short = {key: period_label(key, period) for key in keys}
    if len(set(short.values())) == len(short):
        return short
    return {key: period_label(key, period, with_year=True) for key in keys}


def with_other_categories(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The frame with categories beyond the colours there are summed as «прочие категории»,
    and the categories by their signals, most first (the legend's and the colours' order)."""
    totals = frame.groupby("Категория")["Сигналов"].sum()
    ranked = sorted(totals.index, key=lambda name: (-totals[name], name))
    if len(ranked) <= len(CATEGORY_COLOURS):
        return frame, ranked
    kept = ranked[: len(CATEGORY_COLOURS) - 1]
    frame = frame.assign(Категория=frame["Категория"].where(frame["Категория"].isin(kept),
                                                            OTHER_CATEGORIES))  # fmt: skip
    frame = frame.groupby(["Период", "Категория"], as_index=False, sort=False)["Сигналов"].sum()
    return frame, [*kept, OTHER_CATEGORIES]


def volume_bars(frame: pd.DataFrame, *, order: list[str]) -> alt.Chart:
    """Stacked bars of signals per period and category: every period of `order` has its
    slot, in time order, one without signals empty; labels Vega has no room for are left out
    (a year by day is 365 bars), never drawn over one another. Each category has a colour of
    its own, the largest first in the legend and at the bottom of a bar."""
    frame, categories = with_other_categories(frame)
    rank = {name: position for position, name in enumerate(categories)}
    frame = frame.assign(Место=frame["Категория"].map(rank))
    colours = CATEGORY_COLOURS[: len(categories)]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "Период:N",
                sort=order,
                scale=alt.Scale(domain=order),  # the data alone has only periods with signals
                title="Период",
                axis=alt.Axis(labelOverlap=True),
            ),
            y=alt.Y("Сигналов:Q", title="Сигналов", axis=alt.Axis(format="d", tickMinStep=1)),
            # Vega cuts legend labels at 160 px («Общественный трансп…»): whole names
            color=alt.Color(
                "Категория:N",
                scale=alt.Scale(domain=categories, range=list(colours)),
                sort=categories,
                legend=alt.Legend(title="Категория", labelLimit=LEGEND_LABEL_LIMIT),
            ),
            order=alt.Order("Место:Q", sort="ascending"),
            tooltip=["Период", "Категория", "Сигналов"],
        )
    )


def offline_map(points: pd.DataFrame, *, region: list[tuple[float, float]]) -> alt.LayerChart:
    """Municipalities as circles sized by their signals, each labelled, with a size legend.
    Drawn by Vega in the browser from the data alone: no tiles, no network.

    The view is fitted to `region` (the (lat, lon) of every known municipality, padded), not
    to the circles: one territory's circle stays in its place, not stretched to a corner."""
    frame = _frame(region or _latlon(points))
    base = alt.Chart(points).project(type="mercator", fit=frame)
    circles = base.mark_circle(color="#c62828", opacity=0.55, stroke="#7f0000").encode(
        longitude="lon:Q",
        latitude="lat:Q",
        size=alt.Size(
            "Сигналов:Q",
            scale=alt.Scale(range=[60, 2000]),
            legend=alt.Legend(title="Сигналов", orient="right", format="d", tickMinStep=1),
        ),
        tooltip=["Муниципалитет", "Сигналов"],
    )
    labels = base.mark_text(align="left", dx=9, dy=-6, fontSize=11, color="#222").encode(
        longitude="lon:Q", latitude="lat:Q", text="Подпись:N"
    )
    return (circles + labels).properties(height=520)


def _latlon(points: pd.DataFrame) -> list[tuple[float, float]]:
    return list(zip(points["lat"], points["lon"], strict=True))


def _frame(places: list[tuple[float, float]], pad: float = 0.3) -> dict[str, Any]:
    """The corners of the places' box, `pad` degrees wider: a GeoJSON the projection fits."""
    lats, lons = [lat for lat, _ in places], [lon for _, lon in places]
    south, north = min(lats) - pad, max(lats) + pad
    west, east = min(lons) - pad, max(lons) + pad
    corners = [[west, south], [west, north], [east, north], [east, south]]
    return {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPoint",
            "coordinates": corners}}  # fmt: skip


SMALLEST, LARGEST = 6, 28  # a marker's radius in pixels: the fewest signals, the most
MIN_ZOOM, MAX_ZOOM = 4, 9  # the first view fits every marker, from a region to a district


def tile_map(points: pd.DataFrame, *, tile_url: str) -> pdk.Deck:
    """The same markers over raster tiles from the configured server (OTKLIK_MAP_TILE_URL)."""
    style: dict[str, Any] = {
        "version": 8,
        "sources": {"tiles": {"type": "raster", "tiles": [tile_url], "tileSize": 256}},
        "layers": [{"id": "tiles", "type": "raster", "source": "tiles"}],
    }
    records = points.assign(radius=marker_radii(points["Сигналов"])).to_dict("records")
    layers = [
        pdk.Layer(
            "ScatterplotLayer",
            data=records,
            get_position="[lon, lat]",
            get_radius="radius",
            radius_units='"pixels"',  # quoted: a literal, not an expression
            get_fill_color=[198, 40, 40, 160],
            stroked=True,
            get_line_color=[120, 20, 20, 255],
            line_width_units='"pixels"',
            get_line_width=1,
            pickable=True,
        ),
        pdk.Layer(
            "TextLayer",
            data=records,
            get_position="[lon, lat]",
            get_text="Подпись",
            get_size=14,
            get_color=[33, 33, 33, 255],
            get_pixel_offset="[radius + 4, 0]",  # right of its marker, clear of it
            get_text_anchor='"start"',
            get_alignment_baseline='"center"',
            # pydeck sends a bare string as an expression ("@@=auto": a function, and the
            # layer fails to start: "function is not iterable"); quoted, it is the literal
            # "auto": the font atlas gets every character the labels use (Cyrillic too)
            character_set='"auto"',
            font_family='"sans-serif"',
            background=True,  # a white plate keeps the label readable over any tiles
            get_background_color=[255, 255, 255, 230],
        ),
    ]
    view = pdk.data_utils.compute_view(points[["lon", "lat"]], view_proportion=1)
    view.zoom = min(max(view.zoom, MIN_ZOOM), MAX_ZOOM)  # one town alone: not street level
    return pdk.Deck(
        layers=layers,
        initial_view_state=view,
        map_provider="mapbox",  # MapLibre in the browser; no Mapbox token is used
        # Streamlit's chart takes a style only as a URL: the style document goes as a data:
        # URL (no server of ours to fetch it from, and no ':' '//' left unescaped in it)
        map_style=style_url(style),
        tooltip={"text": "{Муниципалитет}: {Сигналов}"},
    )


def marker_radii(signals: pd.Series) -> pd.Series:
    """Pixel radii: the busiest municipality's marker largest, its area growing with the
    signals (a square root), and never smaller than a dot one can point at."""
    share = (signals / max(int(signals.max()), 1)).clip(lower=0) ** 0.5
    return SMALLEST + (LARGEST - SMALLEST) * share


def style_url(style: dict[str, Any]) -> str:
    """A MapLibre style document as a data: URL."""
    return "data:application/json;charset=utf-8," + quote(json.dumps(style), safe="")


ROW_PX = 24  # a bar and its municipality's name: the 11-px label with room above and below


def municipality_bars(places: pd.DataFrame) -> alt.Chart:
    """Horizontal bars, the busiest municipality on top."""
    order = list(places.sort_values("Сигналов", ascending=False)["Муниципалитет"])
    return (
        alt.Chart(places)
        .mark_bar(color="#c62828")
        .encode(
            x=alt.X("Сигналов:Q", title="Сигналов", axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y(
                "Муниципалитет:N",
                sort=order,
                title=None,
                axis=alt.Axis(labelLimit=320, labelOverlap=False),
            ),
            tooltip=["Муниципалитет", "Сигналов"],
        )
        # a row per municipality, ROW_PX each: a total height was shared with the axis
        # (Streamlit fits the whole chart into it), and the names overlapped
        .properties(height=alt.Step(ROW_PX))
    )
