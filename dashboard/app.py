"""The Otklik console: `streamlit run dashboard/app.py` (or `otklik dashboard`)."""

import streamlit as st

from dashboard import auth, russian_ui, sidebar, warmup
from dashboard.navigation import PAGES, PageSpec, refusal

st.set_page_config(page_title="Отклик", page_icon=":material/campaign:", layout="wide")
russian_ui.install()


def _refused(page: PageSpec, reason: str) -> st.Page:
    """`page`'s address, kept so a link to it says in Russian why it does not open."""
    return st.Page(
        lambda: st.error(reason), title=page.title, url_path=page.url_path, visibility="hidden"
    )


def _start(first: st.Page) -> st.Page:
    """The console's root address, which opens the role's first page at that page's own
    address. Streamlit serves its default page only at "/": made the default itself, the
    first page's address (/queue, or /incidents for an operator, in README and bookmarks)
    answered «Страница не найдена»."""
    return st.Page(
        lambda: st.switch_page(first, query_params=st.query_params.to_dict()),
        title=first.title,
        url_path="start",
        default=True,
        visibility="hidden",
    )


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
    shown = [
        st.Page(p.path, title=p.title, icon=p.icon, visibility="visible" if p.visible else "hidden")
        for p, reason in reasons.items()
        if reason is None
    ]
    refused = [_refused(p, reason) for p, reason in reasons.items() if reason is not None]
    page = st.navigation([_start(shown[0]), *shown, *refused])
    sidebar.show(login)
auth.show_notice()
page.run()
