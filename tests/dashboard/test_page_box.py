"""The «Страница» box appears only when a list has pages to go through: never above an
empty list or a list of one page."""

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from models.post import ReviewStatus
from tests.dashboard.conftest import open_page


@pytest.mark.parametrize("page", ["queue", "incidents", "reports"])
def test_an_empty_list_has_no_page_box(signed_in: Callable[[str], AppTest], page: str) -> None:
    app = open_page(signed_in("admin"), page)
    assert not app.exception
    assert [box.label for box in app.number_input if box.label == "Страница"] == []


def test_a_queue_of_one_page_has_no_page_box(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]]
) -> None:
    app = open_page(signed_in("moderator"), "queue")
    assert len(seeded["posts"]) == 3 and not app.exception
    assert [box.label for box in app.number_input if box.label == "Страница"] == []
    app.selectbox(key="q_status").select(ReviewStatus.CONFIRMED).run()  # nothing confirmed
    assert not app.exception
    assert [box.label for box in app.number_input if box.label == "Страница"] == []
