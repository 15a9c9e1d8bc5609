"""Where each list's pages ended, so the next page starts there (keyset pagination).

A list remembers, per filters and page number, the cursor its page ended at. The next page
with the same filters starts after it; a page number typed in (no previous page seen with
those filters) falls back to OFFSET. Kept in the tab's session state.
"""

from typing import Any

import streamlit as st


def previous(list_key: str, filters: object, page: int) -> Any:
    """The cursor where page `page - 1` (zero-based) ended with these `filters`, or None."""
    if page <= 0:
        return None
    return st.session_state.get(list_key, {}).get((repr(filters), page - 1))


def remember(list_key: str, filters: object, page: int, cursor: object) -> None:
    """Page `page` with these `filters` ended at `cursor` (None: it was empty)."""
    st.session_state.setdefault(list_key, {})[(repr(filters), page)] = cursor
