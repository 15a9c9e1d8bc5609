"""Инциденты: an incident left with no posts (merged into another, or emptied by «Не сигнал»)
says why, stays out of the open and the closed lists, and is never offered to merge."""

import re
from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from tests.dashboard.conftest import Emptied, open_page, texts

EMPTIED = "пуст: посты перенесены или отклонены"  # on its card; in the list, shorter
LISTED = "пуст: посты убраны"


def _listed(app: AppTest, status: str) -> dict[int, str]:
    """The list under the status filter's `status`: each row's title, by number."""
    box = app.selectbox(key="inc_status")
    box.select_index(box.options.index(status)).run()
    assert not app.exception
    if not app.dataframe:
        return {}
    shown = app.dataframe[0].value
    return dict(zip((int(i) for i in shown["№"]), shown["Заголовок"], strict=True))


def test_the_list_says_why_and_keeps_them_out_of_open_and_closed(
    signed_in: Callable[[str], AppTest], emptied: Emptied
) -> None:
    app = open_page(signed_in("moderator"), "incidents")
    assert not app.exception
    assert list(app.dataframe[0].value["№"]) == [emptied.pipe]  # «открытые», as it opens
    everything = _listed(app, "все")
    assert set(everything) == {emptied.pipe, emptied.merged, emptied.emptied}
    # why first, then what the title can keep of the 23 characters «Статус» leaves it
    assert re.fullmatch(f"объединён с №{emptied.pipe}( — .*)?…", everything[emptied.merged])
    assert re.fullmatch(f"{LISTED}( — .*)?…", everything[emptied.emptied])
    assert not everything[emptied.pipe].startswith(("объединён", "пуст"))
    # «закрытые» are the problems closed; the emptied ones have a choice of their own
    assert _listed(app, "закрытые") == {}
    assert "Инцидентов с такими условиями нет." in texts(app)
    assert list(_listed(app, "пустые")) == [emptied.emptied]
    assert list(_listed(app, "объединённые")) == [emptied.merged]


def test_a_merged_incident_links_to_the_one_it_joined(
    signed_in: Callable[[str], AppTest], emptied: Emptied
) -> None:
    app = signed_in("moderator")
    app.query_params["incident"] = str(emptied.merged)
    open_page(app, "incidents")
    assert not app.exception
    link = f"(incidents?incident={emptied.pipe})"
    card = app.caption[1].value
    assert card.startswith(f"объединён с [инцидентом №{emptied.pipe}]{link} · ЖКХ"), card
    assert card.count("объединён") == 1, card
    assert "постов: 0" not in texts(app)
    # no report, merge or split here: they are the other incident's
    assert not [b for b in app.button if str(b.key).startswith("inc_")]
    assert not app.multiselect
    assert f"в [инциденте №{emptied.pipe}]{link}" in texts(app)


def test_an_emptied_incident_says_its_posts_are_gone(
    signed_in: Callable[[str], AppTest], emptied: Emptied
) -> None:
    app = signed_in("moderator")
    app.query_params["incident"] = str(emptied.emptied)  # by its link: not in «открытые»
    open_page(app, "incidents")
    assert not app.exception
    assert app.caption[1].value.startswith("закрыт · "), app.caption[1].value
    assert app.caption[1].value.endswith(f" · {EMPTIED}"), app.caption[1].value
    assert "постов: 0" not in texts(app)
    assert not [b for b in app.button if str(b.key).startswith("inc_")]
    assert not app.multiselect
    assert "не осталось постов" in texts(app)


def test_no_incident_without_posts_is_offered_to_merge(
    signed_in: Callable[[str], AppTest], emptied: Emptied
) -> None:
    app = open_page(signed_in("moderator"), "incidents")
    assert len(_listed(app, "все")) == 3  # the list offers all three to pick
    app.selectbox(key="inc_pick_None").select(emptied.pipe).run()
    assert not app.exception
    offered = app.multiselect(key=f"inc_merge_ids_{emptied.pipe}").options
    assert not [o for o in offered if o.startswith((f"№{emptied.merged}:", f"№{emptied.emptied}:"))]
