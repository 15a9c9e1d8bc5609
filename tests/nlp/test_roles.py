"""The source-role guess from a page's name and its first crawl (nlp/roles.py); its accuracy
on the labelled pages is measured in BENCHMARKS.md (benchmarks/social_roles.py)."""

import pytest

from models.post import AuthorKind, ThreadPosition
from models.source import SourceRole
from nlp.roles import guess_role

OWN_POSTS = [(AuthorKind.SOURCE, ThreadPosition.POST)] * 3


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("Подслушано Ставрополь", SourceRole.RESIDENTS),
        ("ЧП Кунгур", SourceRole.RESIDENTS),  # a residents' incident public
        ("ЧП Ставрополь | новости края (vk.com/chp_26)", SourceRole.MEDIA),  # it says news
        ("Барахолка|Объявления|Ставрополь (vk.com/fleamarket26)", SourceRole.MEDIA),
        ("Авторынок Краснодар Ростов Ставрополь Армавир", SourceRole.MEDIA),
        ("Ставропольский край (vk.com/stav_region)", SourceRole.AUTHORITY),  # a territory alone
        ("Центральный район Санкт-Петербурга", SourceRole.AUTHORITY),
        ("Администрация города Кунгура", SourceRole.AUTHORITY),
        ("Типичный Кировский район", None),  # a territory inside another name: not told
        ("1777 | Ставрополь и край (vk.com/news1777)", SourceRole.MEDIA),
    ],
)
def test_roles_from_the_name(name: str, role: SourceRole | None) -> None:
    assert guess_role(name=name, posts=[]) == role


def test_the_items_decide_when_the_name_says_nothing() -> None:
    assert guess_role(name="Типичный Кунгур", posts=OWN_POSTS) == SourceRole.MEDIA
    residents = [(AuthorKind.PERSON, ThreadPosition.POST)] * 3
    assert guess_role(name="Типичный Кунгур", posts=residents) == SourceRole.RESIDENTS
    answers = [*OWN_POSTS, (AuthorKind.SOURCE, ThreadPosition.REPLY)]
    assert guess_role(name="Типичный Кунгур", posts=answers) == SourceRole.AUTHORITY


def test_a_description_of_a_news_page_does_not_outweigh_the_name() -> None:
    described = "Новости района, объявления, жалобы жителей"
    assert guess_role(name="Подслушано Кунгур", posts=[], description=described) == (
        SourceRole.RESIDENTS
    )
