"""A page that fails says so in Russian and logs why: no English error box, no traceback.

Streamlit answers an exception a page did not catch with its own box in English ("This
app has encountered an error…", with links to search engines). `guarded` wraps a whole
page run (`dashboard/app.py`) and the queue's fragment, which Streamlit reruns alone.
`st.stop()` and `st.rerun()` are not errors (they are `BaseException`s) and pass through.
What no guard catches (a widget's callback) still gets Streamlit's box: `dashboard.russian_ui`
words it in Russian and hides its links.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

log = logging.getLogger(__name__)
MESSAGE = (
    "Страница не показана целиком из-за внутренней ошибки. Обновите страницу; если ошибка "
    "повторится, сообщите администратору. Подробности записаны в журнал консоли."
)


@contextmanager
def guarded(what: str, *, message: str = MESSAGE, stop: bool = False) -> Iterator[None]:
    """Run the block; on a failure log it with its traceback (`what` names the block in the
    log), show `message` where the block was drawing and, with `stop`, end the run there.
    Usable as a decorator."""
    try:
        yield
    except Exception:
        log.exception("console failure in %s", what)
        st.error(message, icon=":material/error:")
        if stop:
            st.stop()
