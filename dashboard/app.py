"""The Otklik console: `streamlit run dashboard/app.py` (or `otklik dashboard`)."""

import streamlit as st

from dashboard import auth, russian_ui, sidebar, warmup
from dashboard.navigation import PAGES, pages_for

st.set_page_config(page_title="Отклик", page_icon=":material/campaign:", layout="wide")
russian_ui.install()


def _no_access() -> None:
    st.error("Нет доступа: у вашей роли нет прав на эту страницу.")


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
    allowed = pages_for(login.role)
    shown = [
        st.Page(p.path, title=p.title, icon=p.icon, visibility="visible" if p.visible else "hidden")
        for p in allowed
    ]
    refused = [
        st.Page(_no_access, title=p.title, url_path=p.url_path, visibility="hidden")
        for p in PAGES
        if p not in allowed
    ]
    page = st.navigation([*shown, *refused])
    sidebar.show(login)
auth.show_notice()
page.run()
