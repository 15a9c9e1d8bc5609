"""Вход: the only page an anonymous session sees (at every address, so links survive login)."""

import streamlit as st

from dashboard import auth

st.title("Отклик — вход")
if st.session_state.get(auth.EXPIRED_KEY):
    st.info("Сессия истекла или завершена, войдите снова.")
with st.form("login"):
    username = st.text_input("Логин", key="login_username")
    password = st.text_input("Пароль", type="password", key="login_password")
    submitted = st.form_submit_button("Войти", key="login_submit")
if submitted:
    result = auth.sign_in(username=username, password=password)
    if isinstance(result, str):
        st.error(result)
    else:
        st.rerun()
