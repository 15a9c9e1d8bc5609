"""Новый сигнал: an operator types in a phone call, an ЕДДС message or a library-point visit.

The entry goes through NLP and triage like a crawled post (in-process, or on the rq
workers when Redis is configured); contact data are kept only with consent (152-ФЗ). A user
scoped to municipalities is offered only theirs and must pick one; the territory is checked
again when the signal is stored.
"""

import streamlit as st

from dashboard import auth, hints, resources, views
from ingest.manual import CHANNEL_NAMES, Channel, ManualSignal, ManualSignalError
from otklik import resources as core
from otklik.pipeline import configured_pipeline
from otklik.signals import SignalAdded, add_signal
from triage.accounts import Right
from triage.scope import OutOfScope

FORM_KEY = "ns_form"  # a counter: a new form (empty fields) after each stored signal
REVIEW_NAMES = {
    "pending": "ждёт обработки",
    "needs_review": "ждёт проверки модератором",
    "auto_accepted": "принят автоматически",
    "not_signal": "модель считает, что это не сигнал — модератор увидит его в очереди",
}
CONSENT = (
    "Заявитель согласен на обработку его персональных данных (имя и контакт) для ответа "
    "на обращение (152-ФЗ)"
)

login = auth.require(Right.ENTER_SIGNALS)
st.title("Новый сигнал")
hints.hide_english_hints()  # «Press Ctrl+Enter to submit form» under the text


def _report(added: SignalAdded) -> None:
    status = REVIEW_NAMES.get(added.review_status, "обработан")
    lines = [f"Сигнал сохранён: пост №{added.post_id}, {status}."]
    if added.municipality:
        lines.append(f"Муниципалитет: {added.municipality}.")
    if added.topic_code:
        lines.append(f"Тема: {views.topic_name(added.topic_code)}.")
    if added.incident_id:
        lines.append(f"Инцидент №{added.incident_id}.")
    st.session_state["ns_done"] = " ".join(lines)


form = st.session_state.get(FORM_KEY, 0)
if done := st.session_state.pop("ns_done", None):
    st.success(done)
with st.form(f"ns_{form}"):
    text = st.text_area("Что сообщили", key=f"ns_text_{form}", height=140)
    channel_column, place_column = st.columns(2)
    channel = channel_column.selectbox(
        "Канал", list(Channel), format_func=CHANNEL_NAMES.get, key=f"ns_channel_{form}"
    )
    places = views.scoped_municipalities(login.scope)
    regional = login.scope.is_regional
    place = place_column.selectbox(
        "Муниципалитет",
        places,
        index=None,  # never a default: a territory changed meanwhile empties the choice
        format_func=views.municipality_name,
        placeholder="Выберите или оставьте пустым — определит модель"
        if regional
        else "Выберите муниципалитет вашей территории",
        key=f"ns_place_{form}",
    )
    address = st.text_input("Адрес или ориентир", key=f"ns_address_{form}")
    name_column, contact_column = st.columns(2)
    contact_name = name_column.text_input("Как обращаться к заявителю", key=f"ns_name_{form}")
    contact = contact_column.text_input("Телефон или эл. почта", key=f"ns_contact_{form}")
    consent = st.checkbox(CONSENT, key=f"ns_consent_{form}")
    submitted = st.form_submit_button("Сохранить сигнал", type="primary", key=f"ns_submit_{form}")

if submitted:
    signal = ManualSignal(
        text=text, channel=channel, operator=login.username,
        municipality=views.municipality_name(place) if place else None, address=address,
        contact_name=contact_name, contact=contact, consent=consent,
    )  # fmt: skip
    try:
        with st.spinner("Сохраняем и разбираем сигнал…"):
            added = add_signal(
                engine=resources.engine(),
                pipeline=configured_pipeline(resources.settings(), engine=resources.engine()),
                signal=signal,
                user_id=login.user_id,
                lemmatize=core.lemmatize_text,
                scope=login.scope,  # read again in this run: the territory as it is at the click
            )
    except ManualSignalError as error:
        st.error(str(error))
    except OutOfScope:
        st.error("Нет доступа: муниципалитет не относится к вашей территории. Сигнал не сохранён.")
    else:
        _report(added)
        st.session_state[FORM_KEY] = form + 1
        st.rerun()
