"""A dense console: moderators work on 1,366×768 laptops all day, and Streamlit's defaults
(a 6rem empty band above every page, a 2.75rem h1, 5rem at each side) left the queue twelve
list rows, put its decision buttons at the screen's bottom edge and cut its list's texts."""

import streamlit as st

# 2rem above the content: Streamlit's header (transparent, 3.75rem, it holds the sidebar's
# expand control on the left and the «running» spinner on the right) still overlaps the
# title's top margin only, where there is nothing to click. The h1 keeps Streamlit's
# weight; 1.7rem still reads as the page's title beside 1rem body text. 1.5rem at each side
# instead of 5rem: at 1,366 px the page's tables and the queue's list gain 112 px. A section's
# or an item's heading (h2, and h3 = `st.subheader`: an incident's or a report's title,
# Аналитика's sections) stays below the page's title: Streamlit's 1.75rem h3 was larger
# than the 1.7rem h1, and an incident's title took two lines at 1,366 px.
# The queue's current post: a news item or a long complaint (a real crawl's run to 1,500
# characters and more) pushed the decision buttons under a 768-px screen's edge; its text
# now scrolls inside the card past `SCROLLED_TEXT_HEIGHT` (about seven lines: the start
# of a post, where what happened and where is usually said, stays in view).
SCROLLED_TEXT_KEY = "q_post_text"
SCROLLED_TEXT_HEIGHT = "12rem"
DENSE_CSS = """<style>
[data-testid=stMainBlockContainer] {padding: 2rem 1.5rem;}
[data-testid=stMainBlockContainer] h1 {font-size: 1.7rem; padding: 0.25rem 0 0.5rem;}
[data-testid=stMainBlockContainer] h2 {font-size: 1.4rem;}
[data-testid=stMainBlockContainer] h3 {font-size: 1.25rem;}
.st-key-%(key)s {max-height: %(height)s; overflow-y: auto; scrollbar-gutter: stable;}
</style>"""


def make_dense() -> None:
    """Tighten the main area of whatever page this run draws (call it from the entry script,
    which runs before every page, the login form included)."""
    st.html(DENSE_CSS % {"key": SCROLLED_TEXT_KEY, "height": SCROLLED_TEXT_HEIGHT})
