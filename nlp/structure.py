"""Decisions the structure of an item makes before its words are read.

Who wrote an item and where it sits are facts, not guesses: a page's own reply in its
comments and an authority's own post are never residents' signals; a short reply means
nothing without its parent, so it is read with it, and when the parent was never fetched it
gets a decision of its own. An item whose author is not known is read as a resident's.
An advert is marked as one: by the network (VK's `marked_as_ads`) or by the registration
token Russian law requires in every advert online («erid: 4Xq7Kd…», `?erid=…` in its links),
or plainly by its words (`commercial_offer`): something offered for sale, rent or money and a
way to get in touch, with no word of a complaint; a seller's own sale with its price and no
contact at all (`priced_sale`: on VK the author is the contact); a giveaway, an invitation to
follow a channel or a sponsor's mark (`promotion`, `nlp.promotion`), again with no complaint;
a car or a thing for sale by its shape, its asking price and a car's description or a thing's
condition (`sale_listing`, `nlp.sale_listing`); an employer's offer of a job with its terms
(`vacancy`, `nlp.vacancy`). A news outlet's own post that speaks as the police and courts or as
forecasters do (`outlet_report`, `nlp.outlet_report`: the labels make crime, courts and weather
warnings news), again with no complaint. A short text read alone on a page of unknown role
(`short_alone`: no parent to read it with, at most SHORT_ALONE_WORDS words) that names no
problem, address or complaint (`nlp.problem_cue`) is chatter: «Снег идёт», «Иду домой по улице».
"""

import re
from dataclasses import dataclass

from models.annotation import PostContext
from nlp.echo import echoes
from nlp.outlet_report import is_outlet_report
from nlp.problem_cue import names_problem
from nlp.promotion import PROMOTION_MARK, is_promotion
from nlp.sale_listing import LISTING_MARK, PRICE_FIGURE, is_sale_listing
from nlp.text import clean_text, has_letters
from nlp.urgency import urgency_cues
from nlp.vacancy import VACANCY_MARK, is_vacancy

# The head of a text the advert rules read: an advert says what it is early, and a price's
# pattern over a long run of figures costs time with the square of its length (16,000
# characters of «1 1 1…» after «продам» took 2 s); the complaint guard reads the whole text.
MAX_ADVERT_CHARS = 3_000
SHORT_REPLY_WORDS = 6  # "у нас тоже", "+1", "так и не убрали": read with the parent
# A text read alone on a page of unknown role, of at most this many words (after
# `clean_text`, counting those with a letter or a figure), passes only when it names a
# problem (`short_alone`). Measured on the labelled Stavropol comments (BENCHMARKS.md, "Stop
# 36"): no labelled signal of at most six words lacks a cue, the first one of seven does;
# five keeps two words of margin.
SHORT_ALONE_WORDS = 5
MAX_SHORT_CHARS = 1_000  # longer is never a few words (a long link's text is not read so)
# The advert's registration token (ФЗ «О рекламе», ст. 18.1: every advert online carries its
# ОРД id): «erid: 4Xq7Kd…», «Erid 4Xq7KdPz2Ab», `?erid=5KmR…` or `erid_6PzT…` in a link.
# (the look-behind after the «e»: `re` skips ahead to it fast, 3× less time per text)
AD_TOKEN = re.compile(r"e(?<![0-9a-zа-яё]e)rid[\s:=_]+[0-9a-z]{6,}", re.IGNORECASE)

# A commercial offer (`is_commercial_offer`), read in lowercase with «ё» as «е»: a seller's
# or buyer's own words (`_SELLER`: «продам», «сдаю», «куплю», «скидка», «торг»…) — or a price,
# «услуги», «недорого» (`_PRICE`) — beside a way to get in touch, and no complaint. Chosen on
# the development rows of the labelled social sample (BENCHMARKS.md, "Adverts by their
# words"): a plain web link is how news posts cite their source, so it counts as a contact
# only beside a seller's own words, not beside a price or «услуги».
_SELLER = (
    r"прода(?:м|ю|ем|ется|ются)|в продаже|сда(?:м|ю|ем|ется|ются)|куплю|покупаю|"
    r"выкуп(?:лю|им|аем)|обменяю|скидк[аиуеой]\w*|торг|в наличии|"
    r"закажите|заказывайте|под заказ"
)
_PRICE = (
    r"цен[аыуе]|стоимост[ьи]|прайс|услуг[аиу]?|акци[яиюей]|недорог\w*|дешев\w*|доставк\w*|"
    r"аренд\w*|продаж[аиу]|обмен|\d[\d .,]*\s?(?:₽|руб\w*|р\.|т\.?р\b|тыс\.? руб)|₽\s?\d"
)
OFFER_WORDS = re.compile(rf"(?<![а-яa-z])(?:{_SELLER})(?![а-я])")
# A priced sale (`priced_sale`): a seller's own words of a sale and its asking price, with no
# contact in the text (a flea market's or car market's post: buyers write to the author).
# Prices as sellers write them: «цена 260», «торг», «340тр», «370к», «53 тыс.», «4000р».
SALE_WORDS = re.compile(
    r"(?<![а-я])(?:прода(?:м|ю|ется|ются)|в продаже|прдам|обменяю|отдам за)(?![а-я])"
)
ASKING_PRICE = re.compile(rf"(?<![а-я])(?:цен[аыу]|торг\w*|стоимост[ьи])(?![а-я])|{PRICE_FIGURE}")
PRICE_WORDS = re.compile(rf"(?<![а-яa-z])(?:{_PRICE})(?![а-я])")
# A way to get in touch: a phone number (or the mask «[телефон]» of exports that hide it), a
# handle, a chat link (WhatsApp, VK), «пишите в лс», «звоните», «обращайтесь»; a channel's
# link (t.me/…) is a plain web link: channels cite their own posts with it
# (each alternative starts with a character, its look-behind after it: `re` then skips ahead
# fast)
DIRECT_CONTACT = re.compile(
    r"(?:\+7|8(?<!\d8))[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}(?!\d)"
    r"|9(?<![\d+]9)\d{2}[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}(?!\d)|\[телефон\]"
    r"|@(?<![\w.]@)[a-z0-9_]{4,}(?![\w.])|(?:wa|vk)\.me/"
    r"|пиши(?:те)?\s+(?:мне\s+)?(?:в\s+)?(?:лс|личк|личн|директ|вотсап|ватсап|whatsapp|"
    r"телеграм|тг\b|viber|вайбер)"
    r"|в(?<![а-я]в)\s(?:лс\b|личку|личных сообщениях|личные сообщения)"
    r"|звоните|обращайтесь|вопросам пишите"
)
WEB_LINK = re.compile(r"https?://|www\.|\.(?<=[a-z0-9-]\.)(?:ru|рф|com|net|org|su)\b")
# One cheap pass of literals before the patterns above: what every match of DIRECT_CONTACT or
# WEB_LINK starts with or holds (almost no text has any, and the rule stops there)
CONTACT_MARK = re.compile(
    r"\+7|8[\s(-]*\d{3}|9\d\d[\s-]?\d{3}|@|\[телефон\]|пиши|звоните|обращайтесь|в\sл[си]|"
    r"wa\.me/|vk\.me/|http|www\.|\.ru|\.рф|\.com|\.net|\.org|\.su"
)
# The one cheap pass before any of the rules of words: what a match of any of them holds
# (one pass of all the literals costs less than a pass for each rule)
WORDS_MARK = re.compile(
    rf"{CONTACT_MARK.pattern}|прода|прдам|обменяю|отдам за|{PROMOTION_MARK.pattern}"
)
# The same for the rules of a listing's or a vacancy's shape: a second pass (their literals
# merged into WORDS_MARK cost more than two passes: `re` tries every alternative in turn)
SHAPE_MARK = re.compile(rf"{LISTING_MARK.pattern}|{VACANCY_MARK.pattern}")
# A resident's complaint about a price or an advert is a signal: «незаконная реклама на
# столбах», «опять подняли цены за вывоз мусора» (and the urgency cues of nlp.urgency)
COMPLAINT_WORDS = re.compile(
    r"жалоб|(?<!по)жалу|пожаловаться|незаконн|нелегальн|самовольн|несанкционир|опять|снова|"
    r"до сих пор|сколько можно|безобрази|беспредел|надоел|куда смотр|почему|зачем|разберитесь|"
    r"примите меры|обман|мошенни|подня|повы[сш]|подорож|завышен|не работает|невозможно|"
    r"расклеи|обклеи|ужас|кошмар|помогите"
)


@dataclass(frozen=True)
class Verdict:
    is_signal: bool
    reason: str  # a code the console and the annotate command show


# reason -> what it means (English: logs, README; the console words its own)
REASONS = {
    "authority_post": "the authority's own post on its page",
    "page_reply": "the page's own reply in its comments (its public answer)",
    "official_account": "another official account commenting on an authority's page",
    "orphan_short_reply": "a short echo («у нас тоже») of a parent never fetched: nothing to act",
    "advert": "an advert: marked so by the network or carrying the law's ad token (erid)",
    "commercial_offer": "an advert by its words: an offer for sale, rent or money and a contact",
    "priced_sale": "an advert by its words: a seller's own sale with its price, no contact",
    "promotion": "a giveaway, an invitation to follow a channel or group, or a sponsor's mark",
    "sale_listing": "a car or a thing for sale by its shape: an asking price and its description",
    "vacancy": "an employer's offer of a job with its terms (pay, schedule, interview)",
    "outlet_report": "a news outlet's own report of crime and courts or of a weather forecast",
    "short_alone": "a few words read alone on a page of unknown role, naming no problem or place",
}


def structural_verdict(context: PostContext, text: str) -> Verdict | None:
    """The decision the structure alone makes, or None when the words must decide."""
    in_thread = context.position in ("comment", "reply")
    if context.author_is_source and in_thread:
        return Verdict(False, "page_reply")
    if context.source_role == "authority" and context.author_is_source:
        return Verdict(False, "authority_post")
    if context.source_role == "authority" and in_thread and context.author_is_community:
        return Verdict(False, "official_account")
    if in_thread and is_echo(text) and context.parent_missing and not context.parent_text:
        return Verdict(False, "orphan_short_reply")
    if context.is_ad or carries_ad_token(text):
        return Verdict(False, "advert")
    reason = advert_by_words(text)
    if reason is None and is_outlets_own(context) and outlet_report(text):
        reason = "outlet_report"
    if reason is None and is_short_alone(context, text) and not names_any_problem(text):
        reason = "short_alone"
    return None if reason is None else Verdict(False, reason)


def is_short_alone(context: PostContext, text: str) -> bool:
    """Whether `text` is read alone (no parent text) on a page of unknown role, and has at
    most SHORT_ALONE_WORDS words, at least one with a letter (a wordless text has its own
    reasons: `nlp.annotator.wordless_kind`)."""
    if context.source_role is not None or context.parent_text or len(text) > MAX_SHORT_CHARS:
        return False
    cleaned = clean_text(text)
    return has_letters(cleaned) and len(short_words(cleaned)) <= SHORT_ALONE_WORDS


def short_words(cleaned: str) -> list[str]:
    """The words of a cleaned text that hold a letter or a figure (not a dash or «...»)."""
    return [word for word in cleaned.split() if any(ch.isalnum() for ch in word)]


def names_any_problem(text: str) -> bool:
    """A complaint or urgency cue (`complains`) or a problem's words or an address
    (`nlp.problem_cue.names_problem`)."""
    return complains(text.lower().replace("ё", "е")) or names_problem(text)


def is_outlets_own(context: PostContext) -> bool:
    """Whether the item is a media page's or channel's own post (not a comment under it)."""
    return (
        context.position == "post"
        and context.author_is_source is True
        and context.source_role == "media"
    )


def outlet_report(text: str) -> bool:
    """Whether `text` speaks as the police and courts or as forecasters do
    (`nlp.outlet_report`), and no complaint cue is present anywhere in it."""
    lowered = text.lower().replace("ё", "е")
    return is_outlet_report(lowered[:MAX_ADVERT_CHARS]) and not complains(lowered)


def advert_by_words(text: str) -> str | None:
    """`commercial_offer`, `priced_sale`, `promotion`, `sale_listing` or `vacancy` (in that
    order) when `text` is one, and no complaint cue is present; None otherwise."""
    lowered = text.lower().replace("ё", "е")
    head = lowered[:MAX_ADVERT_CHARS]
    if WORDS_MARK.search(head) is None and SHAPE_MARK.search(head) is None:
        return None
    if _offered_with_contact(head):
        reason = "commercial_offer"
    elif _priced_sale(head):
        reason = "priced_sale"
    elif is_promotion(head):
        reason = "promotion"
    elif is_sale_listing(head):
        reason = "sale_listing"
    elif is_vacancy(head):
        reason = "vacancy"
    else:
        return None
    return None if complains(lowered) else reason  # a complaint anywhere in the text


def complains(lowered: str) -> bool:
    """Whether `lowered` carries a complaint cue (its own list or an urgency cue): then no
    rule of words calls it an advert."""
    return COMPLAINT_WORDS.search(lowered) is not None or bool(urgency_cues(lowered))


def is_commercial_offer(text: str) -> bool:
    """Whether `text` is plainly an advert: a seller's or buyer's own words and a contact (a
    web link will do), or a price, services or «недорого» and a direct contact (a phone, a
    handle, «пишите в лс», «звоните»), with no complaint cue."""
    lowered = text.lower().replace("ё", "е")
    return _offered_with_contact(lowered) and not complains(lowered)


def _priced_sale(lowered: str) -> bool:
    return SALE_WORDS.search(lowered) is not None and ASKING_PRICE.search(lowered) is not None


def _offered_with_contact(lowered: str) -> bool:
    """An offer and a contact, the complaint cues aside. Cheap: one pass of literals
    (`CONTACT_MARK`) settles almost every text."""
    if CONTACT_MARK.search(lowered) is None:
        return False
    direct = DIRECT_CONTACT.search(lowered) is not None
    if not direct and WEB_LINK.search(lowered) is None:
        return False
    offered = OFFER_WORDS.search(lowered) is not None or (
        direct and PRICE_WORDS.search(lowered) is not None
    )
    return offered


def carries_ad_token(*texts: str) -> bool:
    """Whether any of `texts` (an item's words, its links' addresses) carries the token."""
    return any(AD_TOKEN.search(text) for text in texts)


def is_short(text: str) -> bool:
    return len(text.split()) <= SHORT_REPLY_WORDS


def is_echo(text: str) -> bool:
    """A short reply echoing the problem it answers («у нас тоже», «так и не убрали»)."""
    return is_short(text) and echoes(text)


def with_parent(context: PostContext, text: str) -> str:
    """A short reply echoing its parent is read with it (its topic and place come from
    there); any other reply is read alone."""
    if context.position in ("comment", "reply") and context.parent_text and is_echo(text):
        return f"{context.parent_text}\n{text}"
    return text
