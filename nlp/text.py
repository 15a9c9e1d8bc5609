"""Text cleaning and tokenisation: what every post goes through before lemmas and models."""

import html
import re
from typing import NamedTuple

from razdel.segmenters.punct import DASHES, ENDINGS
from razdel.segmenters.tokenize import ATOM, SMILE

_TAG = re.compile(r"<[^>]{0,200}>")
# VK markup keeps its text: a mention (`[club1|…]`, a board reply's `[id1:bp-2_3|…]`) or a link (`[https://…|…]`)
_VK_MENTION = re.compile(
    r"\[(?:(?:id|club|public|event)\d+(?::bp-?\d+_\d+)?|https?://[^\s\]\[|]{1,500})\|([^\]]{0,200})\]"
)
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


class Token(NamedTuple):  # a tuple: built once per word of every post, so cheap to make
    text: str
    start: int
    stop: int


# razdel's smallest unit: a run of Cyrillic, Latin or digits, or one other character.
_Atom = tuple[int, int, str, str]  # start, stop, kind (RU, LAT, INT, PUNCT, OTHER), text
_SPECIAL = frozenset({"PUNCT", "OTHER"})  # a join needs one of these kinds next to the split


def tokens(text: str) -> list[Token]:
    """razdel's tokens of `text` with their character offsets.

    The same atoms and join rules as `razdel.tokenize`, without its per-split objects:
    about twice as fast, and the tokens are identical (tests/nlp/test_text.py checks).
    """
    atoms: list[_Atom] = [(m.start(), m.end(), m.lastgroup or "", m.group())
                          for m in ATOM.finditer(text)]  # fmt: skip
    if not atoms:
        return []
    out: list[Token] = []
    start, stop, _, buffer = atoms[0]
    previous_kind = atoms[0][2]
    for i in range(1, len(atoms)):
        atom_start, atom_stop, kind, atom_text = atoms[i]
        touching = atom_start == stop and (kind in _SPECIAL or previous_kind in _SPECIAL)
        if (
            touching
            and not _never_joins(previous_kind, atoms[i - 1][3], kind, atom_text)
            and _joins(atoms, i, buffer)
        ):
            buffer += atom_text
        else:
            out.append(Token(buffer, start, stop))
            start, buffer = atom_start, atom_text
        stop, previous_kind = atom_stop, kind
    out.append(Token(buffer, start, stop))
    return out


def _joins(atoms: list[_Atom], i: int, buffer: str) -> bool:
    """razdel's rules for two touching atoms (dash, underscore, float, fraction, punct, other)."""
    left, right = atoms[i - 1], atoms[i]
    for delimiters, kinds in _AROUND_RULES:
        pair = _around(atoms, i, delimiters)
        if pair is not None and kinds(pair[0][2], pair[1][2]):
            return True
    if left[2] == "PUNCT" and right[2] == "PUNCT":
        if SMILE.match(buffer + right[3]) or (left[3] in ENDINGS and right[3] in ENDINGS):
            return True
        if left[3] + right[3] in ("--", "**"):
            return True
    if left[2] == "OTHER" and right[2] in _LETTERS_OR_OTHER:
        return True
    if left[2] in _LETTERS_OR_OTHER and right[2] == "OTHER":
        return True
    return left[3].lower() == "yahoo" and right[3] == "!"


def _never_joins(left_kind: str, left: str, right_kind: str, right: str) -> bool:
    """The commonest touching pairs no rule of `_joins` can join, told without its look-ups:
    a word and the punctuation after it («дороге,»; not a dash, an underscore or «yahoo!»),
    and punctuation and the word after it («(дорога»; not a delimiter of the rules)."""
    if left_kind in _LETTERS and right_kind == "PUNCT":
        return right not in _JOINING_AFTER_WORD
    return left_kind == "PUNCT" and right_kind in _WORD_KINDS and left not in _DELIMITERS


_LETTERS = frozenset({"RU", "LAT"})
_WORD_KINDS = frozenset({"RU", "LAT", "INT"})
_JOINING_AFTER_WORD = frozenset(DASHES + "_!")  # dash/underscore rules, «yahoo!»
_DELIMITERS = frozenset(DASHES + "_" + ".," + "/\\")  # every delimiter of _AROUND_RULES


def _around(atoms: list[_Atom], i: int, delimiters: str) -> tuple[_Atom, _Atom] | None:
    """The atoms either side of a delimiter atom at i - 1 ("cho-|to") or at i ("cho|-to")."""
    if atoms[i - 1][3] in delimiters:
        return (atoms[i - 2], atoms[i]) if i >= 2 else None
    if atoms[i][3] in delimiters:
        return (atoms[i - 1], atoms[i + 1]) if i + 1 < len(atoms) else None
    return None


def _not_punct(left: str, right: str) -> bool:
    return left != "PUNCT" and right != "PUNCT"


def _both_int(left: str, right: str) -> bool:
    return left == right == "INT"


_LETTERS_OR_OTHER = ("OTHER", "RU", "LAT")
_AROUND_RULES = ((DASHES, _not_punct), ("_", _not_punct), (".,", _both_int), ("/\\", _both_int))


def words(text: str) -> list[Token]:
    """Only the tokens that contain a letter."""
    return [token for token in tokens(text) if _WORD.search(token.text)]


def has_letters(text: str) -> bool:
    """True when `text` holds at least one Cyrillic or Latin letter."""
    return _WORD.search(text) is not None
