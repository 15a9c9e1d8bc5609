"""Full-text search over posts on either database."""

import re
from collections.abc import Callable

from sqlalchemy import false, func, literal_column, text
from sqlalchemy.sql import Select

from models.post import Post

_WORD = re.compile(r"\w+", re.UNICODE)
# A query is words a person types: longer ones only cost time (a 1 MB query ran 9 s).
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 20
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # tab and newline become spaces


def clean_query(query: str) -> str:
    """The query without control characters (NUL breaks PostgreSQL), its whitespace
    collapsed, cut to `MAX_QUERY_WORDS` words and `MAX_QUERY_CHARS` characters."""
    visible = _CONTROL.sub("", query[: MAX_QUERY_CHARS * 4])
    return " ".join(visible.split()[:MAX_QUERY_WORDS])[:MAX_QUERY_CHARS].strip()


def post_search_filter(
    statement: Select, *, query: str, dialect: str, lemmatize: Callable[[str], str]
) -> Select:
    """Narrow a `select(Post...)` to posts matching `query`.

    PostgreSQL stems with its 'russian' configuration; SQLite matches the query's lemmas
    against the FTS5 index of `search_lemmas` (all words must occur). The query is cleaned
    first (`clean_query`); nothing left of it matches nothing.
    """
    query = clean_query(query)
    if not query:
        return statement.where(false())
    if dialect == "postgresql":
        vector = func.to_tsvector(literal_column("'russian'"), Post.text)
        return statement.where(vector.op("@@")(func.websearch_to_tsquery("russian", query)))
    words = _WORD.findall(lemmatize(query))
    if not words:
        return statement.where(false())
    match = " ".join(f'"{word}"' for word in words)
    matching = text("SELECT rowid FROM post_fts WHERE post_fts MATCH :match").bindparams(
        match=match
    )
    return statement.where(Post.id.in_(matching))  # type: ignore[union-attr]
