"""A news outlet's own report of crime and courts or of a weather forecast: never a signal,
and never decided so beside a complaint, a fire, an accident, an outage or a storm's damage."""

import time

import pytest

from models.annotation import PostContext
from nlp.outlet_report import REPORT_MARK, is_outlet_report
from nlp.structure import MAX_ADVERT_CHARS, structural_verdict

NEWS_OWN_POST = PostContext(position="post", author_is_source=True, source_role="media")
NEWS_COMMENT = PostContext(position="comment", author_is_source=False, source_role="media")
RESIDENTS_POST = PostContext(position="post", author_is_source=True, source_role="residents")
UNKNOWN_PAGE_POST = PostContext(position="post", author_is_source=None, source_role="media")

CRIME = "Полиция задержала мужчину, который украл велосипед у подъезда. Возбуждено уголовное дело."
FORECAST = "Синоптики прогнозируют на выходных мокрый снег и гололедицу, до минус пяти ночью."


@pytest.mark.parametrize(
    "text",
    [
        CRIME,
        "Суд приговорил бывшего директора рынка к трём годам колонии за взятку",
        "В Заречном разыскивают подростка, который разбил витрину киоска",
        "Подозреваемого в краже телефона заключили под стражу, сообщили в следственном управлении",
        FORECAST,
        "☁️ Погода в городе 11 апреля: без осадков, утром туман",
        "⚠️ «Жёлтый» уровень опасности из-за сильного ветра продлён до четверга",
        "Магнитная буря начнётся во вторник и продлится до конца недели",
        "По данным Гидрометцентра, снежный покров установится в начале ноября",
    ],
)  # fmt: skip
def test_an_outlets_crime_and_weather_reports_are_not_signals(text: str) -> None:
    verdict = structural_verdict(NEWS_OWN_POST, text)
    assert verdict is not None and verdict.reason == "outlet_report", text
    assert verdict.is_signal is False
    lowered = text.lower().replace("ё", "е")
    assert is_outlet_report(lowered) and REPORT_MARK.search(lowered)


@pytest.mark.parametrize(
    "context", [NEWS_COMMENT, RESIDENTS_POST, UNKNOWN_PAGE_POST, PostContext()]
)
def test_only_an_outlets_own_post_is_read_so(context: PostContext) -> None:
    """A resident's comment or post with the same words is a resident's, left to the words."""
    for text in (CRIME, FORECAST):
        assert structural_verdict(context, text) is None, (context, text)


@pytest.mark.parametrize(
    "text",
    [
        # a city problem an outlet reports: the complaint guard (nlp.urgency, its own words)
        "На Ленина пожар в жилом доме, возбуждено уголовное дело о нарушении правил безопасности",
        "ДТП на Кулакова: движение затруднено, водителя задержали",
        "Жители третий день без воды, прокуратура и следователи проверяют водоканал",
        "Почему полиция до сих пор не нашла тех, кто поджигает машины во дворе на Мира?",
        "Опять сломали остановку на Гагарина, вандалов разыскивают",
        # a storm's damage is not a forecast
        "Ураганный ветер повалил деревья на машины на Садовой, синоптики обещают ещё порывы",
        "Синоптики предупреждали о шторме: пострадали двое, дерево упало на остановку",
        # words that only look like them
        "Последствия ремонта на Октябрьской: тротуар в грязи, пройти нельзя",
        "Вследствие ремонта дороги автобус №9 ходит в объезд",
    ],
)  # fmt: skip
def test_the_rule_stays_off_complaints_damage_and_look_alikes(text: str) -> None:
    verdict = structural_verdict(NEWS_OWN_POST, text)
    assert verdict is None or verdict.reason != "outlet_report", text


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀🔥👮‍♂️❄️", "👮" * 5_000, "уголовн" * 20_000, "желтый " + "» " * 50_000,
     "задержан " * 6_000, "синоптики " + "я" * 50_000],
)  # fmt: skip
def test_bad_input_is_fast_and_never_crashes(text: str) -> None:
    """Three times a VK post's longest text; the report's patterns read its head only, the
    complaint guard all of it (as for the advert rules: on a long run of one letter its
    urgency cues cost some 3 µs a character, 0.7 s for 200,000 on a loaded machine)."""
    started = time.perf_counter()
    verdict = structural_verdict(NEWS_OWN_POST, text)
    assert time.perf_counter() - started < 1.0
    assert verdict is None or verdict.reason in ("outlet_report", "emoji_only")


def test_a_report_is_read_from_its_head_and_the_guard_from_all_of_it() -> None:
    filler = "Подробности позже. " * (MAX_ADVERT_CHARS // 18)
    assert structural_verdict(NEWS_OWN_POST, CRIME + filler).reason == "outlet_report"
    assert structural_verdict(NEWS_OWN_POST, filler + CRIME) is None  # past the head
    assert structural_verdict(NEWS_OWN_POST, CRIME + filler + " Опять во дворе нет света") is None
