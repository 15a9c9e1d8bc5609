"""The English strings the installed Streamlit's widgets carry, read from its frontend.

Each widget the console uses (tables and the data editor, selects, date and number fields,
the file uploader) is a bundle under streamlit/static; its texts are literals keyed by where
they show: a label, a child text, a placeholder, a tooltip (`title`) or a screen-reader
label (`aria-label`). A Streamlit upgrade that adds one adds it here too.
"""

import re
from functools import cache
from pathlib import Path

import streamlit

STATIC = Path(streamlit.__file__).parent / "static" / "static" / "js"
# The widgets the console uses: their bundles (a content hash follows the name).
BUNDLES = ("DataFrame", "Multiselect", "Selectbox", "DateInput", "NumberInput", "FileUploader")
SHOWN = re.compile(
    r'(?:label|children|placeholder|title|"aria-label"|text):`([A-Z][a-z][^`]{1,60})`'
)
# A menu item's text after its icon: [icon, `Sort ascending`].
MENU_ITEM = re.compile(r"\}\),`([A-Z][a-z][^`]{1,60})`\]")
# Placeholders a select builds from its options (in the shared utils bundle, unkeyed).
PLACEHOLDERS = re.compile(r"`((?:Choose|Add|No options)[a-z ]+)`")
# Literals of column types the console never shows (audio, video, markdown cells), and a
# chart's accessibility description inside the column statistics, never rendered as text.
NOT_SHOWN = {
    "Audio player",
    "Video player",
    "Edit markdown content",
    "Markdown content",
    "Enter markdown text...",
    "Button action menu",
}


@cache
def known_strings() -> frozenset[str]:
    """Every user-facing English literal of the console's widgets, templates as regexes'
    sources (`Save (${f}+Enter)` -> `Save (…+Enter)` written with a placeholder «…»)."""
    found: set[str] = set()
    for bundle in BUNDLES:
        for path in STATIC.glob(f"{bundle}.*.js"):
            source = path.read_text(encoding="utf-8")
            found |= set(SHOWN.findall(source)) | set(MENU_ITEM.findall(source))
    for path in STATIC.glob("utils.*.js"):
        found |= set(PLACEHOLDERS.findall(path.read_text(encoding="utf-8")))
    for path in STATIC.glob("Multiselect.*.js"):  # a select's list with nothing found
        if "`No results`" in path.read_text(encoding="utf-8"):
            found.add("No results")
    return frozenset(re.sub(r"\$\{[^}]*\}?", "…", text) for text in found - NOT_SHOWN)
