"""Every English string of the installed Streamlit's widgets has its Russian in the console's
translating observer (dashboard.russian_ui)."""

import re

from dashboard.russian_ui import ATTRIBUTE_PATTERNS, PATTERNS, TRANSLATIONS
from tests.dashboard.streamlit_strings import known_strings


def _translated(text: str) -> bool:
    if text in TRANSLATIONS:
        return True
    patterns = [*PATTERNS, *ATTRIBUTE_PATTERNS]
    samples = [text.replace("…", hole) for hole in ("3", "Ctrl")]  # as the widget fills it
    return any(re.match(p, sample) for p in patterns for sample in samples)


def test_the_strings_are_read_from_the_installed_streamlit() -> None:
    known = known_strings()
    # a sample of what a moderator meets: a table's column menu and toolbar, a select's list
    assert {"Sort ascending", "Download as CSV", "No results", "Select all"} <= known, known
    assert len(known) > 60


def test_every_known_string_has_russian() -> None:
    assert sorted(text for text in known_strings() if not _translated(text)) == []
