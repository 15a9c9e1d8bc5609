"""The Otklik console: `streamlit run dashboard/app.py` (or `otklik dashboard`)."""

import streamlit as st

from dashboard import auth, warmup
from dashboard.navigation import pages_for
from dashboard.text import escape_markdown

st.set_page_config(page_title="Отклик", page_icon=":material/campaign:", layout="wide")

login = auth.current_login()
if login is None:
    warmup.start()
    page = st.navigation([st.Page("screens/login.py", title="Вход", icon=":material/login:")])
else:
    allowed = pages_for(login.role)
    page = st.navigation([st.Page(p.path, title=p.title, icon=p.icon) for p in allowed])
    with st.sidebar:
        name = escape_markdown(login.username)
        st.caption(f"{name} · {auth.ROLE_NAMES.get(login.role, login.role)}")
        st.button("Выйти", on_click=auth.sign_out, key="sign_out")
page.run()
