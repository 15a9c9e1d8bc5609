"""The street types of Russian addresses: one table the parser and the console both read.

Each type lists its word forms as regex alternatives in four places: as a post writes it
before a name («ул. Ленина», `BEFORE_NAME`), after a name («Коммунистическая улица»,
`AFTER_NAME`), abbreviated after a name («Невский пр., д. 3», `AFTER_NAME_ABBREVIATED`: read
only with a house or a punctuation mark next, so «г. Курск ул. Ленина» names no street
«Курск»), and as the console reads it in a span to abbreviate it for a person (lower case, a
final dot dropped: «ул», «улице»). A form absent from one place is not read there, so adding
it changes what the parser extracts. The places differ on purpose, each measured over the
shared data's texts (BENCHMARKS.md, «Street types read before and after a name»): «дорога» is
read after a name only («дорога Курск — Касторное», «дороги Курской области» name routes and
regions, not streets); «территория» and «тер.» before a name only («на территории России» is
no address, so the oblique «территории» is not cued); «тупик» before a name in the nominative
alone, as the console writes it («тупик Садовый, д. 3»).
"""

from dataclasses import dataclass
from enum import Enum


class Gender(Enum):
    FEMININE = "femn"  # улица, площадь, набережная
    MASCULINE = "masc"  # проспект, переулок, бульвар
    NEUTER = "neut"  # шоссе


@dataclass(frozen=True, slots=True)
class StreetType:
    word: str  # the type's nominative: «улица»
    abbreviation: str  # as the console writes it for a person: «ул.», «пр-т»
    gender: Gender  # the gender of the type word: an adjective name agrees with it
    before_name: tuple[str, ...]  # regex alternatives cued before a name: «ул. Ленина»
    after_name: tuple[str, ...]  # regex alternatives cued after a name: «Ленина улица»
    read: tuple[str, ...]  # regex alternatives the console reads (lower case, no final dot)
    # abbreviations cued after a name, read only when a house or a punctuation mark follows
    # («Невский пр., д. 3», «Басков пер. 17»; not «Курск ул. Ленина»)
    after_name_abbreviated: tuple[str, ...] = ()


# The order is the alternations' order (an abbreviation before a longer form it prefixes).
STREET_TYPES: tuple[StreetType, ...] = (
    StreetType(
        "улица", "ул.", Gender.FEMININE,
        before_name=(r"ул(?:\.|\b)", r"улиц[аеуы]"),
        after_name=(r"улиц[аеуы]",),
        read=(r"ул", r"улиц[аеуы]"),
        after_name_abbreviated=(r"ул(?:\.|\b)",),
    ),
    StreetType(
        "проспект", "пр-т", Gender.MASCULINE,
        before_name=(r"пр-кт", r"пр-т", r"просп\.", r"пр\.", r"проспект[аеу]?"),
        after_name=(r"проспект[аеу]?",),
        read=(r"пр-кт", r"пр-т", r"просп", r"пр", r"проспект[аеу]?"),
        after_name_abbreviated=(r"пр-кт", r"пр-т", r"просп\.", r"пр\."),
    ),
    StreetType(
        "переулок", "пер.", Gender.MASCULINE,
        before_name=(r"пер\.", r"переул(?:ок|ке|ка|ку)"),
        after_name=(r"переул(?:ок|ке|ка|ку)",),
        read=(r"пер", r"переул(?:ок|ке|ка|ку)"),
        after_name_abbreviated=(r"пер\.",),
    ),
    StreetType(
        "бульвар", "б-р", Gender.MASCULINE,
        before_name=(r"б-р", r"бул\.", r"бульвар[аеу]?"),
        after_name=(r"бульвар[аеу]?",),
        read=(r"б-р", r"бул", r"бульвар[аеу]?"),
        after_name_abbreviated=(r"б-р", r"бул\."),
    ),
    StreetType(
        "шоссе", "ш.", Gender.NEUTER,
        before_name=(r"ш\.", r"шоссе"),
        after_name=(r"шоссе",),
        read=(r"ш", r"шоссе"),
        after_name_abbreviated=(r"ш\.",),
    ),
    StreetType(
        "набережная", "наб.", Gender.FEMININE,
        before_name=(r"наб\.", r"набережн(?:ая|ой|ую)"),
        after_name=(r"набережн(?:ая|ой|ую)",),
        read=(r"наб", r"набережн(?:ая|ой|ую)"),
        after_name_abbreviated=(r"наб\.",),
    ),
    StreetType(
        "площадь", "пл.", Gender.FEMININE,
        before_name=(r"пл\.", r"площад[ьи]"),
        after_name=(r"площад[ьи]",),
        read=(r"пл", r"площад[ьи]"),
        after_name_abbreviated=(r"пл\.",),
    ),
    StreetType(
        "тракт", "тракт", Gender.MASCULINE,
        before_name=(r"тракт[аеу]?",),
        after_name=(r"тракт[аеу]?",),  # «Казанский тракт, 12», as Perm writes it
        read=(r"тракт[аеу]?",),
    ),
    StreetType(
        "дорога", "дорога", Gender.FEMININE,
        before_name=(),
        after_name=(r"дорог[аеиу]",),
        read=(r"дорог[аеиу]",),
    ),
    StreetType(
        "проезд", "проезд", Gender.MASCULINE,
        before_name=(r"проезд[аеу]?",),
        after_name=(r"проезд[аеу]?",),
        read=(r"проезд[аеу]?",),
    ),
    StreetType(
        "аллея", "аллея", Gender.FEMININE,
        before_name=(r"аллея", r"аллее", r"аллеи"),  # «у аллеи Поликарпова»
        after_name=(r"алле[яиюе]",),
        read=(r"алле[яиюе]",),
    ),
    StreetType(
        "тупик", "тупик", Gender.MASCULINE,
        before_name=(r"тупик",),  # «тупик Садовый, д. 3», as the console writes it
        after_name=(r"тупик[аеу]?",),
        read=(r"тупик[аеу]?",),
    ),
    StreetType(
        "территория", "тер.", Gender.FEMININE,
        before_name=(r"тер\.", r"территория"),  # «на территории России» is no address
        after_name=(),
        read=(r"тер", r"территори[яиюе]"),
    ),
)  # fmt: skip

# «ул. Ленина»: every type's forms cued before a name, one alternation.
BEFORE_NAME = "|".join(form for t in STREET_TYPES for form in t.before_name)
# «Коммунистическая улица»: every type's forms cued after a name, one alternation.
AFTER_NAME = "|".join(form for t in STREET_TYPES for form in t.after_name)
# «Невский пр., д. 3»: every type's abbreviations cued after a name, one alternation.
AFTER_NAME_ABBREVIATED = "|".join(form for t in STREET_TYPES for form in t.after_name_abbreviated)
