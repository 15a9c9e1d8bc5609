from datetime import UTC, datetime, timedelta

import pytest

from dashboard import views
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
    ("minutes", "shown"),
    [
        (45, "осталось 45 мин"),
        (5 * 60 + 10, "осталось 5 ч 10 мин"),
        (162 * 60 + 41, "осталось 6 дн 18 ч"),
        (-(2 * 60 + 5), "просрочено на 2 ч 5 мин"),
        (-(3 * 24 * 60 + 60), "просрочено на 3 дн 1 ч"),
    ],
)
def test_time_left_reads_in_days_when_long(minutes: int, shown: str) -> None:
    at = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert views.time_left(at + timedelta(minutes=minutes), at) == shown
