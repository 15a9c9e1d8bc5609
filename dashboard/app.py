"""The Otklik console: `streamlit run dashboard/app.py` (or `otklik dashboard`)."""

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.util import calc_hash

from dashboard import auth, density, failure, russian_ui, sidebar, warmup
from dashboard.navigation import PAGES, PageSpec, refusal

st.set_page_config(page_title="Отклик", page_icon=":material/campaign:", layout="wide")
russian_ui.install()
density.make_dense()  # every page: this script runs before each one


def _refused(page: PageSpec, reason: str) -> st.Page:
    """`page`'s address, kept so a link to it says in Russian why it does not open."""
    return st.Page(
        lambda: st.error(reason), title=page.title, url_path=page.url_path, visibility="hidden"
    )


def _allowed(specs: list[PageSpec]) -> list[st.Page]:
    """The pages a user may open, the first one the start page. Streamlit serves its default
    page only at "/", so the first page's own address (/queue, or /incidents for an
    operator: README, bookmarks) said «Страница не найдена»; a twin of it answers there.
    A twin, not a switch from "/": that would run the page twice. The sidebar marks only a
    listed page as the current one, so the twin is listed instead of the start page when it
    is the page opened."""
    first, *others = specs
    at_own_address = _opening(first.url_path)

    def first_page(url_path: str, *, listed: bool) -> st.Page:
        return st.Page(
            first.path,
            title=first.title,
            icon=first.icon,
            url_path=url_path,
            default=url_path == "start",
            visibility="visible" if listed else "hidden",
        )

    start = first_page("start", listed=not at_own_address)
    twin = first_page(first.url_path, listed=at_own_address)
    listed = [
        st.Page(p.path, title=p.title, icon=p.icon, visibility="visible" if p.visible else "hidden")
        for p in others
    ]
    return [start, twin, *listed]  # a link to the page's file opens the first: "/"


def _opening(url_path: str) -> bool:
    """Whether this run opens the page at `url_path`: its sidebar link was clicked (its hash
    asked for) or its address loaded. What `st.navigation` will resolve, read before it is
    called: the sidebar it draws depends on it."""
    # Streamlit's run context is not a public API: read defensively, so that a Streamlit
    # without these attributes only loses the mark (tests/dashboard/test_navigation_browser).
    intent = getattr(get_script_run_ctx(), "pages_manager", None)
    script_hash = getattr(intent, "intended_page_script_hash", None)
    if script_hash:
        return bool(script_hash == calc_hash(url_path))
    return bool(getattr(intent, "intended_page_name", None) == url_path)


with failure.guarded("signing in", stop=True):  # the database gone, say
    login = auth.current_login()
# First, so a sign-in's cookie is in the browser before anything slower draws (a quick F5
# or link right after signing in keeps the login).
auth.write_cookie()
if login is None:
    warmup.start()
    # Every address answers with the login form, so a link or F5 opens its page after login.
    login_page = st.Page("screens/login.py", title="Вход", icon=":material/login:", default=True)
    hidden = [
        st.Page("screens/login.py", title="Вход", url_path=p.url_path, visibility="hidden")
        for p in PAGES
    ]
    page = st.navigation([login_page, *hidden])
else:
    # The sidebar lists only the pages this role and territory may open (the first one is
    # the start page); the others' addresses answer with the reason.
    reasons = {spec: refusal(spec, role=login.role, scope=login.scope) for spec in PAGES}
    shown = _allowed([p for p, reason in reasons.items() if reason is None])
    refused = [_refused(p, reason) for p, reason in reasons.items() if reason is not None]
    page = st.navigation([*shown, *refused])
    sidebar.show(login)
auth.show_notice()
with failure.guarded(f"page {page.url_path or '/'}"):
    page.run()
