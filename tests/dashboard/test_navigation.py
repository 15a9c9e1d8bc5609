"""The navigation: every role, regional or with a territory, is offered exactly the pages
it may open, and every other page's address says why not, in Russian."""

import pytest

from dashboard.auth import NO_RIGHTS, REGION_WIDE, USERS_REGION_ONLY
from dashboard.navigation import PAGES, pages_for, refusal
from models.user import Role
from triage.accounts import has_right
from triage.scope import EVERYWHERE, Scope

MUNICIPAL = Scope(municipality_ids=frozenset({1}))
# Every role, regional and with a territory: the pages the sidebar lists, in order (the
# hidden «Пост», opened by links, follows Инциденты).
LISTED = {
    ("operator", EVERYWHERE): ["Инциденты", "Обращения", "Новый сигнал", "Аналитика",
                               "Источники"],
    ("operator", MUNICIPAL): ["Инциденты", "Обращения", "Новый сигнал", "Аналитика",
                              "Источники"],
    ("moderator", EVERYWHERE): ["Очередь", "Инциденты", "Обращения", "Новый сигнал",
                                "Аналитика"],
    ("moderator", MUNICIPAL): ["Очередь", "Инциденты", "Обращения", "Новый сигнал",
                               "Аналитика"],
    ("admin", EVERYWHERE): [page.title for page in PAGES if page.visible],
    ("admin", MUNICIPAL): ["Очередь", "Инциденты", "Обращения", "Новый сигнал", "Аналитика",
                           "Источники"],
}  # fmt: skip


@pytest.mark.parametrize(("role", "scope"), list(LISTED))
def test_the_navigation_lists_only_pages_that_open(role: str, scope: Scope) -> None:
    assert {str(r) for r, _ in LISTED} == set(Role)  # every role is checked
    listed = [page.title for page in pages_for(role, scope) if page.visible]
    assert listed == LISTED[role, scope]
    for page in PAGES:
        reason = refusal(page, role=role, scope=scope)
        if not has_right(role, page.right):
            assert reason == NO_RIGHTS
        elif page.title in ("Модель", "Рубрикатор") and not scope.is_regional:
            assert reason == REGION_WIDE
        elif page.title == "Пользователи" and not scope.is_regional:
            assert reason == USERS_REGION_ONLY
        else:
            assert reason is None, page.title
