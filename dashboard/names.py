"""Russian names of the codes the console would otherwise show raw (one place for them)."""

import re

from dashboard.numbers import decimal
from models.post import PostKind, ReviewStatus
from triage.export_labels import SOURCE_KIND_NAMES

AGENCY_TYPE_NAMES = {
    "capital_repair_fund": "фонд капитального ремонта",
    "construction_department": "управление строительства",
    "consumer_protection": "защита прав потребителей",
    "culture_department": "управление культуры",
    "education_department": "управление образования",
    "emergency_service": "служба МЧС",
    "environment_ministry": "министерство природных ресурсов",
    "gas_utility": "газовая служба",
    "health_ministry": "министерство здравоохранения",
    "heritage_inspection": "инспекция по охране наследия",
    "housing_inspection": "жилищная инспекция",
    "management_company": "управляющая компания",
    "mfc": "МФЦ",
    "municipal_administration": "администрация муниципалитета",
    "police": "полиция",
    "power_grid": "электросети",
    "property_ministry": "министерство имущества",
    "road_agency": "дорожная служба",
    "sanitary_service": "санитарная служба",
    "social_protection": "социальная защита",
    "sport_department": "управление спорта",
    "telecom": "оператор связи",
    "transport_agency": "транспортная служба",
    "utility": "коммунальная служба",
    "veterinary_service": "ветеринарная служба",
    "waste_operator": "региональный оператор по отходам",
    "water_utility": "водоканал",
}

REVIEW_STATUS_NAMES = {
    ReviewStatus.PENDING: "ещё не разобран",
    ReviewStatus.AUTO_ACCEPTED: "принят автоматически",
    ReviewStatus.NEEDS_REVIEW: "ждёт модератора",
    ReviewStatus.CONFIRMED: "подтверждён",
    ReviewStatus.CORRECTED: "исправлен модератором",
    ReviewStatus.NOT_SIGNAL: "не сигнал",
}

POST_KIND_NAMES = {
    PostKind.POST: "пост",
    PostKind.COMMENT: "комментарий",
    PostKind.MESSAGE: "сообщение",
    PostKind.APPEAL: "обращение из таблицы",
}

LABEL_ORIGIN_NAMES = {
    "moderator": "решения модераторов",
    "seed": "исходные примеры",
    "import": "импортированная разметка",
}

ACTOR_NAMES = {"system": "система", "model": "модель", "anonymous": "неизвестный"}

# nlp.structure.REASONS and nlp.annotator.WORDLESS_KINDS: why the structure alone made an
# item «не сигнал»
STRUCTURE_REASON_NAMES = {
    "empty": "пустой текст",
    "link_only": "только ссылка, без слов",
    "emoji_only": "только эмодзи и символы, без слов",
    "authority_post": "собственный пост администрации на её странице",
    "page_reply": "ответ самой страницы в комментариях (её публичный ответ)",
    "official_account": "комментарий другого официального аккаунта",
    "orphan_short_reply": "короткое «у нас тоже» к комментарию, который не был получен",
    "advert": "реклама: помечена соцсетью или несёт маркировку рекламы",
    "commercial_offer": "реклама: объявление о продаже, аренде или услугах с контактом для связи",
    "priced_sale": "реклама: объявление о продаже с ценой (связь через автора)",
    "promotion": "реклама: розыгрыш, призыв подписаться на канал или группу, рекламная пометка",
    "sale_listing": "реклама: объявление о продаже авто или вещи (цена, год, пробег, состояние)",
    "vacancy": "реклама: вакансия работодателя (требуется, зарплата, график)",
    "outlet_report": "новость СМИ о преступлении, суде или прогнозе погоды",
    "short_alone": "несколько слов без ветки на странице неизвестной роли: ни проблемы, ни адреса",
}


def source_kind(code: str) -> str:
    return SOURCE_KIND_NAMES.get(code, "другой источник")  # type: ignore[call-overload]


def agency_type(code: str) -> str:
    """A known type by its Russian name; an operator's own new type as typed."""
    return AGENCY_TYPE_NAMES.get(code, code.replace("_", " "))


# as the reports list shortens agencies (`views.short_agency`): the longest types fit a
# narrow column
_AGENCY_TYPE_WORDS = (("министерство ", "мин. "), ("региональный оператор", "регоператор"))


def short_agency_type(code: str) -> str:
    """`agency_type` with the usual abbreviations: «мин. здравоохранения»."""
    name = agency_type(code)
    for long, short in _AGENCY_TYPE_WORDS:
        name = name.replace(long, short)
    return name


def review_status(code: str) -> str:
    return REVIEW_STATUS_NAMES.get(code, "—")  # type: ignore[call-overload]


def actor(name: str) -> str:
    return ACTOR_NAMES.get(name, name)


def label_origin(code: str) -> str:
    return LABEL_ORIGIN_NAMES.get(code, "другая разметка")


# nlp.learning.is_not_worse's reasons for a promotion or a rejection, in Russian
MODEL_TASK_NAMES = {"topic": "тема", "signal": "сигнал / не сигнал"}
MODEL_FIGURE_NAMES = {"accuracy": "точность", "macro_f1": "макро-F1"}
_MODEL_REASONS = {
    "no comparison with the current model on held-out labels":
        "нет сравнения с текущей моделью на отложенной выборке",
    "not worse than the current model on held-out labels":
        "не хуже текущей модели на отложенной выборке",
}  # fmt: skip
_WORSE_FIGURE = re.compile(r"(\w+) (accuracy|macro_f1) ([\d.]+) < current ([\d.]+)")
_WORSE_OPERATING = re.compile(r"signal precision at (\d+)% recall ([\d.]+) < current ([\d.]+)")


def model_reason(reason: str) -> str:
    """Why a version was promoted or rejected, in Russian, decimals with a comma: «тема:
    точность 0,612 ниже, чем у текущей (0,700)»; an unknown reason as it is."""
    if reason in _MODEL_REASONS:
        return _MODEL_REASONS[reason]
    if worse := _WORSE_FIGURE.fullmatch(reason):
        task, figure, new, old = worse.groups()
        return (f"{MODEL_TASK_NAMES.get(task, task)}: {MODEL_FIGURE_NAMES[figure]} "
                f"{_figure(new)} ниже, чем у текущей ({_figure(old)})")  # fmt: skip
    if worse := _WORSE_OPERATING.fullmatch(reason):
        recall, new, old = worse.groups()
        return (f"сигнал / не сигнал: точность при полноте {recall} % {_figure(new)} "
                f"ниже, чем у текущей ({_figure(old)})")  # fmt: skip
    return reason


def _figure(text: str) -> str:
    """A figure the core wrote with three decimals, «0.612», as «0,612»."""
    return decimal(float(text), 3)
