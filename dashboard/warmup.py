"""Import what the pages need while the login form is on screen, not after «Войти».

A fresh console process imports pandas, pyarrow, the ORM and triage on the first page a
user opens — seconds on a busy machine. The first visitor's login page starts one
background thread per process that imports them; Python's import lock makes a page that
arrives early simply wait for the same imports.
"""

import importlib
import logging
import threading

import streamlit as st

log = logging.getLogger(__name__)

MODULES = (
    "pandas",
    "pyarrow",
    "altair",
    "dashboard.views",
    "dashboard.widgets",
    "dashboard.queries",
    "dashboard.queue_filters",
    "dashboard.queue_list",
    "triage.queue",
    "triage.moderation",
    "triage.incidents",
    "triage.analytics",
    "triage.rating",
    "triage.report_list",
)


def _import_all() -> None:
    for name in MODULES:
        importlib.import_module(name)
    log.info("console modules imported ahead of the first page")


@st.cache_resource(show_spinner=False)
def start() -> threading.Thread:
    """Start the imports once per process (a cached resource) and return their thread."""
    thread = threading.Thread(target=_import_all, name="otklik-warmup", daemon=True)
    thread.start()
    return thread
