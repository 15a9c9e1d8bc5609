import pytest

from dashboard.text import escape_markdown, highlight


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Нет света", "Нет света"),
        ("<script>alert(1)</script>", r"\<script\>alert\(1\)\<\/script\>"),
        ("![x](http://evil/img.png)", r"\!\[x\]\(http\:\/\/evil\/img\.png\)"),
        (":red[тревога] $x^2$", r"\:red\[тревога\] \$x\^2\$"),
        ("**жирный** _курсив_", r"\*\*жирный\*\* \_курсив\_"),
    ],
)
def test_escape_markdown(text: str, expected: str) -> None:
    assert escape_markdown(text) == expected


def test_highlight_marks_place_and_cues_and_escapes_the_rest() -> None:
    marked = highlight(
        "В Краснокамске [снова] прорвало трубу!", {"Краснокамске": "place", "прорвало": "cue"}
    )
    assert marked == (
        r"В :blue-background[Краснокамске] \[снова\] :orange-background[прорвало] трубу\!"
    )


def test_highlight_escapes_inside_a_match() -> None:
    assert highlight("ул. Ленина", {"ул. Ленина": "place"}) == r":blue-background[ул\. Ленина]"


def test_highlight_takes_whole_words_only() -> None:
    assert highlight("На планете нет воды", {"нет": "cue", "на": "cue"}) == (
        ":orange-background[На] планете :orange-background[нет] воды"
    )


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        (None, "не найден"),
        ("коммунистический 44", "коммунистический, д. 44"),
        ("карла маркс 12а; мир", "карла маркс, д. 12а; мир"),
        ("25 октябрь", "25 октябрь"),
    ],
)
def test_address_keys_are_shown_in_russian(key: str | None, shown: str) -> None:
    from dashboard.views import address_text

    assert address_text(key) == shown
