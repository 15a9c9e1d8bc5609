"""Numbers as Russians write them: a decimal comma, «0,45», and thousands apart, «1 500».
Every decimal the console shows goes through `decimal` (tables too: `views.with_decimals`)."""

import math


def decimal(value: float | None, digits: int) -> str:
    """`value` with `digits` decimals and a comma: "0,45"; "—" when there is none (None, or
    a table's empty cell, NaN)."""
    if value is None or math.isnan(value):
        return "—"
    return f"{value:.{digits}f}".replace(".", ",")


def grouped(number: int) -> str:
    """1500 -> «1 500»."""
    return f"{number:,}".replace(",", " ")
