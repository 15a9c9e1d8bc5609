"""The tile map's deck as the browser receives it: literal settings stay literal.

pydeck sends a bare string as an expression («@@=…», evaluated per row); a setting such as
the label layer's character set then arrives as a function and the layer fails to start
(no label is drawn: the cause of unlabelled markers over tiles).
"""

import json

import pandas as pd

from dashboard.charts import LARGEST, SMALLEST, marker_radii, tile_map


def _deck() -> dict:
    points = pd.DataFrame(
        {
            "lat": [58.08, 58.29],
            "lon": [55.75, 57.81],
            "Муниципалитет": ["Краснокамский городской округ", "Чусовской городской округ"],
            "Сигналов": [4, 1],
            "Подпись": ["Краснокамский ГО: 4", "Чусовской ГО: 1"],
        }
    )
    return json.loads(tile_map(points, tile_url="http://tiles.test/{z}/{x}/{y}.png").to_json())


def test_literal_settings_are_not_sent_as_expressions() -> None:
    markers, labels = _deck()["layers"]
    assert labels["characterSet"] == "auto"  # every character the labels use, Cyrillic too
    assert labels["fontFamily"] == "sans-serif"
    assert labels["getTextAnchor"] == "start" and labels["getAlignmentBaseline"] == "center"
    assert labels["getText"] == "@@=Подпись"  # an accessor stays one
    assert markers["radiusUnits"] == "pixels" and markers["lineWidthUnits"] == "pixels"


def test_markers_grow_with_signals_within_bounds() -> None:
    radii = list(marker_radii(pd.Series([0, 1, 4, 16])))
    assert radii == sorted(radii) and radii[0] == SMALLEST and radii[-1] == LARGEST
    assert radii[2] - SMALLEST == (LARGEST - SMALLEST) / 2  # area grows with the count


def test_the_first_view_fits_the_markers() -> None:
    view = _deck()["initialViewState"]
    assert 55.75 < view["longitude"] < 57.81 and 4 <= view["zoom"] <= 9
