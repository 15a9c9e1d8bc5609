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

`--learn-from dev [--min-sightings N]`: villages are learned (`nlp.settlement_learning`, the
code of `otklik geo learn-settlements`) from every dev row — never a hold-out row — and
dev (in-sample, and cross-fitted: learned on one half, measured on the other) and the
hold-out are reported with and without them, beside the baseline, in one run.
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
from nlp.settlement_learning import (
    DEFAULT_MIN_SIGHTINGS,
    LearningSummary,
    LearningText,
    learn_settlements,
    municipality_of_executor,
)
from nlp.text import clean_text

_WORD = re.compile(r"[а-яё]+")


def _gazetteer(
    learn: list[tuple[str, int | None, str]] | None = None, min_sightings: int = 1
) -> tuple[Gazetteer, dict[int, set[str]], LearningSummary | None]:
    """The region's gazetteer and its place stems (always of the ОКТМО list alone: the
    "names its place" rule must not move with learning); with `learn` (text, municipality,
    row), the villages those texts teach (`nlp.settlement_learning`) are added first."""
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'geo.db'}")
        SQLModel.metadata.create_all(engine)
        summary = None
        with Session(engine) as session:
            import_region(
                session,
                oktmo_path=SHARED / "gazetteer" / "oktmo_municipal_formations_2019.json",
                cities_path=SHARED / "gazetteer" / "hflabs_city.csv",
                region_code="38",
            )
            stems = _place_stems(session)
            lemmatizer = Lemmatizer()
            gazetteer = Gazetteer.from_session(session, lemmatizer=lemmatizer)
            if learn is not None:
                texts = [LearningText(text, mid, f"row {row}") for text, mid, row in learn]
                summary = learn_settlements(
                    session, texts, gazetteer=gazetteer, region_code="38",
                    min_sightings=min_sightings,
                )  # fmt: skip
                gazetteer = Gazetteer.from_session(session, lemmatizer=lemmatizer)
        engine.dispose()
    return gazetteer, stems, summary


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
    parser.add_argument(
        "--learn-from", choices=["dev"], default=None,
        help="learn villages from the dev rows (their executor's municipality) and report dev "
        "and hold-out with and without them; dev also cross-fitted (learn on one half, "
        "measure the other)",
    )  # fmt: skip
    parser.add_argument("--min-sightings", type=int, default=DEFAULT_MIN_SIGHTINGS)
    args = parser.parse_args()
    gazetteer, stems, _ = _gazetteer()
    resolver = MunicipalityResolver(gazetteer, LocationTagger())
    if args.learn_from:
        report = _with_learning(resolver, stems, args.min_sightings)
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    usable = _gold_rows(resolver, args.part)
    started = time.perf_counter()
    answers = [resolver.resolve(row["text"]) for row, _ in usable]
    seconds = time.perf_counter() - started
    report = {
        "part": args.part,
        "gold_rows": len(usable),
        **_report(
            usable, stems, {"otklik": answers, "baseline_first_match": _baseline(resolver, usable)}
        ),
        "texts_per_second": round(len(usable) / seconds, 1),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if args.show_misses:
        named = [names_place(row["text"], stems.get(mid, set())) for row, mid in usable]
        for answer, (row, mid), is_named in zip(answers, usable, named, strict=True):
            wrong = answer.municipality_id not in (None, mid)
            if wrong or (is_named and not answer.municipality_id):
                print(row["row"], gazetteer.municipalities[mid], "|", answer.municipality_name,
                      answer.method, answer.span, answer.why, "|",
                      clean_text(row["text"])[:200])  # fmt: skip


Gold = list[tuple[dict[str, str], int]]


def _gold_rows(resolver: MunicipalityResolver, part: str) -> Gold:
    """The part's rows whose executor is an administration, with its municipality."""
    with (SHARED / "appeals" / "kursk_train.csv").open(encoding="utf-8") as handle:
        rows = [
            {**r, "row": str(n)}
            for n, r in enumerate(csv.DictReader(handle))
            if r["executor"].startswith("Администрация") and in_part(n, part)
        ]
    gold = [(row, resolver.resolve(row["executor"]).municipality_id) for row in rows]
    return [(row, mid) for row, mid in gold if mid is not None]


def _baseline(resolver: MunicipalityResolver, usable: Gold) -> list[Resolution]:
    return [resolver.first_match(row["text"]) for row, _ in usable]


def _report(
    usable: Gold, stems: dict[int, set[str]], runs: dict[str, list[Resolution]]
) -> dict[str, object]:
    """Each run's figures against the stem rule, and against the hand labels where the
    part's rows have them."""
    named = [names_place(row["text"], stems.get(mid, set())) for row, mid in usable]
    report: dict[str, object] = {"rows_naming_their_place": sum(named)}
    report |= {name: _figures(answers, usable, named) for name, answers in runs.items()}
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
        } | {
            name: _figures([answers[i] for i in labelled], subset, by_hand)
            for name, answers in runs.items()
        }
    return report


def _teaching_rows(resolver: MunicipalityResolver) -> list[tuple[dict[str, str], int | None]]:
    """Every dev (even) row, whatever its executor, with the executor's municipality when
    it is a municipal administration (`otklik geo learn-settlements` reads an export so);
    the others teach only villages their text places in a named district."""
    with (SHARED / "appeals" / "kursk_train.csv").open(encoding="utf-8") as handle:
        rows = [{**r, "row": str(n)} for n, r in enumerate(csv.DictReader(handle))]
    return [
        (row, municipality_of_executor(resolver, row["executor"]))
        for row in rows
        if in_part(int(row["row"]), "dev")
    ]


def _learned_resolver(
    rows: list[tuple[dict[str, str], int | None]], min_sightings: int
) -> tuple[MunicipalityResolver, LearningSummary]:
    """A resolver whose gazetteer learned the villages of `rows` (text, gold municipality)."""
    learn = [(row["text"], mid, row["row"]) for row, mid in rows]
    gazetteer, _, summary = _gazetteer(learn, min_sightings)
    assert summary is not None
    return MunicipalityResolver(gazetteer, LocationTagger()), summary


def _with_learning(
    resolver: MunicipalityResolver, stems: dict[int, set[str]], min_sightings: int
) -> dict[str, object]:
    """Learn from the dev rows only; measure dev (in-sample, and cross-fitted on its two
    halves) and the hold-out, beside the resolver without learning and the baseline."""
    dev, holdout = _gold_rows(resolver, "dev"), _gold_rows(resolver, "holdout")
    teaching = _teaching_rows(resolver)
    learned, summary = _learned_resolver(teaching, min_sightings)
    halves = [[(r, m) for r, m in dev if int(r["row"]) % 4 == k] for k in (0, 2)]
    crossfit: dict[str, Resolution] = {}
    for k, half in enumerate(halves):
        other_half = [(r, m) for r, m in teaching if int(r["row"]) % 4 != 2 * k]
        other, _ = _learned_resolver(other_half, min_sightings)
        crossfit |= {row["row"]: other.resolve(row["text"]) for row, _ in half}
    report: dict[str, object] = {
        "learned_from": "every dev (even) row, with its executor's municipality when that is "
        "a municipal administration",
        "min_sightings": min_sightings,
        "learning": {
            "texts": summary.texts,
            "sightings": summary.sightings,
            "learned": len(summary.learned),
            "refused_ambiguous": len(summary.ambiguous),
            "already_in_gazetteer": len(summary.already_known),
            "too_few_sightings": len(summary.too_few),
            "mentions_rejected": dict(summary.rejected.most_common()),
        },
    }
    for part, usable in (("dev", dev), ("holdout", holdout)):
        runs = {
            "baseline_first_match": _baseline(resolver, usable),
            "otklik": [resolver.resolve(row["text"]) for row, _ in usable],
            "otklik_learned": [learned.resolve(row["text"]) for row, _ in usable],
        }
        if part == "dev":
            runs["otklik_learned_crossfit"] = [crossfit[row["row"]] for row, _ in usable]
        report[part] = {"gold_rows": len(usable), **_report(usable, stems, runs)}
    return report


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
        "right_answers": right,
        "precision_when_answering": round(right / max(len(resolved), 1), 4),
        "recall_of_named_places": round(found / max(sum(named), 1), 4),
        "misses_by_kind": dict(misses.most_common()),
    }


if __name__ == "__main__":
    main()
