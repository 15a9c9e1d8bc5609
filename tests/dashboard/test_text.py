import re
from datetime import UTC, datetime, timedelta

import pytest

from dashboard import columns, views
from dashboard.text import WORD_JOINER, escape_markdown, highlight


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Нет света", "Нет света"),
        ("<script>alert(1)</script>", r"\<script\>alert\(1\)\<\/script\>"),
        ("![x](http://evil/img.png)", r"\!\[x\]\(http\:" + "\u2060" + r"\/\/evil\/img\.png\)"),
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


# GFM's autolink literals, as mdast-util-gfm-autolink-literal finds them in the text that
# remains after the markdown's escapes are undone: escaping alone does not stop them.
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE)
GFM_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")


def _rendered_text(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.mark.parametrize(
    "text",
    [
        "Подробности на https://evil.example/login?x=1",
        "смотрите http://evil.example",
        "или www.evil.example/page",
        "HTTPS://EVIL.EXAMPLE",
        "пишите на mayor@evil.example",
    ],
)
def test_bare_urls_and_emails_do_not_become_links(text: str) -> None:
    for rendered in (escape_markdown(text), highlight(text, {"evil": "cue"})):
        shown = _rendered_text(rendered)
        assert not GFM_URL.search(shown) and not GFM_EMAIL.search(shown), shown
    assert _rendered_text(escape_markdown(text)).replace(WORD_JOINER, "") == text


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


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        (None, "не найден"),
        ("коммунистический 44", "ул. Коммунистическая, д. 44"),
        ("карла маркс 12а; мир", "ул. Карла Маркса, д. 12а; ул. Мира"),
        ("25 октябрь", "ул. 25 Октября"),
    ],
)
def test_address_keys_are_shown_in_russian(key: str | None, shown: str) -> None:
    from dashboard.views import address_text

    assert address_text(key) == shown


def test_the_addresses_read_are_highlighted_beside_place_and_cues() -> None:
    from models.annotation import Annotation

    annotation = Annotation(
        post_id=1,
        municipality_span="Краснокамске",
        reasons={
            "cues": ["прорвало"],
            "addresses": [
                {"key": "садовый 7", "span": "ул. Садовая, 7,"},
                {"key": None, "span": "дом 0", "problem": "impossible house number 0"},
                "not an address",
            ],
        },
    )
    marks = views.marks(annotation)
    assert marks == {"прорвало": "cue", "ул. Садовая, 7": "address", "Краснокамске": "place"}
    assert highlight("В Краснокамске на ул. Садовая, 7, прорвало трубу (дом 0)", marks) == (
        r"В :blue-background[Краснокамске] на :green-background[ул\. Садовая\, 7]\, "
        r":orange-background[прорвало] трубу \(дом 0\)"
    )


def test_malformed_address_reasons_highlight_nothing() -> None:
    from models.annotation import Annotation

    annotation = Annotation(post_id=1, reasons={"addresses": {"span": "ул. Садовая"}})
    assert views.marks(annotation) == {}


@pytest.mark.parametrize(
    ("text", "limit", "shown"),
    [
        ("Нет света на Мира", 40, "Нет света на Мира"),
        ("Краснокамск, ул. Ленина 14 — прорыв трубы", 24, "Краснокамск, ул. Ленина…"),
        ("Краснокамск:  прорвало\nтрубу во дворе", 30, "Краснокамск: прорвало трубу…"),
        ("Памятники и объекты культурного наследия", 24, "Памятники и объекты…"),
        ("Демо: telegram_result.json", 20, "Демо: telegram_resu…"),  # not «Демо…»
        ("Оченьдлинноеслово", 8, "Оченьдл…"),
    ],
)
def test_shorten_cuts_at_a_word(text: str, limit: int, shown: str) -> None:
    assert columns.shorten(text, limit) == shown
    assert len(columns.shorten(text, limit)) <= limit


def test_short_time_drops_only_this_years_year() -> None:
    from models.clock import frozen_at

    with frozen_at(datetime(2026, 12, 2, 5, 0, tzinfo=UTC)):
        this_year = views.short_time(datetime(2026, 11, 20, 15, 33, tzinfo=UTC))
        last_year = views.short_time(datetime(2025, 11, 20, 15, 33, tzinfo=UTC))
        assert views.short_time(None) == "—"
    assert re.fullmatch(r"\d\d\.11 \d\d:33", this_year)
    assert re.fullmatch(r"\d\d\.11\.2025", last_year)


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2026, 12, 2, 4, 56, tzinfo=UTC), "09:56"),  # today in Пермь (UTC+5)
        (datetime(2026, 12, 1, 19, 30, tzinfo=UTC), "00:30"),  # still 1 December in UTC
        (datetime(2026, 12, 1, 18, 59, tzinfo=UTC), "01.12"),  # 23:59 the day before
        (datetime(2026, 11, 20, 15, 33, tzinfo=UTC), "20.11"),
        (datetime(2025, 11, 20, 15, 33, tzinfo=UTC), "20.11.2025"),
        (None, "—"),
    ],
)  # fmt: skip
def test_the_queue_shows_todays_time_and_an_earlier_day(
    moment: datetime | None, shown: str
) -> None:
    from models.clock import frozen_at

    with frozen_at(datetime(2026, 12, 2, 5, 0, tzinfo=UTC)):
        assert views.time_or_day(moment) == shown
