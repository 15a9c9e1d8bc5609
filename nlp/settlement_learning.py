"""Learn villages the gazetteer lacks from texts whose municipality is known.

A village named with its type word («с. Мокрецово», «в деревне Теплухино», «х. Кривулин»)
in a text whose municipality is known — a moderator-confirmed post, an appeal answered by a
district administration, or the text itself naming the district beside it («… Сосновского
района», «Сосновский район, д. …») — is a sighting of that village in that municipality. A
name seen in one municipality only, often enough, becomes a `Settlement` of kind «<type>
(выучено)»; the gazetteer then loads it like any other settlement. Conservative by design:

- a name seen with two municipalities is refused as ambiguous (and a village learned earlier
  is withdrawn when a later run sees its name elsewhere);
- a name the gazetteer already knows (a settlement, a поселение's stem, a municipality or a
  town) is not learned again;
- a lower-case name, a common word («с. уважением») or a name right after «из», «от», «до»
  (a route's far end) is no sighting.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from pymorphy3.analyzer import Parse
from sqlalchemy import func
from sqlmodel import Session, select

from models.annotation import Annotation, SetBy
from models.geo import Municipality, Settlement
from models.post import Post
from nlp.gazetteer import Gazetteer, place_root
from nlp.resolver import MunicipalityResolver
from nlp.text import clean_text

LEARNED_MARK = " (выучено)"
DEFAULT_MIN_SIGHTINGS = 1
MAX_VARIANTS = 5
READ_BATCH = 2_000  # confirmed posts fetched at a time

_NAME = r"[А-ЯЁ][а-яё]{2,}(?:-[А-ЯЁа-яё][а-яё]+)?"
# A type word, then the name (and a second capitalised word, kept only when the first is an
# adjective: «с. Верхнее Мокрецово»).
_MENTION = re.compile(
    r"(?:(?<![\w.])(?<!т\.\s)(?<!т\.)(?P<abbr>с|д|дер|пос|х|сл)\.\s*"
    r"|(?<![\w-])(?P<word>сел[оаеу]|селом|деревн(?:я|и|е|ю|ей)|пос[её]л(?:ок|ка|ке|ку|ком)"
    r"|хутор(?:а|е|у|ом)?|слобод(?:а|ы|е|у|ой))\s+)"
    rf"(?P<name>{_NAME})(?:\s+(?P<second>{_NAME}))?",
    re.I,
)
_KIND_OF = {"с": "село", "сел": "село", "д": "деревня", "дер": "деревня", "деревн": "деревня",
            "пос": "посёлок", "посел": "посёлок", "посёл": "посёлок", "х": "хутор",
            "хутор": "хутор", "сл": "слобода", "слобод": "слобода"}  # fmt: skip
_KINDS_LONGEST_FIRST = sorted(_KIND_OF.items(), key=lambda item: -len(item[0]))
# «из с. Мокрецово в город», «дорога от д. Теплухино до …»: the far end of a route or a trip.
_ROUTE_BEFORE = re.compile(r"\b(?:из|от|до|через)\s*$", re.I)
# «ул. С. Кривулина»: a street named after a person, not a village.
_STREET_BEFORE = re.compile(r"\b(?:ул|улица|пр|пер|проспект|переулок)\.?\s*$", re.I)
# «с. Пустошкино Сосновского района», «Сосновский район, д. Теплухино»: the text says which
# district the village is in.
_DISTRICT_AFTER = re.compile(
    r"^\s*,?\s*(?P<district>[А-ЯЁ][а-яё]+(?:ского|цкого)(?:\s+муниципального)?"
    r"\s+(?:р-на|района|р\.|р-н))"
)
_DISTRICT_BEFORE = re.compile(
    r"(?P<district>[А-ЯЁ][а-яё]+(?:ский|цкий)(?:\s+муниципальный)?\s+(?:район|р-н|р\.))"
    r"\s*,?\s*$"
)


@dataclass(frozen=True)
class LearningText:
    """A text and the municipality it is known to be about (None: only the text can say)."""

    text: str
    municipality_id: int | None
    origin: str  # «post 12», «appeals.csv:7»: where a reason points


@dataclass(frozen=True)
class Sighting:
    name: str  # as written: «Теплухине»
    kind: str  # «деревня»
    municipality_id: int


@dataclass
class LearningSummary:
    texts: int = 0
    sightings: int = 0
    learned: list[tuple[str, str, int]] = field(default_factory=list)  # name, municipality, n
    already_learned: list[str] = field(default_factory=list)
    already_known: list[str] = field(default_factory=list)
    ambiguous: list[tuple[str, list[str]]] = field(default_factory=list)
    withdrawn: list[tuple[str, list[str]]] = field(default_factory=list)
    too_few: list[tuple[str, int]] = field(default_factory=list)
    rejected: Counter[str] = field(default_factory=Counter)  # why a mention was no sighting
    bad_rows: list[tuple[str, str]] = field(default_factory=list)  # origin, reason


def is_learned(settlement: Settlement) -> bool:
    return settlement.kind.endswith(LEARNED_MARK)


class SettlementLearner:
    """Reads texts for village sightings; `store` turns them into learned settlements."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.sightings: dict[str, list[tuple[Sighting, str]]] = defaultdict(list)
        self.summary = LearningSummary()

    def read(self, item: LearningText) -> None:
        """Record the text's sightings; a text with no municipality and no district named
        beside its villages teaches nothing."""
        self.summary.texts += 1
        text = clean_text(item.text)
        seen: set[str] = set()
        for sighting in self.sightings_in(text, item.municipality_id):
            key = self.key(sighting.name)
            if key not in seen:  # one text is one sighting of a name
                seen.add(key)
                self.sightings[key].append((sighting, item.origin))
                self.summary.sightings += 1

    def key(self, name: str) -> str:
        """One key for a name's case forms: «Новоселковом» and «Новоселковый», «Гуслянке»
        and «Гуслянка»; an adjective before the name is kept («Верхнее Мокрецово»)."""
        lemma = self.gazetteer.lemmatizer.lemma
        *first, last = name.lower().replace("ё", "е").split()
        return " ".join([*(lemma(word) for word in first), place_root(lemma(last))])

    def _nominative(self, name: str) -> bool:
        last = name.split()[-1].lower()
        return self.gazetteer.lemmatizer.lemma(last) == last

    def bad_row(self, origin: str, reason: str) -> None:
        self.summary.bad_rows.append((origin, reason))

    def sightings_in(self, text: str, municipality_id: int | None) -> list[Sighting]:
        out: list[Sighting] = []
        for match in _MENTION.finditer(text):
            before = text[max(0, match.start() - 40) : match.start()]
            if _STREET_BEFORE.search(before):
                self.summary.rejected["a street's name"] += 1
                continue
            name = self._name(match)
            if name is None:
                continue
            end = match.start("name") + len(name)
            if _ROUTE_BEFORE.search(before[-12:]):
                self.summary.rejected["a route's or a trip's far end"] += 1
                continue
            district = self._district(before, text[end : end + 60])
            mid = district if district is not None else municipality_id
            if mid is None:
                self.summary.rejected["no municipality known for the text"] += 1
                continue
            cue = (match.group("abbr") or match.group("word") or "").lower()
            kind = next(k for prefix, k in _KINDS_LONGEST_FIRST if cue.startswith(prefix))
            out.append(Sighting(name, kind, mid))
        return out

    def _name(self, match: re.Match[str]) -> str | None:
        name, second = match.group("name"), match.group("second")
        if not name[:1].isupper():
            self.summary.rejected["lower-case name"] += 1
            return None
        if second and second[:1].isupper() and self._adjective(name):
            name = f"{name} {second}"
        elif self._common_word(name) and not self._adjective(name):  # «пос. Садовый»
            self.summary.rejected["a common word"] += 1
            return None
        return name

    def _district(self, before: str, after: str) -> int | None:
        """The district the text names right beside the village, if exactly one."""
        found = _DISTRICT_AFTER.match(after) or _DISTRICT_BEFORE.search(before)
        if found is None:
            return None
        owners = {
            m.pattern.municipality_id
            for m in self.gazetteer.find(found.group("district"))
            if m.pattern.kind == "adjective"
        }
        return next(iter(owners)) if len(owners) == 1 else None

    def _parses(self, word: str) -> list[Parse]:
        lemmatizer = self.gazetteer.lemmatizer
        return [p for p in lemmatizer.parses(word.lower()) if lemmatizer.from_dictionary(p)]

    def _adjective(self, word: str) -> bool:
        parses = self._parses(word)
        return bool(parses) and parses[0].tag.POS == "ADJF"

    def _common_word(self, word: str) -> bool:
        return any("Geox" not in p.tag for p in self._parses(word))

    def known(self, name: str) -> bool:
        """The gazetteer names it already: a settlement or a поселение's stem, a town, a
        municipality or its adjective."""
        roots = self.gazetteer.settlement_roots
        last = self.gazetteer.lemmatizer.lemma(name.split()[-1])
        return (
            place_root(name) in roots
            or place_root(last) in roots
            or bool(self.gazetteer.find(name))
        )

    def store(
        self,
        session: Session,
        *,
        region_code: str,
        min_sightings: int = DEFAULT_MIN_SIGHTINGS,
        advance: Callable[[], None] | None = None,
    ) -> LearningSummary:
        """Add the villages seen in one municipality only, `min_sightings` texts or more;
        withdraw learned ones now seen elsewhere. The caller commits."""
        summary = self.summary
        names = self.gazetteer.municipalities
        region = {m.id for m in session.exec(select(Municipality)) if m.region_code == region_code}
        learned = {
            self.key(s.name): s
            for s in session.exec(select(Settlement))
            if is_learned(s) and s.municipality_id in region
        }
        for key, seen in sorted(self.sightings.items()):
            if advance is not None:
                advance()
            forms = Counter(s.name for s, _ in seen)
            # the name as a list would give it: nominative first, then the commonest form
            name = max(forms, key=lambda form: (self._nominative(form), forms[form]))
            places = Counter(s.municipality_id for s, _ in seen)
            earlier = learned.get(key)
            if earlier is not None:
                places[earlier.municipality_id] += 0  # the stored village counts as a place
            if len(places) > 1:
                where = sorted(names.get(mid, "?") for mid in places)
                if earlier is not None:
                    session.delete(earlier)
                    summary.withdrawn.append((earlier.name, where))
                else:
                    summary.ambiguous.append((name, where))
                continue
            mid, count = places.most_common(1)[0]
            if earlier is not None:
                summary.already_learned.append(earlier.name)
            elif self.known(name):
                summary.already_known.append(name)
            elif count < min_sightings:
                summary.too_few.append((name, count))
            else:
                kind = Counter(s.kind for s, _ in seen).most_common(1)[0][0]
                variants = [form for form, _ in forms.most_common() if form != name]
                session.add(
                    Settlement(
                        municipality_id=mid,
                        name=name[:200],
                        kind=kind + LEARNED_MARK,
                        variants=variants[:MAX_VARIANTS],
                    )
                )
                summary.learned.append((name, names.get(mid, "?"), count))
        return summary


def confirmed_posts(session: Session, municipality_ids: Iterable[int]) -> Iterator[LearningText]:
    """Posts whose place a person set (a moderator's confirmation or correction, an operator's
    label from an imported export): the current annotation is a person's and names one of
    `municipality_ids`."""
    wanted = list(municipality_ids)
    statement = (
        select(Post.id, Post.text, Annotation.municipality_id)
        .join(Annotation, Annotation.post_id == Post.id)  # type: ignore[arg-type]
        .where(
            Annotation.is_current.is_(True),  # type: ignore[attr-defined]
            Annotation.set_by == SetBy.PERSON,
            Annotation.municipality_id.in_(wanted),  # type: ignore[union-attr]
        )
        .order_by(Post.id)  # type: ignore[arg-type]
        # read in batches (a server-side cursor on PostgreSQL): memory stays flat however many
        # posts have been confirmed (`benchmarks.learn_settlements`)
        .execution_options(yield_per=READ_BATCH)
    )
    for post_id, text, mid in session.exec(statement):
        yield LearningText(text, mid, f"post {post_id}")


def count_confirmed_posts(session: Session, municipality_ids: Iterable[int]) -> int:
    statement = select(func.count()).where(
        Annotation.is_current.is_(True),  # type: ignore[attr-defined]
        Annotation.set_by == SetBy.PERSON,
        Annotation.municipality_id.in_(list(municipality_ids)),  # type: ignore[union-attr]
    )
    return session.exec(statement).one()


def municipality_of_executor(resolver: MunicipalityResolver, executor: str) -> int | None:
    """The municipality an appeal's executor is, when it is a municipal administration
    («Администрация Льговского района») or a municipality's own name; a regional body
    («Комитет … Курской области») is none."""
    executor = " ".join(executor.split())
    given = resolver.given(executor)
    if given is not None:
        return given.municipality_id
    if not executor.lower().startswith("администрация"):
        return None
    return resolver.resolve(executor).municipality_id


def learn_settlements(
    session: Session,
    texts: Iterable[LearningText],
    *,
    gazetteer: Gazetteer,
    region_code: str,
    min_sightings: int = DEFAULT_MIN_SIGHTINGS,
) -> LearningSummary:
    """Read `texts`, store what they teach and commit: the whole capability in one call."""
    learner = SettlementLearner(gazetteer)
    for item in texts:
        learner.read(item)
    summary = learner.store(session, region_code=region_code, min_sightings=min_sightings)
    session.commit()
    return summary
