"""Full-text search over posts on either database."""

import re
from collections.abc import Callable

from sqlalchemy import func, literal_column, text
from sqlalchemy.sql import Select

from models.post import Post

_WORD = re.compile(r"\w+", re.UNICODE)


def post_search_filter(
    statement: Select, *, query: str, dialect: str, lemmatize: Callable[[str], str]
) -> Select:
    """Narrow a `select(Post...)` to posts matching `query`.

    PostgreSQL stems with its 'russian' configuration; SQLite matches the query's lemmas
    against the FTS5 index of `search_lemmas` (all words must occur).
    """
    if dialect == "postgresql":
        vector = func.to_tsvector(literal_column("'russian'"), Post.text)
        return statement.where(vector.op("@@")(func.websearch_to_tsquery("russian", query)))
    words = _WORD.findall(lemmatize(query))
    if not words:
        return statement.where(text("0"))
    match = " ".join(f'"{word}"' for word in words)
    matching = text("SELECT rowid FROM post_fts WHERE post_fts MATCH :match").bindparams(
        match=match
    )
    return statement.where(Post.id.in_(matching))  # type: ignore[union-attr]
