"""Bring an item opened from elsewhere into view.

Инциденты and Обращения draw their list above the item they open, and at 1,366×768 the
item began below the fold: a moderator who followed «инцидент №26» from the queue, made a
report or merged incidents landed on a list they had not asked for. `into_view` scrolls the
page to the item once, when it is first drawn. A rerun of the same item (a button on it)
leaves the moderator's own scrolling alone, since the browser keeps the drawn mark and does
not run its script again; an item ticked in the list is not scrolled to, so the next row
stays a click away.
"""

import re

import streamlit as st

# The page keeps growing after the mark is drawn (the list's grid takes its height a moment
# later), so the mark is brought to the top until it has stayed there for half a second, for
# at most four seconds, and never again once the moderator scrolls, clicks or types.
_SCRIPT = """<div id="%(anchor)s"></div>
<script>
(() => {
  const doc = window.parent.document;
  const mark = doc.getElementById("%(anchor)s");
  if (!mark) return;
  let still = 0, tries = 0, stopped = false;
  for (const kind of ["wheel", "touchstart", "keydown", "mousedown"]) {
    doc.addEventListener(kind, () => { stopped = true; }, {once: true, capture: true});
  }
  const step = () => {
    if (stopped || !mark.isConnected || ++tries > 40) return;
    if (Math.abs(mark.getBoundingClientRect().top) > 2) {
      mark.scrollIntoView({block: "start"});
      still = 0;
    } else {
      still += 1;
    }
    if (still < 5) setTimeout(step, 100);
  };
  step();
})();
</script>"""


def into_view(name: str) -> None:
    """Scroll the page so that this point, just above the opened item, is at the top."""
    anchor = "otklik-open-" + re.sub(r"[^a-z0-9-]", "-", name.lower())
    st.html(_SCRIPT % {"anchor": anchor}, unsafe_allow_javascript=True)
