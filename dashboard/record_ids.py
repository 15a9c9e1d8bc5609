"""Row ids carried in a page's address (`?incident=N`, `?report=N`, `/post?id=N`)."""

import streamlit as st

MAX_DIGITS = 18  # a 64-bit column holds any 18-digit number; the driver refuses longer ones


def as_record_id(text: str) -> int | None:
    """`text` as a row id, or None: digits only, and few enough for the database (a longer
    number typed into the address would stop the page with a driver error)."""
    text = text.strip()
    return int(text) if text.isdigit() and len(text) <= MAX_DIGITS else None


def record_id(param: str) -> int | None:
    """The page address's `?param=N`, or None when it is absent or no row id."""
    return as_record_id(str(st.query_params.get(param, "")))
