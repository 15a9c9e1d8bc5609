"""Municipality resolution in a city of federal significance: St Petersburg's appeals, each with
the municipal okrug, town or посёлок the portal placed it in.

    export OTKLIK_SHARED_DATA=$PWD/../shared/data
    PYTHONPATH=. .venv/bin/python benchmarks/federal_city_places.py [--part dev|holdout]
    PYTHONPATH=/tmp/oldtree .venv/bin/python benchmarks/federal_city_places.py   # another tree
    PYTHONPATH=. .venv/bin/python benchmarks/federal_city_places.py --part dev --show wrong

Data: ../shared/data/appeals/spb_train.csv.gz (48,678 appeals of «Наш Санкт-Петербург»), the
rows whose `municipality` is one of the ОКТМО list's formations of region 40 (its name as the
list spells it). The gazetteer is region 40 imported by the code of `otklik geo import`
(ОКТМО 2019 and the city list; `benchmarks.town_streets.gazetteer`); each text is resolved with no
source prior, as `MunicipalityResolver.resolve` reads a post.

Precision is over every answer. "Names its place" (the recall denominator) is decided without
the resolver: every word of four letters or more of the formation's own name (the name
without «муниципальный округ», «город», «поселок») has its stem (`nlp.lemmas.stem_key`) among
the text's. Split: `--part dev` (even data rows) is where wrong answers and misses are read;
`--part holdout` (odd rows) is only measured. `--show wrong|missed` prints them (texts stay
on the screen, never in the repository).
"""

import argparse
import gzip
import re
from collections import Counter

import pandas as pd

from benchmarks.nlp_common import SHARED
from benchmarks.town_streets import gazetteer
from nlp.lemmas import Lemmatizer, stem_key
from nlp.resolver import MunicipalityResolver

REGION = "40"
_TYPE = re.compile(r"^(?:муниципальный округ|город|поселок|посёлок)\s+", re.I)
_WORD = re.compile(r"[а-яё]+")


def appeals(part: str) -> pd.DataFrame:
    """The part's rows (position in the file, text, gold formation name)."""
    with gzip.open(SHARED / "appeals" / "spb_train.csv.gz", "rt", encoding="utf-8") as handle:
        frame = pd.read_csv(handle, dtype=str, usecols=["text", "municipality"])
    frame["row"] = range(len(frame))
    frame = frame.dropna(subset=["text", "municipality"])
    return frame[frame["row"] % 2 == (0 if part == "dev" else 1)]


def own_stems(name: str) -> set[str]:
    plain = _TYPE.sub("", name.lower()).replace("ё", "е")
    return {stem_key(word) for word in _WORD.findall(plain) if len(word) >= 4} - {"округ"}


def names_place(text: str, stems: set[str]) -> bool:
    found = {stem_key(word) for word in _WORD.findall(text.lower().replace("ё", "е"))}
    return bool(stems) and stems <= found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["dev", "holdout"], default="dev")
    parser.add_argument("--show", choices=["wrong", "missed"], help="print these rows (dev only)")
    args = parser.parse_args()
    lemmatizer = Lemmatizer()
    places = gazetteer(SHARED, REGION, lemmatizer)
    known = {name for name in places.municipalities.values()}
    resolver = MunicipalityResolver(places)
    rows = appeals(args.part)
    rows = rows[rows["municipality"].isin(known)]
    answers = right = named = named_right = 0
    methods: Counter[str] = Counter()
    wrong_methods: Counter[str] = Counter()
    for row, text, gold in zip(rows["row"], rows["text"], rows["municipality"], strict=True):
        found = resolver.resolve(text)
        is_named = names_place(text, own_stems(gold))
        named += is_named
        if found.municipality_name is not None:
            answers += 1
            methods[found.method] += 1
            ok = found.municipality_name == gold
            right += ok
            named_right += ok and is_named
            if not ok:
                wrong_methods[found.method] += 1
            if args.show == "wrong" and not ok and args.part == "dev":
                answer = found.municipality_name
                print(f"row {row}: {gold} -> {answer} ({found.why}) || {text[:200]!r}")
        elif args.show == "missed" and is_named and args.part == "dev":
            print(f"row {row}: {gold} missed ({found.why}) || {text[:200]!r}")
    print(f"part {args.part}: {len(rows)} appeals in {len(known)} formations of region {REGION}")
    print(f"answers {answers}: right {right}, precision {right / max(answers, 1):.3f}")
    recall = named_right / max(named, 1)
    print(f"name their place {named}: found {named_right}, recall {recall:.3f}")
    print(f"answers by method {dict(methods)}; wrong by method {dict(wrong_methods)}")


if __name__ == "__main__":
    main()
