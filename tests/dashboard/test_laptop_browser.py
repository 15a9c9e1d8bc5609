"""The console on a 1,366×768 laptop in a real headless Chromium: every column of a list is
on screen, none scrolled off the right edge."""

from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from benchmarks.console_browser import FIRST_POST
from models.annotation import Annotation
from models.clock import now
from models.crawl import CrawlRun
from models.geo import Municipality
from models.incident import Incident
from models.learning import ModelStatus, ModelVersion
from models.post import PipelineStage, Post, PostCreate, ReviewStatus
from models.post_store import store_posts
from models.source import Source
from models.taxonomy import Category, Topic
from tests.dashboard.browser import Browser, chromium
from tests.dashboard.test_browser import ARTIFACTS
from tests.dashboard.test_console_browser import _log_in, _reports

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]
LONG_TITLE = (
    "Краснокамск, ул. Ленина 14 — прорыв трубы, вода идёт по улице и заливает подвалы "
    "соседних домов, аварийная служба не приезжает с самого утра"
)
LONG_CATEGORY = "Памятники и объекты культурного наследия"
# Per table on the page: how many pixels of it are scrolled off to the side (0: it fits).
SIDEWAYS = """[...document.querySelectorAll('[data-testid=stDataFrame]')].map(d => {
  const s = d.querySelector('.dvn-scroller');
  return s ? s.scrollWidth - s.clientWidth : -1; })"""
HEADERS = """[...document.querySelectorAll('[data-testid=stDataFrame] [role=columnheader]')]
  .map(h => h.innerText.trim()).filter(Boolean)"""


def _laptop(browser: Browser, url: str, username: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser.call("Emulation.setDeviceMetricsOverride", width=1366, height=768,
                 deviceScaleFactor=1, mobile=False)  # fmt: skip
    browser.open(url)
    _log_in(browser, username)


def _wait_for_tables(browser: Browser, count: int = 1) -> None:
    browser.wait_for(
        f"document.querySelectorAll('[data-testid=stDataFrame] .dvn-scroller').length >= {count}",
        timeout=60,
    )
    browser.settle()


def test_the_incidents_list_fits_a_laptop_screen(
    console: str, seeded: dict[str, list[int]], engine: Engine, tmp_path: Path
) -> None:
    """Статус, Категория, Муниципалитет and Последний пост are on screen at 1,366 px, with
    a long title and a long category, for open incidents and for all of them; every
    municipality whole («Большесосновский МО» lost its «О» in a 136-px column), the title
    gaining the 1,006 px a laptop gives the columns (they were sized for 880)."""
    _longest_place(engine)
    with Session(engine) as session:
        incident = session.exec(select(Incident).order_by(col(Incident.id))).first()
        assert incident is not None
        session.add(Category(code="heritage", name=LONG_CATEGORY, position=3))
        incident.title, incident.category_code = LONG_TITLE, "heritage"
        session.add(incident)
        session.commit()
    with chromium(tmp_path / "profile") as browser:
        _laptop(browser, f"{console}incidents", "moderator")
        _wait_for_tables(browser)
        browser.screenshot(ARTIFACTS / "incidents-1366x768.png")
        assert browser.evaluate(SIDEWAYS) == [0]
        assert browser.evaluate(HEADERS) == [
            "№", "Приоритет", "Постов", "Заголовок", "Категория", "Муниципалитет",
            "Последний пост",
        ]  # fmt: skip
        widths = dict(browser.evaluate(COLUMN_WIDTHS))
        assert [_whole(browser, widths, title) for title in widths] == [[]] * len(widths)
        assert widths["Заголовок"] >= 330, widths  # 297 when sized for 880 px
        browser.choose("Статус", "все")
        browser.wait_for("document.body.innerText.includes('Статус')")
        _wait_for_tables(browser)
        browser.wait_for(f"{HEADERS}.includes('Статус')")
        browser.screenshot(ARTIFACTS / "incidents-all-1366x768.png")
        assert browser.evaluate(SIDEWAYS) == [0]


def _longest_place(engine: Engine) -> None:
    """The seeded Чусовской городской округ renamed to the longest name of Пермский край."""
    with Session(engine) as session:
        place = session.exec(select(Municipality).where(
            Municipality.name == "Чусовской городской округ")).one()  # fmt: skip
        place.name = LONGEST_PLACE
        session.add(place)
        session.commit()


def _whole(browser: Browser, widths: dict[str, float], title: str) -> list[str]:
    """The cells of the column `title` wider than the column: cut by the grid's edge."""
    cells = browser.evaluate(f"({CELL_WIDTHS})({title!r})")
    return [text for text, need in cells if need > widths[title]]


def test_the_reports_list_fits_a_laptop_screen(
    console: str, seeded: dict[str, list[int]], engine: Engine, tmp_path: Path
) -> None:
    """Исполнитель, Муниципалитет and Срочное were off the right edge at 1,366 px. The
    columns were then sized for 880 px of the 1,006 a laptop gives them: the problem was cut
    at 21 characters in a 180-px column, and «Большесосновский МО» lost its «О» in a 140-px
    municipality column. Nothing scrolls sideways at 1,920 px either."""
    _longest_place(engine)
    _reports(engine)
    with chromium(tmp_path / "profile") as browser:
        _laptop(browser, f"{console}reports", "operator")
        _wait_for_tables(browser)
        browser.screenshot(ARTIFACTS / "reports-1366x768.png")
        assert browser.evaluate(SIDEWAYS) == [0]
        assert browser.evaluate(HEADERS)[-3:] == ["Исполнитель", "Муниципалитет", "Срочное"]
        widths = dict(browser.evaluate(COLUMN_WIDTHS))
        places = browser.evaluate(f"({CELL_WIDTHS})('Муниципалитет')")
        assert {name for name, _ in places} == {"Краснокамский ГО", "Большесосновский МО"}
        assert _whole(browser, widths, "Муниципалитет") == []
        assert _whole(browser, widths, "Проблема") == []
        assert widths["Проблема"] >= 220, widths
        browser.call("Emulation.setDeviceMetricsOverride", width=1920, height=1080,
                     deviceScaleFactor=1, mobile=False)  # fmt: skip
        browser.wait_for(f"{COLUMN_WIDTHS}[4][1] > {widths['Проблема'] + 30}")
        browser.settle()
        browser.screenshot(ARTIFACTS / "reports-1920x1080.png")
        assert browser.evaluate(SIDEWAYS) == [0]


# The first table's columns as drawn: [title, width in px], read through the grid's own
# `getBounds` (the canvas has no DOM cells to measure; the grid's React element holds it).
COLUMN_WIDTHS = """(() => {
  const grid = document.querySelector('[data-testid=stDataFrame]');
  const canvas = grid.querySelector('canvas');
  let fiber = canvas[Object.keys(canvas).find(k => k.startsWith('__reactFiber'))];
  while (fiber && !(fiber.ref && fiber.ref.current && fiber.ref.current.getBounds)) {
    fiber = fiber.return; }
  const heads = [...grid.querySelectorAll('[role=columnheader]')];
  return heads.map((h, i) => [h.innerText.trim(), fiber.ref.current.getBounds(i + 1, 0).width - 1]);
})()"""
# Each cell of the column titled `title`: [text, its width in the grid's font with the
# cell's padding both sides].
CELL_WIDTHS = """(title => {
  const grid = document.querySelector('[data-testid=stDataFrame]');
  const canvas = grid.querySelector('canvas');
  let fiber = canvas[Object.keys(canvas).find(k => k.startsWith('__reactFiber'))], theme;
  while (fiber && !theme) { const p = fiber.memoizedProps;
    if (p && p.theme && p.theme.baseFontStyle) theme = p.theme; fiber = fiber.return; }
  const font = document.createElement('canvas').getContext('2d');
  font.font = theme.baseFontStyle + ' ' + theme.fontFamily;
  const at = [...grid.querySelectorAll('[role=columnheader]')]
    .findIndex(h => h.innerText.trim() === title);
  return [...grid.querySelectorAll('[role=row]')].slice(1)
    .map(r => r.querySelectorAll('[role=gridcell]')[at].innerText.trim())
    .map(t => [t, font.measureText(t).width + 2 * theme.cellHorizontalPadding]);
})"""
# The tops of the current post's decision buttons: one row, not wrapped.
DECISION_TOPS = """[...document.querySelectorAll('button')]
  .filter(b => ['Подтвердить', 'Не сигнал', 'Исправить'].includes(b.innerText.split('\\n')[0]))
  .map(b => Math.round(b.getBoundingClientRect().top))"""
LONGEST_PLACE = "Большесосновский муниципальный округ"  # «Большесосновский МО»: 142 px


def test_the_queue_list_fits_beside_the_post_on_a_laptop_screen(
    console: str, seeded: dict[str, list[int]], engine: Engine, tmp_path: Path
) -> None:
    """The list beside the current post at 1,366 px: every column on screen, every
    municipality whole (a 116-px column cut «Краснокамский ГО» and «Березниковский ГО» by a
    letter or two), the decision buttons in one row. The text, what a moderator decides on,
    takes all the rest: 139 px at 1,366 px beside «Большесосновский МО» (a few words a row)
    when the topic shared the rest with it, and about 300 at 1,920; №, Время,
    Муниципалитет and Тема stay as wide at 1,920 px as at 1,366."""
    with Session(engine) as session:
        place = session.exec(select(Municipality).where(
            Municipality.name == "Чусовской городской округ")).one()  # fmt: skip
        place.name = LONGEST_PLACE
        session.add(place)
        session.commit()
    with chromium(tmp_path / "profile") as browser:
        _laptop(browser, console, "moderator")
        _wait_for_tables(browser)
        browser.screenshot(ARTIFACTS / "queue-list-1366x768.png")
        assert browser.evaluate(SIDEWAYS) == [0]
        widths = dict(browser.evaluate(COLUMN_WIDTHS))
        assert list(widths) == ["№", "Время", "Муниципалитет", "Тема", "Текст"]
        places = browser.evaluate(f"({CELL_WIDTHS})('Муниципалитет')")
        assert {name for name, _ in places} == {"Краснокамский ГО", "Большесосновский МО"}
        assert [name for name, need in places if need > widths["Муниципалитет"]] == []
        # every time and topic cell as the list made it: whole in its column («…» its own)
        for title in ("Время", "Тема"):
            cells = browser.evaluate(f"({CELL_WIDTHS})({title!r})")
            assert [text for text, need in cells if need > widths[title]] == [], title
        assert widths["Текст"] >= 175, widths
        assert len(set(browser.evaluate(DECISION_TOPS))) == 1
        browser.call("Emulation.setDeviceMetricsOverride", width=1920, height=1080,
                     deviceScaleFactor=1, mobile=False)  # fmt: skip
        browser.wait_for(f"{COLUMN_WIDTHS}[4][1] > {widths['Текст'] + 100}")
        browser.settle()
        wide = dict(browser.evaluate(COLUMN_WIDTHS))
        browser.screenshot(ARTIFACTS / "queue-list-1920x1080.png")
        assert {c: wide[c] for c in wide if c != "Текст"} == {
            c: widths[c] for c in widths if c != "Текст"
        }
        assert wide["Текст"] >= 480, wide


def test_the_sources_page_fits_a_laptop_screen(
    console: str, console_users: dict[str, str], engine: Engine, tmp_path: Path
) -> None:
    """The sources list (eleven columns: «Состояние» onwards off the edge), the crawl summary
    and a source's runs all fit at 1,366 px; what a source collects and its last error are
    read whole under the list."""
    with Session(engine) as session:
        source = Source(
            kind="telegram_export",
            name="Выгрузка чата жителей микрорайона Гайва за весь прошлый год",
            target="/srv/otklik/exports/gaiva/2025/result.json",
            status="broken",
            last_error_at=now() - timedelta(hours=1),
            last_error="файл не найден: /srv/otklik/exports/gaiva/2025/result.json",
            role="residents",
            role_guessed=True,
        )
        session.add(source)
        session.commit()
        session.add(CrawlRun(source_id=source.id, status="failed", error=source.last_error,
                             finished_at=now()))  # fmt: skip
        session.commit()
    with chromium(tmp_path / "profile") as browser:
        _laptop(browser, f"{console}sources", "operator")
        _wait_for_tables(browser, 3)
        browser.screenshot(ARTIFACTS / "sources-1366x768.png")
        assert browser.evaluate(SIDEWAYS) == [0, 0, 0]
        browser.click_text("summary", "Что собирается и последние ошибки")
        browser.wait_for_text("файл не найден: /srv/otklik/exports/gaiva/2025/result.json")


# A category's topics as long as the rubricator's get: names of a hundred characters, a
# 29-character code, the longest agency type's name, an urgent one and a switched-off one.
HERITAGE_TOPICS = (
    ("heritage_monument_state_audit", "Разрушение и ненадлежащее содержание памятника: "
     "трещины, осыпание штукатурки, вандальные надписи на фасаде", "waste_operator"),
    ("heritage.signs", "Нет охранной таблички", "heritage_inspection"),
    ("heritage.works", "Работы на объекте наследия без согласования с инспекцией",
     "municipal_administration"),
)  # fmt: skip


def test_the_rubricator_table_fits_a_laptop_screen(
    console: str, seeded: dict[str, list[int]], engine: Engine, tmp_path: Path
) -> None:
    """The topics' editable table was 1,146 px wide in the 884 px beside the sidebar: Тип
    исполнителя, Активна and Категория were scrolled off the right edge."""
    with Session(engine) as session:
        session.add(Category(code="heritage", name=LONG_CATEGORY, position=0))
        session.add_all(
            Topic(code=code, category_code="heritage", name=name, agency_type=agency,
                  urgent=number == 0, active=number != 1, position=number)
            for number, (code, name, agency) in enumerate(HERITAGE_TOPICS)
        )  # fmt: skip
        session.commit()
    with chromium(tmp_path / "profile") as browser:
        _laptop(browser, f"{console}taxonomy", "admin")
        _wait_for_tables(browser)
        browser.evaluate("document.querySelector('[data-testid=stDataFrame]').scrollIntoView()")
        browser.screenshot(ARTIFACTS / "taxonomy-1366x768.png")
        assert browser.evaluate(SIDEWAYS) == [0]
        assert browser.evaluate(HEADERS) == [
            "Код", "Название", "SLA, ч", "Срочная", "Тип исполнителя", "Активна", "Категория",
        ]  # fmt: skip


def _figures(accuracy: float) -> dict[str, object]:
    coverage = {"0.95": 0.6125, "0.97": 0.4, "0.99": 0.0833}
    return {"n": 240, "accuracy": accuracy, "macro_f1": accuracy - 0.1, "coverage": coverage}


def test_the_model_metrics_fit_a_laptop_screen_with_decimal_commas(
    console: str, seeded: dict[str, list[int]], engine: Engine, tmp_path: Path
) -> None:
    """The current version's held-out figures, as a retrain stores them: every column on
    screen; «0,812», «Покрытие при 0,97» (a screenshot shows the grid's canvas)."""
    tasks = {
        "topic": _figures(0.7123),
        "signal": _figures(0.9012),
        "category": _figures(0.8123),
        "signal_operating": {"precision": 0.91, "recall": 0.8, "precision_at_recall": 0.9},
    }
    with Session(engine) as session:
        session.add(
            ModelVersion(
                name="model-20261201-120000",
                path="/nowhere",
                label_count=900,
                status=ModelStatus.CURRENT,
                metrics={"candidate": tasks, "current": tasks, "heldout": 240},
            )
        )
        session.commit()
    with chromium(tmp_path / "profile") as browser:
        _laptop(browser, f"{console}model", "admin")
        _wait_for_tables(browser, 2)  # the figures, the versions
        browser.screenshot(ARTIFACTS / "model-1366x768.png")
        assert browser.evaluate(SIDEWAYS)[0] == 0
        assert browser.evaluate(HEADERS)[:8] == [
            "Модель", "Задача", "Примеров", "Точность", "Макро-F1", "Покрытие при 0,95",
            "Покрытие при 0,97", "Покрытие при 0,99",
        ]  # fmt: skip


PLACES = ("Александровский", "Бардымский", "Гайнский", "Кизеловский", "Кочёвский", "Осинский",
          "Уинский", "Чердынский")  # fmt: skip
# The names on the y axis of the «Сигналы по муниципалитетам» bars: [text, top, height].
BAR_NAMES = """[...document.querySelectorAll('[data-testid=stVegaLiteChart] .role-axis')]
  .map(a => [...a.querySelectorAll('.role-axis-label text')].map(t => {
    const r = t.getBoundingClientRect(); return [t.textContent, r.top, r.height]; }))
  .find(labels => labels.some(([text]) => text.includes('муниципальный округ')))"""


def _signals_in_more_places(engine: Engine, source_id: int) -> None:
    """A signal in each of `PLACES` too: ten municipalities on the bar chart."""
    with Session(engine) as session:
        places = [Municipality(region_code="57", name=f"{name} муниципальный округ")
                  for name in PLACES]  # fmt: skip
        session.add_all(places)
        session.commit()
        posts = [PostCreate(external_id=f"place-{n}", text=f"Во дворе дома {n} нет воды",
                            text_original="-", published_at=now() - timedelta(hours=1))
                 for n in range(len(places))]  # fmt: skip
        ids = store_posts(session, source_id=source_id, posts=posts).new_ids
        for post_id, place in zip(ids, places, strict=True):
            session.add(Annotation(post_id=post_id, signal_confidence=0.9, category_code="zhkh",
                                   category_confidence=0.9, topic_code="zhkh.water",
                                   topic_confidence=0.9, municipality_id=place.id,
                                   municipality_confidence=0.9, reasons={}))  # fmt: skip
            post = session.get(Post, post_id)
            assert post is not None
            post.stage, post.review_status = PipelineStage.TRIAGED, ReviewStatus.CONFIRMED
            session.add(post)
        session.commit()


def test_the_municipality_bars_do_not_overlap_their_names(
    console: str, seeded: dict[str, list[int]], engine: Engine, tmp_path: Path
) -> None:
    """Ten municipalities: each name on its own line (the chart's total height was shared
    with its axis, and the names ran into each other)."""
    with Session(engine) as session:
        first = session.get(Post, seeded["posts"][0])
        assert first is not None
        source_id = first.source_id
    _signals_in_more_places(engine, source_id)
    with chromium(tmp_path / "profile") as browser:
        _laptop(browser, f"{console}analytics", "moderator")
        browser.wait_for(f"(({BAR_NAMES}) || []).length >= 10", timeout=60)
        browser.settle()
        names = browser.evaluate(BAR_NAMES)
        browser.evaluate("document.querySelector('[data-testid=stMain]').scrollTo(0, 650)")
        browser.screenshot(ARTIFACTS / "analytics-places-1366x768.png")
        tops = sorted(top for _, top, _ in names)
        height = max(h for _, _, h in names)
        assert min(b - a for a, b in pairwise(tops)) >= height, names


# A resident's post of six lines beside the list, as long as the demo's longer ones get.
LONG_POST = (
    "Краснокамск, улица Ленина 14: с утра прорвало трубу, вода хлещет из-под асфальта, "
    "подвал дома затоплен, в соседнем доме тоже нет воды. Аварийку вызывали два часа назад, "
    "никто не приехал, диспетчер говорит ждать. Во дворе дети, машины стоят в воде по "
    "колёса, управляющая компания трубку не берёт. Просим администрацию вмешаться, "
    "пока вода не дошла до электрощитовой в подвале."
)
# The page title's top, its gap from the sidebar and its size, the decision buttons'
# bottoms, the viewport's height and whether the sidebar's collapse control is there.
LAYOUT = """(() => {
  const h = document.querySelector('h1'); const buttons = ['Подтвердить', 'Не сигнал',
    'Исправить'].map(t => [...document.querySelectorAll('button')]
    .find(b => b.innerText.trim().startsWith(t) && !b.innerText.includes('выбран')));
  const side = document.querySelector('[data-testid=stSidebar]');  // none on the login form
  return {title: h.getBoundingClientRect().top, size: parseFloat(getComputedStyle(h).fontSize),
    gap: side ? h.getBoundingClientRect().left - side.getBoundingClientRect().right : null,
    buttons: buttons.map(b => b ? b.getBoundingClientRect().bottom : null),
    height: innerHeight,
    collapse: !!document.querySelector('[data-testid=stSidebarCollapseButton]')}; })()"""


def test_the_queue_s_title_and_decisions_fit_a_laptop_screen(
    console: str, seeded: dict[str, list[int]], engine: Engine, tmp_path: Path
) -> None:
    """Streamlit's 6rem band above every page and its 2.75rem h1 took the top 130 px: beside
    a six-line post the decision buttons were below the screen's bottom edge (776 px of
    768); the login form's title sat as low."""
    with Session(engine) as session:
        for post in session.exec(select(Post)):
            post.text = LONG_POST
            session.add(post)
        session.commit()
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium(tmp_path / "profile") as browser:
        browser.call("Emulation.setDeviceMetricsOverride", width=1366, height=768,
                     deviceScaleFactor=1, mobile=False)  # fmt: skip
        browser.open(console)
        browser.wait_for("document.querySelector('h1') !== null", timeout=60)
        browser.settle()
        assert browser.evaluate(LAYOUT)["title"] <= 72  # the login form (was 112)
        _log_in(browser, "moderator")
        _wait_for_tables(browser)
        browser.wait_for_text("Исправить")
        browser.screenshot(ARTIFACTS / "queue-dense-1366x768.png")
        layout = browser.evaluate(LAYOUT)
        # 48 px, 64 just after signing in (the cookie's script takes a row above)
        assert layout["title"] <= 72 and layout["size"] <= 30, layout
        assert layout["gap"] <= 32, layout  # 24 px beside the sidebar (was 80): the list's texts
        assert None not in layout["buttons"] and max(layout["buttons"]) <= layout["height"], layout
        assert layout["collapse"], layout


# The current post's text box: its height, the height of all its text, and its text.
TEXT_BOX = """(() => { const b = document.querySelector('.st-key-q_post_text');
  return b && {shown: b.clientHeight, whole: b.scrollHeight, text: b.innerText}; })()"""
ORIGINAL_LINKS = """[...document.querySelectorAll('a')]
  .filter(a => a.innerText === 'открыть оригинал').map(a => a.getAttribute('href'))"""


def test_a_long_post_under_a_long_post_leaves_the_decisions_on_a_laptop_screen(
    console: str, seeded: dict[str, list[int]], engine: Engine, tmp_path: Path
) -> None:
    """A real crawl's news posts run to 1,500 characters and more, and comments quote them:
    the decision buttons went under a 768-px screen's edge. The post's text now scrolls
    inside its card (all of it there), the parent is quoted in two lines, and the original's
    link is on the card's first line."""
    with Session(engine) as session:
        posts = [session.get(Post, post_id) for post_id in seeded["posts"]]
        source_id = posts[0].source_id  # type: ignore[union-attr]
        quoted = PostCreate(external_id="news-1", text=LONG_POST * 3, text_original="-",
                            published_at=now() - timedelta(hours=5))  # fmt: skip
        store_posts(session, source_id=source_id, posts=[quoted])  # stored, not in the queue
        for post in posts:
            assert post is not None
            post.text = f"{LONG_POST * 5} Конец жалобы."
            post.parent_external_id = "news-1"
            session.add(post)
        session.commit()
    with chromium(tmp_path / "profile") as browser:
        _laptop(browser, console, "moderator")
        browser.wait_for_text("В ответ на", timeout=60)
        browser.settle()
        browser.screenshot(ARTIFACTS / "queue-long-post-1366x768.png")
        layout = browser.evaluate(LAYOUT)
        assert None not in layout["buttons"] and max(layout["buttons"]) <= layout["height"], layout
        box = browser.evaluate(TEXT_BOX)
        assert box["whole"] > box["shown"] * 2, box  # it scrolls, and nothing was cut off
        assert box["text"].rstrip().endswith("Конец жалобы."), box["text"][-80:]
        current = browser.evaluate(FIRST_POST)
        with Session(engine) as session:
            shown = session.get(Post, current)
            assert shown is not None and shown.url
            assert browser.evaluate(ORIGINAL_LINKS) == [shown.url]
