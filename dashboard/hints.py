"""Streamlit's own hints speak English; the pages that show them hide them."""

import streamlit as st

ENGLISH_HINTS_CSS = (
    "<style>[data-testid=stElementToolbar], [data-testid=InputInstructions]"
    " {display: none;}</style>"
)


def hide_english_hints() -> None:
    """Hide a table's hover toolbar («Download as CSV», «Search») and a field's «Press Enter
    to apply» on the current page (the style goes with the page)."""
    st.html(ENGLISH_HINTS_CSS)
