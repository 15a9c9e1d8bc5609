"""Пользователи (admins of the whole region): who may use the console, in which role and
for which territory; add a user, change a role, switch off or on, set the territory.

Every change is audited and re-checks, at the click, that a live login of a regional admin
makes it: an admin scoped to municipalities could otherwise widen their own territory.
The last active admin can be neither demoted nor switched off (triage.accounts).
"""

from collections.abc import Callable
from typing import Any

import streamlit as st
from sqlmodel import Session, col, select

from dashboard import actions, auth, hints, resources, views
from models.user import Role, User, UserMunicipality
from triage.accounts import (
    Right,
    change_role,
    create_user,
    list_users,
    set_active,
    set_territory,
)
from triage.errors import TriageError

FORM_KEY = "usr_form"  # a counter: a fresh, empty form after each user added
CONFIRM_KEY = "usr_confirm_off"  # the id of the user whose switching off awaits a «Да»
# why the last change was refused, said under the section the admin acted in
EDIT_REFUSED = "usr_refused_edit"
ADD_REFUSED = "usr_refused_add"
REGION = "весь регион"


class NotRegional(TriageError):
    def __init__(self) -> None:
        super().__init__("only a regional admin manages users")


login = auth.require(Right.MANAGE_USERS)
st.title("Пользователи")
hints.hide_english_hints()
if not login.scope.is_regional:
    st.error(auth.USERS_REGION_ONLY)
    st.stop()


def _as_admin(
    action: Callable[[Session, str], Any], *, done: str, refusal_key: str = EDIT_REFUSED
) -> Any:
    """`action(db, actor)` for the live login, if it is still a regional admin; a refusal
    is kept under `refusal_key` for its section to say."""

    def checked(db: Session) -> Any:
        live = auth.current_login()
        if live is None or not live.scope.is_regional:
            raise NotRegional()
        return action(db, live.username)

    return actions.perform(checked, done=done, right=Right.MANAGE_USERS, refusal_key=refusal_key)


def _territories(db: Session) -> dict[int, list[int]]:
    """User id -> the municipalities they are scoped to (none: the whole region)."""
    found: dict[int, list[int]] = {}
    statement = select(UserMunicipality).order_by(col(UserMunicipality.municipality_id))
    for link in db.exec(statement):
        found.setdefault(link.user_id, []).append(link.municipality_id)
    return found


def territory_text(municipality_ids: list[int]) -> str:
    if not municipality_ids:
        return REGION
    return ", ".join(sorted(views.municipality_name(i) for i in municipality_ids))


def _on_add(form: int) -> None:
    state = st.session_state
    username, password = state[f"usr_name_{form}"], state[f"usr_password_{form}"]
    role, places = state[f"usr_role_{form}"], list(state[f"usr_places_{form}"])

    def add(db: Session, actor: str) -> User:
        return create_user(db, username=username, password=password, role=role, actor=actor,
                           municipality_ids=places)  # fmt: skip

    added = _as_admin(add, done=f"Пользователь {username.strip()} добавлен.",
                      refusal_key=ADD_REFUSED)  # fmt: skip
    if added is not None:
        state[FORM_KEY] = form + 1  # a fresh form; a refused one keeps what was typed


def _on_role(user_id: int, widget_key: str) -> None:
    role = st.session_state[widget_key]
    _as_admin(lambda db, actor: change_role(db, user_id=user_id, role=role, actor=actor),
              done=f"Роль изменена: {auth.ROLE_NAMES[Role(role)]}.")  # fmt: skip


def _on_places(user_id: int, widget_key: str) -> None:
    places = list(st.session_state[widget_key])

    def scope(db: Session, actor: str) -> list[int]:
        return set_territory(db, user_id=user_id, municipality_ids=places, actor=actor)

    _as_admin(scope, done="Территория сохранена.")


def _on_active(user_id: int, active: bool) -> None:
    st.session_state.pop(CONFIRM_KEY, None)
    _as_admin(lambda db, actor: set_active(db, user_id=user_id, active=active, actor=actor),
              done="Пользователь включён." if active else "Пользователь отключён.")  # fmt: skip


def _ask_off(user_id: int) -> None:
    st.session_state[CONFIRM_KEY] = user_id


with resources.session() as db:
    users = list_users(db)
    territories = _territories(db)

st.dataframe(
    [
        {
            "Логин": user.username,
            "Роль": auth.ROLE_NAMES.get(Role(user.role), user.role),
            "Активен": "да" if user.active else "нет",
            "Территория": territory_text(territories.get(user.id or 0, [])),
            "Последний вход": views.local_time(user.last_login_at),
            "Создан": views.local_time(user.created_at),
        }
        for user in users
    ],
    hide_index=True,
    width="stretch",
    column_config={"Территория": st.column_config.TextColumn(width="large")},
)
st.caption(
    "Пользователь без муниципалитетов видит весь регион; с муниципалитетами — только их "
    "посты, инциденты, обращения и аналитику. Изменения вступают в силу при следующем "
    "действии пользователя и записываются в журнал."
)

municipalities = resources.municipalities()
st.subheader("Изменить пользователя")
by_id = {user.id or 0: user for user in users}
picked = st.selectbox(
    "Пользователь",
    list(by_id),
    index=None,
    format_func=lambda i: f"{by_id[i].username} ({auth.ROLE_NAMES.get(Role(by_id[i].role), '')})",
    placeholder="выберите пользователя",
    key="usr_pick",
)
if picked is not None:
    user = by_id[picked]
    places = territories.get(picked, [])
    role_key = f"usr_role_{picked}_{user.role}"  # a new stored role resets the choice
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.selectbox("Роль", list(Role), index=list(Role).index(Role(user.role)),
                   format_func=auth.ROLE_NAMES.get, key=role_key)  # fmt: skip
    right.button("Сменить роль", key=f"usr_role_save_{picked}", on_click=_on_role,
                 args=(picked, role_key))  # fmt: skip
    places_key = f"usr_places_{picked}_{'-'.join(map(str, places))}"
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.multiselect("Территория (муниципалитеты)", list(municipalities), default=places,
                     format_func=views.municipality_name, placeholder=REGION,
                     key=places_key)  # fmt: skip
    right.button("Сохранить территорию", key=f"usr_places_save_{picked}", on_click=_on_places,
                 args=(picked, places_key))  # fmt: skip
    if not user.active:
        st.caption("Пользователь отключён: войти в консоль не может.")
        st.button("Включить снова", key=f"usr_on_{picked}", on_click=_on_active,
                  args=(picked, True))  # fmt: skip
    elif st.session_state.get(CONFIRM_KEY) != picked:
        st.button("Отключить", key=f"usr_off_{picked}", on_click=_ask_off, args=(picked,))
    else:
        st.warning(f"Отключить {user.username}? Его сеансы завершатся при следующем действии.")
        yes, no = st.columns(2)
        yes.button("Да, отключить", key=f"usr_off_yes_{picked}", type="primary",
                   on_click=_on_active, args=(picked, False))  # fmt: skip
        no.button("Отмена", key=f"usr_off_no_{picked}", on_click=st.session_state.pop,
                  args=(CONFIRM_KEY, None))  # fmt: skip
if refused := st.session_state.pop(EDIT_REFUSED, None):
    st.error(refused)

st.subheader("Новый пользователь")
form = st.session_state.get(FORM_KEY, 0)
with st.form(f"usr_new_{form}"):
    name_column, password_column = st.columns(2)
    name_column.text_input("Логин", key=f"usr_name_{form}")
    password_column.text_input("Пароль (не короче 8 символов)", type="password",
                               key=f"usr_password_{form}")  # fmt: skip
    st.selectbox("Роль", list(Role), format_func=auth.ROLE_NAMES.get, key=f"usr_role_{form}")
    st.multiselect("Территория (муниципалитеты)", list(municipalities),
                   format_func=views.municipality_name, placeholder=REGION,
                   key=f"usr_places_{form}")  # fmt: skip
    st.form_submit_button("Добавить пользователя", on_click=_on_add, args=(form,))
if refused := st.session_state.pop(ADD_REFUSED, None):
    st.error(refused)
