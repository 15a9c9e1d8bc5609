"""Post text made safe for `st.markdown`: every markup character escaped, matches highlighted."""

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
# GFM turns bare URLs and e-mail addresses into links after the escapes are undone, so
# escaping cannot stop it: an invisible word joiner breaks the patterns it looks for.
WORD_JOINER = "\u2060"
_AUTOLINK_STARTS = re.compile(r"(?i)(?<=https:)(?=//)|(?<=http:)(?=//)|(?<=www)(?=\.)|(?=@)")
HIGHLIGHT_COLOURS = {"place": "blue", "cue": "orange", "address": "green"}


def escape_markdown(text: str) -> str:
    """Backslash-escape every ASCII punctuation mark, so user text renders as typed.

    No link, image, HTML tag, LaTeX or Streamlit directive in a post can take effect, nor a
    bare URL or e-mail address (a word joiner breaks them; the text reads the same).
    """
    unlinked = _AUTOLINK_STARTS.sub(WORD_JOINER, text)
    return _PUNCTUATION.sub(r"\\\1", unlinked).replace("\n", "  \n")


def highlight(text: str, marks: dict[str, str]) -> str:
    """Escaped markdown of `text` with each phrase in `marks` on its colour background.

    `marks` maps a phrase to its kind ("place", "cue", "address"); matching ignores case and takes
    whole words only.
    """
    phrases = sorted((p for p in marks if p.strip()), key=len, reverse=True)
    if not phrases:
        return escape_markdown(text)
    # whole words only: the cue "нет" must not light up the middle of "планета"
    alternatives = "|".join(re.escape(p) for p in phrases)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    kinds = {p.lower(): kind for p, kind in marks.items()}
    parts: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        parts.append(escape_markdown(text[position : match.start()]))
        colour = HIGHLIGHT_COLOURS.get(kinds.get(match.group().lower(), "cue"), "orange")
        parts.append(f":{colour}-background[{escape_markdown(match.group())}]")
        position = match.end()
    parts.append(escape_markdown(text[position:]))
    return "".join(parts)
