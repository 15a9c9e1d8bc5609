"""Decisions the structure of an item makes before its words are read.

Who wrote an item and where it sits are facts, not guesses: a page's own reply in its
comments and an authority's own post are never residents' signals; a short reply means
nothing without its parent, so it is read with it, and when the parent was never fetched it
gets a decision of its own. An item whose author is not known is read as a resident's.
An advert is marked as one: by the network (VK's `marked_as_ads`) or by the registration
token Russian law requires in every advert online («erid: 4Xq7Kd…», `?erid=…` in its links).
"""

import re
from dataclasses import dataclass

from models.annotation import PostContext

SHORT_REPLY_WORDS = 6  # "у нас тоже", "+1", "так и не убрали": read with the parent
# The advert's registration token (ФЗ «О рекламе», ст. 18.1: every advert online carries its
# ОРД id): «erid: 4Xq7Kd…», «Erid 4Xq7KdPz2Ab», `?erid=5KmR…` or `erid_6PzT…` in a link.
AD_TOKEN = re.compile(r"(?<![0-9a-zа-яё])erid[\s:=_]+[0-9a-z]{6,}", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    is_signal: bool
    reason: str  # a code the console and the annotate command show


# reason -> what it means (English: logs, README; the console words its own)
REASONS = {
    "authority_post": "the authority's own post on its page",
    "page_reply": "the page's own reply in its comments (its public answer)",
    "official_account": "another official account commenting on an authority's page",
    "orphan_short_reply": "a short reply whose parent was never fetched: nothing to act on",
    "advert": "an advert: marked so by the network or carrying the law's ad token (erid)",
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
    if in_thread and is_short(text) and context.parent_missing and not context.parent_text:
        return Verdict(False, "orphan_short_reply")
    if context.is_ad or carries_ad_token(text):
        return Verdict(False, "advert")
    return None


def carries_ad_token(*texts: str) -> bool:
    """Whether any of `texts` (an item's words, its links' addresses) carries the token."""
    return any(AD_TOKEN.search(text) for text in texts)


def is_short(text: str) -> bool:
    return len(text.split()) <= SHORT_REPLY_WORDS


def with_parent(context: PostContext, text: str) -> str:
    """A short reply is read with its parent (its topic and place come from there)."""
    if context.position in ("comment", "reply") and context.parent_text and is_short(text):
        return f"{context.parent_text}\n{text}"
    return text
