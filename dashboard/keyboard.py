"""Keys that are not a button's: «/» opens the search field and puts the cursor in it."""

import streamlit as st

SEARCH_LABEL = "Поиск по тексту"
FILTERS_LABEL = "Фильтры и поиск"

_SCRIPT = """
<script>
(() => {
  const doc = window.parent.document;
  if (doc.__otklikSearchKey) return;
  doc.__otklikSearchKey = true;
  doc.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA"
      || target.isContentEditable);
    if (typing || event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const input = doc.querySelector('input[aria-label="%(search)s"]');
    if (!input) return;
    event.preventDefault();
    const details = input.closest("details");
    if (details && !details.open) details.querySelector("summary").click();
    setTimeout(() => { input.focus(); input.select(); }, 50);
  });
})();
</script>
"""


def search_on_slash() -> None:
    """Install (once per browser tab) the «/» key that focuses the queue's search field."""
    st.html(_SCRIPT % {"search": SEARCH_LABEL}, unsafe_allow_javascript=True)
