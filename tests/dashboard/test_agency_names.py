"""The reports list's «Исполнитель»: each bundled agency told from the others in the
column's width (the whole name is in the report's card)."""

import json

import pytest

from dashboard.agency_names import short_agency
from dashboard.text_width import CELL_PADDING, SLACK, text_px
from dashboard.views import REPORT_WIDTHS
from nlp.reference import load_gazetteer
from otklik.paths import DATA_DIR

COLUMN = REPORT_WIDTHS["Исполнитель"]


def bundled_agencies() -> list[str]:
    """The agencies `otklik demo` and `load-agencies` create: the listed ones and an
    administration for each municipality of the gazetteer."""
    document = json.loads((DATA_DIR / "agencies.json").read_text(encoding="utf-8"))
    places = [entry.municipality.name for entry in load_gazetteer(DATA_DIR, "57")]
    template = document["municipal_administration_name"]
    return [a["name"] for a in document["agencies"]] + [
        template.format(municipality=place) for place in places
    ]


@pytest.mark.parametrize(
    ("agency", "shown"),
    [
        ("Администрация: Чусовской городской округ", "Адм. Чусовской ГО"),
        ("Администрация: Пермский городской округ", "Адм. Пермский ГО"),
        ("Администрация: Пермский муниципальный округ", "Адм. Пермский МО"),
        ("Администрация: Краснокамский городской округ", "Адм. Краснокамск. ГО"),
        ("Администрация: Большесосновский муниципальный округ", "Адм. Большесосн. МО"),
        ("Администрация: Красновишерский городской округ", "Адм. Красновиш. ГО"),
        ("Администрация Льговского района", "Адм. Льговского р-на"),  # typed by an operator
        ("Министерство транспорта Пермского края", "Мин. транспорта"),
        ("Региональный оператор по обращению с ТКО Пермского края", "Регоператор ТКО"),
        ("Пермский филиал ПАО «Т Плюс»", "ПАО «Т Плюс»"),
        ("Пермский филиал ПАО «Ростелеком»", "ПАО «Ростелеком»"),
        ("Департамент транспорта администрации города Перми", "Деп. транспорта"),
        ("Министерство образования и науки Пермского края", "Мин. образования и…"),
        ("ООО «Водоканал»", "ООО «Водоканал»"),  # nothing to drop
    ],
)  # fmt: skip
def test_an_agency_keeps_what_tells_it_apart(agency: str, shown: str) -> None:
    assert short_agency(agency, COLUMN) == shown


def test_every_bundled_agency_differs_from_the_others_in_the_column() -> None:
    """72 agencies: five administrations all read «Администрация» in one list, both
    «Пермский филиал …» companies «Пермский филиал…»."""
    agencies = bundled_agencies()
    shown = {agency: short_agency(agency, COLUMN) for agency in agencies}
    assert len(agencies) == 72
    assert len(set(shown.values())) == len(agencies)
    room = COLUMN - 2 * CELL_PADDING - SLACK
    assert {a: s for a, s in shown.items() if text_px(s) > room} == {}
