"""Text cleaning and tokenisation: what every post goes through before lemmas and models."""

import html
import re
from dataclasses import dataclass

from razdel import tokenize

_TAG = re.compile(r"<[^>]{0,200}>")
_VK_MENTION = re.compile(r"\[(?:id|club|public|event)\d+\|([^\]]{0,200})\]")
_LINK = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:ru|рф|com|org|net|su)(?:/\S*)?", re.I)
_HASHTAG = re.compile(r"#(\w+)(?:@\w+)?")
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0000fe00-\U0000fe0f\U0000200d\U00002b00-\U00002bff]"
)
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[а-яёa-z]", re.I)
_TAG_WORD_SPLIT = re.compile(r"(?<=[а-яёa-z])(?=[А-ЯЁA-Z])")

MAX_CLEAN_CHARS = 20_000  # longer posts are classified on their first 20k characters


def clean_text(raw: str) -> str:
    """Readable plain text: no HTML, entities, VK mention markup, links or emoji."""
    text = _TAG.sub(" ", raw[: MAX_CLEAN_CHARS * 2])
    text = html.unescape(text).replace("\xa0", " ")
    text = _VK_MENTION.sub(r"\1", text)
    text = _LINK.sub(" ", text)
    text = _HASHTAG.sub(lambda match: " " + _split_hashtag(match.group(1)) + " ", text)
    text = _EMOJI.sub(" ", text)
    return _SPACES.sub(" ", text).strip()[:MAX_CLEAN_CHARS]


def _split_hashtag(tag: str) -> str:
    """`#ЯмыНаДорогах` -> `Ямы На Дорогах`; `#ямы_пермь` -> `ямы пермь`."""
    return _TAG_WORD_SPLIT.sub(" ", tag.replace("_", " "))


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    stop: int


def tokens(text: str) -> list[Token]:
    """razdel tokens of `text` with their character offsets."""
    return [Token(t.text, t.start, t.stop) for t in tokenize(text)]


def words(text: str) -> list[Token]:
    """Only the tokens that contain a letter."""
    return [token for token in tokens(text) if _WORD.search(token.text)]


def has_letters(text: str) -> bool:
    """True when `text` holds at least one Cyrillic or Latin letter."""
    return _WORD.search(text) is not None
