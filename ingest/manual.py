"""Signals typed in by an operator: a phone call, an ЕДДС message, a library-point visit.

A manual signal becomes an ordinary `PostCreate` of a per-channel `manual` source and then
travels the same pipeline as a crawled post (NLP, then triage). The municipality the
operator chose is kept in the post's `geo` and is its place (the annotation stage honours
it, `nlp.stage.stated_place`), whatever towns the text names; it is also written into the
text with the address, for the moderator to read.
Contact details are kept only with the person's consent (152-ФЗ): the contact is the
post's `author_id`, so `otklik privacy export|erase CONTACT` finds and erases it.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session

from ingest.sources import get_or_create_source
from models.post import PostCreate, PostKind
from models.source import SourceCreate, SourceKind

MAX_CONTACT_CHARS = 64


class Channel(StrEnum):
    PHONE = "phone"
    EDDS = "edds"
    LIBRARY = "library"


CHANNEL_NAMES = {
    Channel.PHONE: "Телефонный звонок",
    Channel.EDDS: "Сообщение ЕДДС",
    Channel.LIBRARY: "Пункт приёма в библиотеке",
}


class ManualSignalError(ValueError):
    """A manual signal that cannot be stored as given (the message says why, in Russian)."""


@dataclass(frozen=True)
class ManualSignal:
    text: str
    channel: Channel
    operator: str
    municipality: str | None = None  # the municipality's name, as the operator chose it
    address: str | None = None
    contact_name: str | None = None
    contact: str | None = None  # a phone number or an e-mail address
    consent: bool = False  # the person agreed to the processing of their contact data


def normalize_contact(contact: str) -> str:
    """A phone number as +7XXXXXXXXXX, an e-mail in lower case, anything else trimmed."""
    value = contact.strip()
    if "@" in value:
        return value.lower()
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits[0] in "78":
        return "+7" + digits[1:]
    if len(digits) == 10:
        return "+7" + digits
    return value


def check(signal: ManualSignal) -> None:
    """Refuse what may not be stored: an empty text, contact data without consent."""
    if not signal.text.strip():
        raise ManualSignalError("Введите текст сообщения.")
    has_contact = bool((signal.contact or "").strip() or (signal.contact_name or "").strip())
    if has_contact and not signal.consent:
        raise ManualSignalError(
            "Контакт сохраняется только с согласия заявителя на обработку персональных данных "
            "(152-ФЗ): отметьте согласие или очистите поля контакта."
        )
    if signal.consent and not (signal.contact or "").strip():
        raise ManualSignalError("Согласие отмечено, но контакт не указан.")
    if len(normalize_contact(signal.contact or "")) > MAX_CONTACT_CHARS:
        raise ManualSignalError(f"Контакт длиннее {MAX_CONTACT_CHARS} символов.")


def adapt_manual_signal(signal: ManualSignal, *, at: datetime) -> PostCreate:
    """The signal as a post of its channel: the place in the text, the contact as author."""
    check(signal)
    place = ", ".join(p.strip() for p in (signal.municipality, signal.address) if p and p.strip())
    text = signal.text.strip() + (f"\nАдрес: {place}" if place else "")
    contact = normalize_contact(signal.contact) if signal.consent and signal.contact else None
    raw: dict[str, object] = {"channel": signal.channel.value, "operator": signal.operator}
    if contact:
        raw.update(contact=contact, contact_name=(signal.contact_name or "").strip() or None,
                   consent_at=at.isoformat())  # fmt: skip
    return PostCreate(
        external_id=f"manual-{uuid.uuid4().hex}",
        kind=PostKind.APPEAL,
        published_at=at,
        text=text,
        text_original=text,
        author_id=contact,
        geo={"municipality": signal.municipality, "address": signal.address} if place else None,
        raw=raw,
    )


def channel_source_id(session: Session, *, channel: Channel) -> int:
    """The `manual` source of a channel, created on first use (never crawled)."""
    source = get_or_create_source(
        session,
        source=SourceCreate(
            kind=SourceKind.MANUAL, name=f"Ручной ввод: {CHANNEL_NAMES[channel].lower()}",
            target=f"manual:{channel.value}",
        ),
    )  # fmt: skip
    return source.id or 0
