"""street keys the same in every case: an adjective's lemma for an adjective name

«ул. Тверская 20» was keyed `тверская 20` (the dictionary reads the nominative as a town) and
«на Тверской 20» `тверской 20`; «Большая Морская» `больший морской`. The parser now keys a
street's name word by its adjective lemma whenever the word can be an adjective and not a
surname (`nlp.address.AddressParser.street_word`): `тверской 20`, `большой морской`. This
rewrites the keys already stored the same way, word by word: in annotations (`address_key`
and each of `reasons.addresses`), incidents (`address`) and street lists (`street.key`; a
street list that now holds one street twice keeps the first). The rule is written out here,
not imported, so this migration keeps meaning what it did when the parser changes again.

Revision ID: places_2
Revises: fire_1
Create Date: 2026-12-05 17:00:00
"""

from collections.abc import Callable, Sequence
from functools import lru_cache

import pymorphy3
import sqlalchemy as sa
from alembic import op
from pymorphy3.units import DictionaryAnalyzer

import models.types

revision: str = "places_2"
down_revision: str | None = "fire_1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2_000
PERSON = {"Surn", "Name", "Patr"}
# «Большая»: the dictionary gives «больший» and «большой» equally; streets are «большой»
ADJECTIVE_LEMMAS = {"больший": "большой"}

annotation = sa.table(
    "annotation",
    sa.column("id", sa.Integer),
    sa.column("address_key", sa.String),
    sa.column("reasons", models.types.JSONType),
)
incident = sa.table("incident", sa.column("id", sa.Integer), sa.column("address", sa.String))
street = sa.table(
    "street",
    sa.column("id", sa.Integer),
    sa.column("municipality_id", sa.Integer),
    sa.column("key", sa.String),
)


def upgrade() -> None:
    word = _street_word(pymorphy3.MorphAnalyzer())
    connection = op.get_bind()
    _annotations(connection, word)
    _incidents(connection, word)
    _streets(connection, word)


def downgrade() -> None:
    # The old keys split one street in two; nothing to restore them from, and no need to.
    pass


def _street_word(morph: pymorphy3.MorphAnalyzer) -> Callable[[str], str]:
    """An old key's name word -> the new one: a noun reading of an adjective's feminine or
    neuter nominative («тверская», «литейная», «набережная», «малое») -> that adjective's
    lemma («тверской», «литейный», «набережный», «малый»); «больший» -> «большой»; a word
    that can be a surname or a first name, or already an adjective's lemma, stays."""

    @lru_cache(maxsize=100_000)
    def word(lemma: str) -> str:
        if lemma[:1].isdigit():
            return lemma
        if lemma in ADJECTIVE_LEMMAS:
            return ADJECTIVE_LEMMAS[lemma]
        parses = morph.parse(lemma)
        if any(PERSON & p.tag.grammemes for p in parses):
            return lemma
        adjectives = [
            p for p in parses
            if p.tag.POS == "ADJF" and "Poss" not in p.tag
            and type(p.methods_stack[0][0]) is DictionaryAnalyzer
        ]  # fmt: skip
        if not adjectives or lemma in {p.normal_form.replace("ё", "е") for p in adjectives}:
            return lemma
        scores: dict[str, float] = {}
        for p in adjectives:
            if p.tag.case == "nomn" and "sing" in p.tag:
                normal = p.normal_form.replace("ё", "е")
                scores[normal] = scores.get(normal, 0.0) + p.score
        if not scores:
            return lemma
        return max(scores.items(), key=lambda item: (item[1], item[0]))[0]

    return word


def rekey(value: str | None, word: Callable[[str], str]) -> str | None:
    """«тверская 20; больший морской» -> «тверской 20; большой морской» (the house, a last
    word starting with a figure, stays)."""
    if not value:
        return value
    keys = []
    for key in value.split("; "):
        words = key.split()
        house = words.pop() if len(words) > 1 and words[-1][:1].isdigit() else None
        keys.append(" ".join([word(w) for w in words] + ([house] if house else [])))
    return "; ".join(keys)


def _annotations(connection: sa.Connection, word: Callable[[str], str]) -> None:
    last = 0
    while True:
        rows = connection.execute(
            sa.select(annotation.c.id, annotation.c.address_key, annotation.c.reasons)
            .where(annotation.c.id > last, annotation.c.address_key.is_not(None))
            .order_by(annotation.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        for row in rows:
            key = rekey(row.address_key, word)
            reasons = _reasons(row.reasons, word)
            if key != row.address_key or reasons is not None:
                values = {"address_key": key} | ({"reasons": reasons} if reasons else {})
                connection.execute(
                    sa.update(annotation).where(annotation.c.id == row.id).values(**values)
                )


def _reasons(reasons: object, word: Callable[[str], str]) -> dict[str, object] | None:
    """The reasons with each address's key rewritten, or None when none changes."""
    if not isinstance(reasons, dict) or not isinstance(reasons.get("addresses"), list):
        return None
    changed = False
    addresses = []
    for address in reasons["addresses"]:
        if isinstance(address, dict) and isinstance(address.get("key"), str):
            key = rekey(address["key"], word)
            changed = changed or key != address["key"]
            address = address | {"key": key}
        addresses.append(address)
    return reasons | {"addresses": addresses} if changed else None


def _incidents(connection: sa.Connection, word: Callable[[str], str]) -> None:
    rows = connection.execute(
        sa.select(incident.c.id, incident.c.address).where(incident.c.address.is_not(None))
    ).all()
    for row in rows:
        address = rekey(row.address, word)
        if address != row.address:
            connection.execute(
                sa.update(incident).where(incident.c.id == row.id).values(address=address)
            )


def _streets(connection: sa.Connection, word: Callable[[str], str]) -> None:
    rows = connection.execute(
        sa.select(street.c.id, street.c.municipality_id, street.c.key).order_by(street.c.id)
    ).all()
    seen = {(row.municipality_id, row.key) for row in rows if rekey(row.key, word) == row.key}
    for row in rows:
        key = rekey(row.key, word)
        if key == row.key:
            continue
        if (row.municipality_id, key) in seen:  # «Тверская» and «Тверской» listed: one street
            connection.execute(sa.delete(street).where(street.c.id == row.id))
            continue
        seen.add((row.municipality_id, key))
        connection.execute(sa.update(street).where(street.c.id == row.id).values(key=key))
