"""A post's link to the original, as the card's first line writes it."""

import pytest

from dashboard.links import markdown_url


@pytest.mark.parametrize(
    ("url", "written"),
    [
        ("https://vk.com/wall-1_2", "https://vk.com/wall-1_2"),
        ("https://vk.com/wall-1_2?reply=3", "https://vk.com/wall-1_2?reply=3"),
        # a link the network or an imported file gave with brackets or spaces in it
        ("https://example.ru/a (b)", "https://example.ru/a%20%28b%29"),
        ("https://example.ru/a)[x](javascript:1", "https://example.ru/a%29[x]%28javascript:1"),
        ("https://example.ru/<script>", "https://example.ru/%3Cscript>"),
    ],
)
def test_a_link_cannot_end_or_break_the_markdown_around_it(url: str, written: str) -> None:
    assert markdown_url(url) == written
