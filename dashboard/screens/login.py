"""Вход: the only page an anonymous session sees."""

import streamlit as st

from dashboard import auth

st.title("Отклик — вход")
if st.session_state.get(auth.EXPIRED_KEY):
    st.info("Сессия истекла, войдите снова.")
with st.form("login"):
    username = st.text_input("Логин", key="login_username")
    password = st.text_input("Пароль", type="password", key="login_password")
    submitted = st.form_submit_button("Войти", key="login_submit")
if submitted:
    if auth.sign_in(username=username, password=password) is None:
        st.error("Неверный логин или пароль.")
    else:
        st.rerun()
