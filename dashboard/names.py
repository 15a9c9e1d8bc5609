"""Russian names of the codes the console would otherwise show raw (one place for them)."""

from models.post import PostKind, ReviewStatus
from triage.export_labels import SOURCE_KIND_NAMES

AGENCY_TYPE_NAMES = {
    "capital_repair_fund": "фонд капитального ремонта",
    "construction_department": "управление строительства",
    "consumer_protection": "защита прав потребителей",
    "culture_department": "управление культуры",
    "education_department": "управление образования",
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
    "orphan_short_reply": "короткий ответ на комментарий, который не был получен",
    "advert": "реклама: помечена соцсетью или несёт маркировку рекламы",
    "commercial_offer": "реклама: объявление о продаже, аренде или услугах с контактом для связи",
    "priced_sale": "реклама: объявление о продаже с ценой (связь через автора)",
    "promotion": "реклама: розыгрыш, призыв подписаться на канал или группу, рекламная пометка",
    "sale_listing": "реклама: объявление о продаже авто или вещи (цена, год, пробег, состояние)",
    "vacancy": "реклама: вакансия работодателя (требуется, зарплата, график)",
}


def source_kind(code: str) -> str:
    return SOURCE_KIND_NAMES.get(code, "другой источник")  # type: ignore[call-overload]


def agency_type(code: str) -> str:
    """A known type by its Russian name; an operator's own new type as typed."""
    return AGENCY_TYPE_NAMES.get(code, code.replace("_", " "))


def review_status(code: str) -> str:
    return REVIEW_STATUS_NAMES.get(code, "—")  # type: ignore[call-overload]


def actor(name: str) -> str:
    return ACTOR_NAMES.get(name, name)


def label_origin(code: str) -> str:
    return LABEL_ORIGIN_NAMES.get(code, "другая разметка")
