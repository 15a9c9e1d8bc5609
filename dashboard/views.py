"""Small formatting helpers shared by the pages: records in, display rows out."""

import functools
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from dashboard import columns, names, resources
from dashboard.address_names import human_address
from dashboard.agency_names import short_agency
from dashboard.charts import short_name
from dashboard.numbers import decimal
from dashboard.queries import EMPTIED
from dashboard.text import escape_markdown
from models.annotation import Annotation
from models.audit import AuditEvent
from models.clock import now
from models.incident import Incident, IncidentStatus
from models.learning import ModelVersion
from models.post import Post
from models.source import Source
from triage.emptied import is_empty
from triage.export_labels import STATUS_NAMES
from triage.report_list import ReportRow
from triage.scope import Scope

INCIDENT_STATUS_NAMES: dict[str | None, str] = {
    "open": "открытые",
    "reported": "переданы в обращения",
    "closed": "закрытые",
    EMPTIED: "пустые",  # closed with no posts left: apart from the closed problems
    "merged": "объединённые",
    None: "все",
}

SOURCE_STATUS_NAMES = {
    "ok": "работает",
    "backing_off": "пауза (лимит)",
    "broken": "ошибка доступа",
    "gone": "недоступен",
    "disabled": "отключён",
}


def local_time(moment: datetime | None) -> str:
    """A UTC moment in the region's time zone (OTKLIK_TIMEZONE), "—" when unknown."""
    if moment is None:
        return "—"
    zone = ZoneInfo(resources.settings().timezone)
    return moment.astimezone(zone).strftime("%d.%m.%Y %H:%M")


# The sources list's columns, in pixels; the name takes the rest (`dashboard.columns`). What
# each source collects and its last error are under the list, whole (`source_details`).
SOURCE_WIDTHS = {
    "Тип": 136,
    "Состояние": 112,
    "Роль": 172,
    "Последний успех": 124,
    "За сутки": 76,
    "Постов всего": 104,
}
SOURCE_COLUMNS = ("Название", "Тип", "Состояние", "Роль", "Последний успех", "За сутки",
                  "Постов всего")  # fmt: skip
SOURCE_SIZED = columns.widths(SOURCE_COLUMNS, SOURCE_WIDTHS, rest="Название")
SOURCE_CONFIG = columns.config(
    SOURCE_SIZED,
    numbers={"За сутки": "%d", "Постов всего": "%d"},
    notes={"За сутки": "Новых постов за последние сутки", "Постов всего": "Собрано за всё время"},
)


def sources_table(rows: list[Source], per_day: list[int]) -> list[dict[str, Any]]:
    """The sources list: every column fits a 1,366-px screen; a switched-off source says so
    in «Состояние»."""
    return [
        {
            "Название": columns.cut(row.name, SOURCE_SIZED["Название"]),
            "Тип": names.source_kind(row.kind),
            "Состояние": SOURCE_STATUS_NAMES.get(row.status, row.status)
            if row.enabled
            else SOURCE_STATUS_NAMES["disabled"],
            "Роль": role_name(row),
            "Последний успех": short_time(row.last_success_at),
            "За сутки": day,
            "Постов всего": row.posts_fetched,
        }
        for row, day in zip(rows, per_day, strict=True)
    ]


def source_details(row: Source) -> str:
    """What a source collects and its last error, whole, as escaped Markdown."""
    kind, target = names.source_kind(row.kind), escape_markdown(row.target)
    line = f"**{escape_markdown(row.name)}** · {kind}: {target}"
    if row.last_error_at is None:
        return f"{line} · ошибок не было"
    error = escape_markdown(row.last_error or "без текста")
    return f"{line} · последняя ошибка {local_time(row.last_error_at)}: {error}"


ROLE_NAMES = {
    "authority": "администрация",
    "residents": "паблик жителей",
    "media": "СМИ",
}


def role_name(source: Source) -> str:
    """The source's role in Russian; a guessed one says so."""
    if source.role is None:
        return "не определена"
    name = ROLE_NAMES.get(source.role, source.role)
    return f"{name} (угадана)" if source.role_guessed else name


MODEL_STATUS_NAMES = {
    "candidate": "кандидат",
    "current": "текущая",
    "retired": "в архиве",
    "rejected": "отклонена",
}


def versions_table(rows: list[ModelVersion]) -> list[dict[str, Any]]:
    return [
        {
            "№": row.id,
            "Версия": row.name,
            "Статус": MODEL_STATUS_NAMES.get(row.status, row.status),
            "Примеров": row.label_count,
            "Создана": local_time(row.created_at),
            "Проверочных": row.metrics.get("heldout") or "—",
        }
        for row in rows
    ]


def show_metrics(metrics: dict[str, Any]) -> None:
    """Held-out figures of a version: accuracy, macro F1 and coverage at each precision; the
    signal's figures at the model's threshold under them (other columns than the table's)."""
    rows = [
        {
            "Модель": MODEL_ROLE_NAMES.get(role, role),
            "Задача": TASK_NAMES.get(task, task),
            "Примеров": figures.get("n"),
            "Точность": figures.get("accuracy"),
            "Макро-F1": figures.get("macro_f1"),
            # the precision as a key, "0.97": «при 0,97»
            **{f"Покрытие при {decimal(float(p), 2)}": v
               for p, v in (figures.get("coverage") or {}).items()},
        }
        for role, tasks in metrics.items()
        if isinstance(tasks, dict)
        for task, figures in tasks.items()
        if task in TASK_NAMES and isinstance(figures, dict)
    ]  # fmt: skip
    if rows:
        frame = pd.DataFrame(rows)
        figures = [name for name in frame.columns if name not in ("Модель", "Задача", "Примеров")]
        st.dataframe(
            with_decimals(frame, dict.fromkeys(figures, METRIC_DIGITS)),
            hide_index=True,
            column_config={"Примеров": st.column_config.NumberColumn(format="%d")},
        )
    else:
        st.caption("Метрик нет.")
    for role, tasks in metrics.items():
        operating = tasks.get("signal_operating") if isinstance(tasks, dict) else None
        if isinstance(operating, dict):
            st.caption(
                f"Сигнал / не сигнал на пороге модели ({MODEL_ROLE_NAMES.get(role, role)}): "
                f"точность {decimal(operating.get('precision'), METRIC_DIGITS)}, "
                f"полнота {decimal(operating.get('recall'), METRIC_DIGITS)}; точность при "
                f"рабочей полноте {decimal(operating.get('precision_at_recall'), METRIC_DIGITS)}"
            )


MODEL_ROLE_NAMES = {"candidate": "эта версия", "current": "предыдущая"}
METRIC_DIGITS = 3  # as the promotion's reasons compare them
TASK_NAMES = {"category": "категория", "topic": "тема", "signal": "сигнал / не сигнал"}


def incident_status(status: str | None) -> str:
    """The incidents filter's name for a status, plural: «открытые»."""
    return INCIDENT_STATUS_NAMES.get(status, str(status))


def one_incident_status(status: str) -> str:
    """One incident's status: «открыт», as its row in the list says."""
    return ROW_STATUS_NAMES.get(status, status)


def category_name(code: str | None) -> str:
    return "все категории" if code is None else resources.categories().get(code, code)


def topic_name(code: str | None) -> str:
    return "—" if code is None else resources.topics().get(code, ("", code))[1]


def problem_markdown(category_code: str | None, topic_code: str | None) -> str:
    """An incident's problem, escaped for markdown: «ЖКХ: Прорыв трубы/трубопровода»,
    «категория не определена»."""
    problem = resources.categories().get(category_code or "", "категория не определена")
    if not topic_code:
        return escape_markdown(problem)
    return f"{escape_markdown(problem)}: {escape_markdown(topic_name(topic_code))}"


def municipality_name(municipality_id: int | None) -> str:
    if municipality_id is None:
        return "все муниципалитеты"
    return resources.municipalities().get(municipality_id, f"№{municipality_id}")


def scoped_municipalities(scope: Scope) -> list[int]:
    """The municipalities a user may filter by: their own, or all for regional staff."""
    return [i for i in resources.municipalities() if scope.covers_municipality(i)]


def address_text(key: str | None, read: object = None) -> str:
    """The addresses of a post (or an incident) as a person writes them: «ленин 14», read
    as «улица Ленина 14» -> «ул. Ленина, д. 14»; several are listed. `read`: the
    annotation's `reasons["addresses"]`, the words each key was made from."""
    if not key:
        return "не найден"
    spans = {
        address["key"]: address["span"]
        for address in (read if isinstance(read, list) else [])
        if isinstance(address, dict)
        and isinstance(address.get("key"), str)
        and isinstance(address.get("span"), str)
    }
    return "; ".join(
        human_address(part, spans.get(part)) for part in key.split("; ") if part.strip()
    )


def post_address(annotation: Annotation) -> str:
    """The addresses a post names, in the words it used (`address_text`)."""
    return address_text(annotation.address_key, (annotation.reasons or {}).get("addresses"))


def incident_link(incident_id: int | None, word: str = "инцидент") -> str:
    """«инцидент №N» (or `word` in the sentence's case) as a markdown link to its page."""
    return f"[{word} №{incident_id}](incidents?incident={incident_id})"


def report_link(report_id: int | None, word: str = "обращение") -> str:
    """«обращение №N» (or `word` in the sentence's case) as a markdown link to its page."""
    return f"[{word} №{report_id}](reports?report={report_id})"


def short_title(title: str) -> str:
    """An incident's title as a link or a choice shows it: at most 80 characters, cut after
    a word with «…» («…жалобы на…», not «…жалобы на о»)."""
    return columns.shorten(title, 80)


def incident_label(incident: Incident) -> str:
    return f"№{incident.id}: {short_title(incident.title)}"


# Why an incident with no posts (`triage.emptied.is_empty`) is still there: on its card, and
# shorter in the list, whose title column has some 23 characters when the status is shown.
EMPTIED_REASON = "пуст: посты перенесены или отклонены"
EMPTIED_SHORT = "пуст: посты убраны"


def empty_reason(incident: Incident, *, short: bool = False) -> str | None:
    """Why an incident with no posts is still there: «объединён с №12», «пуст: посты
    перенесены или отклонены» (`short`: «пуст: посты убраны»); None while it has posts."""
    if not is_empty(incident):
        return None
    if (target := _merged_into(incident)) is not None:
        return f"объединён с №{target}"
    return EMPTIED_SHORT if short else EMPTIED_REASON


def card_status(incident: Incident) -> str:
    """The card's status, «открыт»; a merged incident's says where its posts went:
    «объединён с [инцидентом №12](incidents?incident=12)»."""
    if (target := _merged_into(incident)) is not None:
        return f"объединён с {incident_link(target, 'инцидентом')}"
    return one_incident_status(incident.status)


def card_posts(incident: Incident) -> str | None:
    """The card's «постов: 3», or why it has none, «пуст: посты перенесены или отклонены»;
    None for a merged incident (`card_status` says it)."""
    if _merged_into(incident) is not None:
        return None
    return empty_reason(incident) or f"постов: {incident.post_count}"


def _merged_into(incident: Incident) -> int | None:
    """The incident a merged one was folded into; None for any other."""
    return incident.merged_into_id if incident.status == IncidentStatus.MERGED else None


ROW_STATUS_NAMES = {  # one incident's status in the list (the filter names the plural)
    "open": "открыт",
    "reported": "в обращении",
    "closed": "закрыт",
    "merged": "объединён",
}

# The incidents list's columns, in pixels; the title takes the rest (`dashboard.columns`).
INCIDENT_WIDTHS = {
    "№": 48,
    "Приоритет": 84,
    "Постов": 64,
    "Статус": 100,
    "Категория": 150,
    "Последний пост": 116,
}  # «Муниципалитет»: as wide as the longest the page names (`columns.fitted`)
INCIDENT_COLUMNS = ("№", "Приоритет", "Постов", "Заголовок", "Статус", "Категория",
                    "Муниципалитет", "Последний пост")  # fmt: skip


def incident_widths(rows: list[Incident], *, with_status: bool) -> dict[str, int]:
    """The list's columns and widths (`with_status`: the «Статус» column shown), the
    municipality as wide as the longest the rows name."""
    shown = [name for name in INCIDENT_COLUMNS if with_status or name != "Статус"]
    fixed = columns.fitted(INCIDENT_WIDTHS, "Муниципалитет", map(_listed_place, rows))
    return columns.widths(shown, fixed, rest="Заголовок", ticked=True)


def incident_columns(rows: list[Incident], *, with_status: bool) -> dict[str, Any]:
    """`st.column_config` of the incidents list: every column fits a 1,366-px screen."""
    return columns.config(
        incident_widths(rows, with_status=with_status),
        numbers={"№": "%d", "Приоритет": None, "Постов": "%d"},  # «0,45»: `incidents_table`
        notes={"Заголовок": "Начало заголовка; целиком — в карточке инцидента под списком"},
    )


def incidents_table(rows: list[Incident], *, with_status: bool = True) -> Styler:
    """The incidents list's rows. The priority the list is sorted by, and the posts, come
    right after the number. At 1,366 px every column fits: the title and a long category
    are cut with «…» (whole in the incident's card), the municipality is short
    («Краснокамский ГО»), the time without this year, and the status is shown only when the
    filter does not already say it (`with_status`). The priority reads «0,45»."""
    sized = incident_widths(rows, with_status=with_status)
    listed = [
        {
            "№": row.id,
            "Приоритет": row.priority,
            "Постов": row.post_count,
            "Заголовок": columns.cut(_listed_title(row), sized["Заголовок"]),
            **({"Статус": ROW_STATUS_NAMES.get(row.status, row.status)} if with_status else {}),
            "Категория": columns.cut(category_name(row.category_code), sized["Категория"])
            if row.category_code
            else "—",
            "Муниципалитет": _listed_place(row),
            "Последний пост": short_time(row.last_post_at),
        }
        for row in rows
    ]
    return with_decimals(pd.DataFrame(listed), {"Приоритет": 2})


def _listed_place(incident: Incident) -> str:
    """The list's short municipality name, «Краснокамский ГО» («—» when not found)."""
    if not incident.municipality_id:
        return "—"
    return short_name(municipality_name(incident.municipality_id))


def _listed_title(incident: Incident) -> str:
    """An incident with no posts says why first: «объединён с №12 — Прорвало трубу…»."""
    why = empty_reason(incident, short=True)
    return incident.title if why is None else f"{why} — {incident.title}"


def short_time(moment: datetime | None) -> str:
    """ "20.11 20:33" this year, "20.11.2025" an earlier one: a time column that fits a
    laptop screen ("—" when unknown)."""
    if moment is None:
        return "—"
    local, today = _local(moment)
    if local.year == today.year:
        return local.strftime("%d.%m %H:%M")
    return local.strftime("%d.%m.%Y")


def time_or_day(moment: datetime | None) -> str:
    """ "20:33" today, "20.11" earlier this year, "20.11.2025" before: the queue's narrow
    time column (a day's crawl is mostly today's posts; the post's card has the full time)."""
    if moment is None:
        return "—"
    local, today = _local(moment)
    if local.date() == today.date():
        return local.strftime("%H:%M")
    return local.strftime("%d.%m" if local.year == today.year else "%d.%m.%Y")


def _local(moment: datetime) -> tuple[datetime, datetime]:
    """`moment` and now, both in the console's time zone."""
    zone = ZoneInfo(resources.settings().timezone)
    return moment.astimezone(zone), now().astimezone(zone)


def reach(post: Post) -> str:
    counters = [
        ("просмотры", post.views),
        ("лайки", post.likes),
        ("репосты", post.reposts),
        ("комментарии", post.comments),
    ]
    shown = [f"{name}: {value}" for name, value in counters if value is not None]
    return ", ".join(shown) or "охват неизвестен"


def marks(annotation: Annotation | None) -> dict[str, str]:
    """Phrases to highlight: the matched place, the addresses read (what the «Адрес» key was
    made from, so a moderator sees which words it came from) and the model's cue words."""
    if annotation is None:
        return {}
    found: dict[str, str] = {}
    cues = annotation.reasons.get("cues") or annotation.reasons.get("keywords") or []
    for cue in cues if isinstance(cues, list) else []:
        if isinstance(cue, str):
            found[cue] = "cue"
    addresses = annotation.reasons.get("addresses") or []
    for address in addresses if isinstance(addresses, list) else []:
        span = address.get("span") if isinstance(address, dict) else None
        if isinstance(span, str) and address.get("key"):
            found[span.strip(" ,.;:")] = "address"
    if annotation.municipality_span:
        found[annotation.municipality_span] = "place"
    return found


REPORT_STATUS_NAMES = STATUS_NAMES


def report_status(status: str) -> str:
    return REPORT_STATUS_NAMES.get(status, status)


def time_left(due_at: datetime | None, at: datetime) -> str:
    """ "осталось 5 ч 10 мин", "осталось 6 дн 18 ч" or "просрочено на 2 ч 5 мин" ("—"
    without a deadline)."""
    if due_at is None:
        return "—"
    seconds = int((due_at - at).total_seconds())
    span = _span(seconds)
    return f"осталось {span}" if seconds >= 0 else f"просрочено на {span}"


def short_time_left(due_at: datetime | None, at: datetime) -> str:
    """The list's «Осталось»: "5 ч 10 мин", "6 дн 18 ч"; past the deadline "−2 ч 5 мин"
    (the row is red too); "—" without a deadline."""
    if due_at is None:
        return "—"
    seconds = int((due_at - at).total_seconds())
    return _span(seconds) if seconds >= 0 else f"−{_span(seconds)}"


def _span(seconds: int) -> str:
    hours, minutes = divmod(abs(seconds) // 60, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} дн {hours} ч"
    return f"{hours} ч {minutes} мин" if hours else f"{minutes} мин"


def timeline_table(events: list[AuditEvent]) -> list[dict[str, Any]]:
    return [
        {
            "Когда": local_time(event.at),
            "Кто": event.actor,
            "Действие": event.action,
            "Было": _compact(event.before),
            "Стало": _compact(event.after),
        }
        for event in events
    ]


def _compact(values: dict[str, Any] | None) -> str:
    if not values:
        return ""
    return "; ".join(f"{key}: {value}" for key, value in values.items())


# The reports list's columns, in pixels; the problem takes the rest (`dashboard.columns`).
REPORT_WIDTHS = {
    "№": 48,
    "Осталось": 96,
    "Срок": 84,
    "Статус": 124,
    "Исполнитель": 160,  # «Адм. Березниковск. ГО»: whose administration (`agency_names`)
    "Срочное": 72,
}  # «Муниципалитет»: as wide as the longest the page names (`columns.fitted`)
REPORT_COLUMNS = ("№", "Осталось", "Срок", "Статус", "Проблема", "Исполнитель",
                  "Муниципалитет", "Срочное")  # fmt: skip
REPORT_NOTES = {
    "Осталось": "До срока ответа; с минусом — срок прошёл столько назад",
    "Проблема": "Начало; целиком — в карточке обращения под списком",
    "Исполнитель": "Сокращённо; полное название — в карточке обращения под списком",
}


def report_widths(rows: list[ReportRow]) -> dict[str, int]:
    """The reports list's widths: the municipality as wide as the longest the rows name
    («Большесосновский МО» whole), the problem all the rest."""
    fixed = columns.fitted(REPORT_WIDTHS, "Муниципалитет", map(_report_place, rows))
    return columns.widths(REPORT_COLUMNS, fixed, rest="Проблема", ticked=True)


def report_columns(rows: list[ReportRow]) -> dict[str, Any]:
    """`st.column_config` of the reports list showing `rows`."""
    return columns.config(report_widths(rows), numbers={"№": "%d"}, notes=REPORT_NOTES)


def reports_table(rows: list[ReportRow], *, at: datetime) -> Styler:
    """Reports with their time left first; overdue rows in red. At 1,366 px every column
    fits (`report_columns`): the problem cut with «…», the agency named so that it differs
    from the others (`agency_names`), the municipality short and whole, the deadline without
    this year."""
    sized = report_widths(rows)
    frame = pd.DataFrame(
        [
            {
                "№": row.id,
                "Осталось": short_time_left(row.due_at, at) if row.status in RUNNING else "—",
                "Срок": short_time(row.due_at) if row.status in RUNNING else "—",
                "Статус": report_status(row.status),
                "Проблема": columns.cut(row.title, sized["Проблема"]),
                "Исполнитель": short_agency(row.agency, sized["Исполнитель"])
                if row.agency
                else "—",
                "Муниципалитет": _report_place(row),
                "Срочное": "да" if row.urgent else "",
            }
            for row in rows
        ]
    )
    overdue = [row.overdue for row in rows]
    return frame.style.apply(
        lambda column: [OVERDUE_STYLE if late else "" for late in overdue], axis=0
    )


def _report_place(row: ReportRow) -> str:
    return short_name(row.municipality) if row.municipality else "—"


OVERDUE_STYLE = "background-color: #ffebee; color: #b71c1c"
# The item open beside or under a list (the queue's current post, the incident or report
# shown below its list): its row pale yellow, apart from a ticked row's pale red.
OPENED_STYLE = "background-color: #fff3c4"


def marked_row(styler: Styler, at: int | None) -> Styler:
    """`styler` with row `at` (by position; None: none) drawn as the open item's."""
    if at is None:
        return styler
    return styler.apply(lambda row: [OPENED_STYLE if row.name == at else ""] * len(row), axis=1)


# the agency owes an answer and the clock runs (not paused waiting for the citizen)
RUNNING = frozenset({"new", "sent", "in_progress", "reopened"})
CLOSED = {"resolved", "rejected", "duplicate", "not_in_competence", "withdrawn"}


def share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def hours(value: float | None) -> str:
    return decimal(value, 1)


def with_decimals(frame: pd.DataFrame, digits: dict[str, int]) -> Styler:
    """`frame` with the `digits` columns shown by `decimal` ("0,45"): they stay numbers, so
    the table sorts them as numbers (a text column would put "10,5" before "9,2"). Their
    `column_config` must give no format: that would win over this one."""
    return frame.style.format(
        {name: functools.partial(decimal, digits=places) for name, places in digits.items()}
    )


def confidence(value: float) -> str:
    """A model's confidence as the queue writes it, "0,31"; below 0.005 "<0,01", not a
    "0,00" that reads as "the model rules this out" (a share of 0.0012, or one stored as 0.0
    after rounding to four places: the model never gives a topic exactly 0)."""
    return "<" + decimal(0.01, 2) if value < 0.005 else decimal(value, 2)
