"""The municipalities' rating as a table that sorts as numbers: place, score, shares and
signals per 10,000 residents are numbers, shown with a decimal comma («8,3», «62%»), and a
missing one («not enough reports», «population unknown») is «—» in the browser's grid.

«Повторно после решения» holds the share (it sorts as a number) and is written with its
counts, «2 из 9 (22%)»; «—» where nothing was resolved in the period."""

import math
from collections.abc import Callable

import pandas as pd
from pandas.io.formats.style import Styler

from dashboard.numbers import decimal
from triage.rating import MunicipalityRating

MISSING = "—"  # st.dataframe(placeholder=MISSING): the grid draws an empty cell as «None»
SHARES = ("Решено", "В срок")
REPEATED = "Повторно после решения"


def rating_frame(rows: list[MunicipalityRating]) -> pd.DataFrame:
    """Place and score only where there were enough reports to judge; per capita where the
    population is known (empty otherwise, never a made-up 0)."""
    frame = pd.DataFrame(
        [
            {
                "Место": row.rank,
                "Муниципалитет": row.name,
                "Балл": row.score if row.rated else None,
                "Обращений": row.reports,
                "Решено": row.resolved_share if row.rated else None,
                "В срок": row.on_time_share if row.rated else None,
                "Сигналов": row.signals,
                "На 10 тыс. жителей": row.signals_per_10k,
                REPEATED: row.repeated_share,
            }
            for row in rows
        ],
        columns=["Место", "Муниципалитет", "Балл", "Обращений", "Решено", "В срок",
                 "Сигналов", "На 10 тыс. жителей", REPEATED],
    )  # fmt: skip
    floats = ["Балл", *SHARES, "На 10 тыс. жителей", REPEATED]
    frame[floats] = frame[floats].astype("float64")
    return frame.astype({"Место": "Int64"})


def percent(value: float) -> str:
    """A share as the console writes it, «62%»; «—» for an empty cell (NaN)."""
    return MISSING if math.isnan(value) else f"{value:.0%}"


def rating_table(rows: list[MunicipalityRating]) -> Styler:
    """`rating_frame` with its decimals written the Russian way; show it with
    `st.dataframe(..., placeholder=MISSING)`."""
    formats = {
        "Балл": lambda value: decimal(value, 1),
        "На 10 тыс. жителей": lambda value: decimal(value, 2),
        **dict.fromkeys((*SHARES, REPEATED), percent),
    }
    styler = rating_frame(rows).style.format(formats)
    for position, row in enumerate(rows):
        if row.resolved_in_period:  # the share sorts, its counts are shown
            styler = styler.format(_shown(repeated_text(row)), subset=([position], [REPEATED]))
    return styler


def repeated_text(row: MunicipalityRating) -> str:
    """«2 из 9 (22%)»: of the reports resolved in the period, those repeated since."""
    share = row.repeated_share
    if share is None:
        return MISSING
    return f"{row.repeated} из {row.resolved_in_period} ({percent(share)})"


def _shown(text: str) -> Callable[[object], str]:
    return lambda _value: text
