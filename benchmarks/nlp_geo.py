"""Municipality resolution on Kursk appeals whose `executor` names a municipal administration.

    OTKLIK_SHARED_DATA=../shared/data .venv/bin/python -m benchmarks.nlp_geo [--show-misses]

Imports Курская область (ОКТМО region 38: municipal formations, their поселения, cities) from
../shared/data/gazetteer into a scratch SQLite database with the code of `otklik geo import`,
takes the rows whose executor is an «Администрация …», resolves the executor's own name to get
the gold municipality, then resolves the appeal text with no source prior.

"Names its place" (the recall denominator) is decided without the resolver: the text holds a
word whose stem (`nlp.lemmas.stem_key`, lowercase) is the stem of the gold municipality's
centre, the root of its adjective («Льговский» -> «льгов») or one of its поселения / cities.
Precision is over every answer; recall is right answers among the rows that name their place.
Misses are listed by kind. Baseline: the previous resolver's rule — the first gazetteer
match wins (no abstention on several places, no context rules).

Hand labels: `benchmarks/labels/kursk_names_place.csv` (file, row, names_place; no text) says
for every hold-out row whether a reader can tell the gold municipality from the text (rubric
in `benchmarks/labels/README_kursk_places.md`). Where they exist, recall is reported against
them too («hand_labels»), beside the stem rule's figure.

Split: `--part dev` (even data rows) is where misses are read and rules are fixed;
`--part holdout` (odd rows) is only measured.
"""

import argparse
import csv
import json
import re
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlmodel import Session, SQLModel, create_engine, select

import models  # noqa: F401
from benchmarks.nlp_common import SHARED
from benchmarks.social_signal import LABELS
from models.geo import Municipality, Settlement
from nlp.gazetteer import Gazetteer
from nlp.geo_import import import_region
from nlp.lemmas import Lemmatizer, stem_key
from nlp.ner import LocationTagger
from nlp.resolver import MunicipalityResolver, Resolution
from nlp.text import clean_text

_WORD = re.compile(r"[а-яё]+")


def _gazetteer() -> tuple[Gazetteer, dict[int, set[str]]]:
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'geo.db'}")
        SQLModel.metadata.create_all(engine)
        with Session(engine) as session:
            import_region(
                session,
                oktmo_path=SHARED / "gazetteer" / "oktmo_municipal_formations_2019.json",
                cities_path=SHARED / "gazetteer" / "hflabs_city.csv",
                region_code="38",
            )
            gazetteer = Gazetteer.from_session(session, lemmatizer=Lemmatizer())
            stems = _place_stems(session)
        engine.dispose()
    return gazetteer, stems


def _place_stems(session: Session) -> dict[int, set[str]]:
    """Each municipality's name stems, for the "names its place" rule."""
    stems: dict[int, set[str]] = {}
    names: list[tuple[int, str]] = []
    for m in session.exec(select(Municipality)):
        names += [(m.id or 0, m.name.split()[0]), (m.id or 0, m.center or "")]
    names += [(s.municipality_id, s.name) for s in session.exec(select(Settlement))]
    for mid, name in names:
        for word in _WORD.findall(name.lower()):
            if len(word) >= 4 and word not in {"город", "поселок", "посёлок", "село"}:
                stems.setdefault(mid, set()).add(_root(word))
    return stems


def _root(word: str) -> str:
    """«льговский» -> «~льгов», «льгове» -> «~льгов»: adjective suffixes off, then endings."""
    for suffix in ("ский", "ского", "ском", "ской", "скому", "ская", "скую", "ское", "цкий"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return "~" + word[: -len(suffix)]
    return stem_key(word)


_REGION_OR_STREET = re.compile(
    r"\b(?:ул|улиц[аеыу]|пр|проспект\w*|пер|переул\w*)\.?\s+[а-яё]+"
    r"|\b[а-яё]+\s+(?:обл\b|област|улиц)"
)


def names_place(text: str, stems: set[str]) -> bool:
    """The text names the place: a stem of its names, not in «Курской области» or a street
    name («улица Советская» is no Советский район)."""
    plain = _REGION_OR_STREET.sub(" ", clean_text(text).lower())
    return any(_root(word) in stems for word in _WORD.findall(plain))


def hand_labels() -> dict[int, bool]:
    """Row of kursk_train.csv -> whether it names its place, by hand."""
    with (LABELS / "kursk_names_place.csv").open(encoding="utf-8", newline="") as handle:
        return {int(r["row"]): r["names_place"] == "1" for r in csv.DictReader(handle)}


def in_part(row: int, part: str) -> bool:
    """The fixed split: even data rows are the development part, odd rows the hold-out."""
    return part == "all" or (row % 2 == 0) == (part == "dev")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true", help="print wrong answers")
    parser.add_argument(
        "--part", choices=["dev", "holdout", "all"], default="all",
        help="dev: even data rows (misses read here); holdout: odd rows (never read for fixes)",
    )  # fmt: skip
    args = parser.parse_args()
    gazetteer, stems = _gazetteer()
    resolver = MunicipalityResolver(gazetteer, LocationTagger())
    with (SHARED / "appeals" / "kursk_train.csv").open(encoding="utf-8") as handle:
        rows = [
            {**r, "row": str(n)}
            for n, r in enumerate(csv.DictReader(handle))
            if r["executor"].startswith("Администрация") and in_part(n, args.part)
        ]
    gold = [(row, resolver.resolve(row["executor"]).municipality_id) for row in rows]
    usable = [(row, mid) for row, mid in gold if mid is not None]
    started = time.perf_counter()
    answers = [resolver.resolve(row["text"]) for row, _ in usable]
    seconds = time.perf_counter() - started
    baseline = [resolver.first_match(row["text"]) for row, _ in usable]
    named = [names_place(row["text"], stems.get(mid, set())) for row, mid in usable]
    report = {
        "part": args.part,
        "executor_rows": len(rows),
        "gold_rows": len(usable),
        "rows_naming_their_place": sum(named),
        "otklik": _figures(answers, usable, named),
        "baseline_first_match": _figures(baseline, usable, named),
        "texts_per_second": round(len(usable) / seconds, 1),
    }
    labels = hand_labels()
    labelled = [i for i, (row, _) in enumerate(usable) if int(row["row"]) in labels]
    if labelled:
        by_hand = [labels[int(usable[i][0]["row"])] for i in labelled]
        subset = [usable[i] for i in labelled]
        report["hand_labels"] = {
            "rows_labelled": len(labelled),
            "rows_naming_their_place": sum(by_hand),
            "stem_rule_agrees": round(
                sum(by_hand[k] == named[i] for k, i in enumerate(labelled)) / len(labelled), 4
            ),
            "otklik": _figures([answers[i] for i in labelled], subset, by_hand),
            "baseline_first_match": _figures([baseline[i] for i in labelled], subset, by_hand),
        }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if args.show_misses:
        for answer, (row, mid), is_named in zip(answers, usable, named, strict=True):
            wrong = answer.municipality_id not in (None, mid)
            if wrong or (is_named and not answer.municipality_id):
                print(row["row"], gazetteer.municipalities[mid], "|", answer.municipality_name,
                      answer.method, answer.span, answer.why, "|",
                      clean_text(row["text"])[:200])  # fmt: skip


def _figures(answers: list[Resolution], usable: list, named: list[bool]) -> dict[str, object]:
    resolved = [(a, mid) for a, (_, mid) in zip(answers, usable, strict=True) if a.municipality_id]
    right = sum(a.municipality_id == mid for a, mid in resolved)
    found = sum(
        a.municipality_id == mid
        for a, (_, mid), is_named in zip(answers, usable, named, strict=True)
        if is_named
    )
    misses: Counter[str] = Counter()
    for a, (_, mid), is_named in zip(answers, usable, named, strict=True):
        if a.municipality_id is not None and a.municipality_id != mid:
            misses[f"wrong ({a.method})"] += 1
        elif is_named and a.municipality_id is None:
            misses[f"named, no answer ({a.why or a.method})"] += 1
    return {
        "answered": len(resolved),
        "precision_when_answering": round(right / max(len(resolved), 1), 4),
        "recall_of_named_places": round(found / max(sum(named), 1), 4),
        "misses_by_kind": dict(misses.most_common()),
    }


if __name__ == "__main__":
    main()
