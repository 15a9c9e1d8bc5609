"""Municipalities and address keys of real texts under several regions' gazetteers, to compare
two trees: what reading «на Лермонтова» as a street (not the town Лермонтов) changes.

    export OTKLIK_SHARED_DATA=$PWD/../shared/data
    PYTHONPATH=. .venv/bin/python benchmarks/town_streets.py --out /tmp/after.json
    PYTHONPATH=/tmp/oldtree .venv/bin/python benchmarks/town_streets.py \\
        --out /tmp/before.json     # this file run on the other tree's code (a git worktree)
    PYTHONPATH=. .venv/bin/python benchmarks/town_streets.py --compare /tmp/before.json \\
        /tmp/after.json [--show]

Texts: every shared text `benchmarks.address_keys.texts` reads, each read as the annotator
reads it (`MunicipalityResolver.resolve`, `AddressParser.keys` with the gazetteer's
`names_place`) under each region of `--regions` (ОКТМО 2019 and the city list,
`nlp.geo_import.import_region`): by default Ставропольский край (07), Курская (38),
Санкт-Петербург (40), Москва (45) and Пермский край (57), the regions whose texts the shared
data holds. `--compare` counts the texts whose municipality or keys differ between two runs;
`--show` prints them with the words around the change, to be read (texts stay on the screen,
never in the repository).
"""

import argparse
import json
import tempfile
from collections import Counter
from pathlib import Path

from sqlmodel import Session, SQLModel, create_engine

import models  # noqa: F401
from benchmarks.address_keys import texts
from benchmarks.nlp_common import SHARED
from nlp.address import MAX_ADDRESS_CHARS, AddressParser
from nlp.gazetteer import Gazetteer
from nlp.geo_import import import_region
from nlp.lemmas import Lemmatizer
from nlp.resolver import MunicipalityResolver

REGIONS = ["07", "38", "40", "45", "57"]


def gazetteer(shared: Path, region: str, lemmatizer: Lemmatizer) -> Gazetteer:
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'geo.db'}")
        SQLModel.metadata.create_all(engine)
        with Session(engine) as session:
            import_region(
                session,
                oktmo_path=shared / "gazetteer" / "oktmo_municipal_formations_2019.json",
                cities_path=shared / "gazetteer" / "hflabs_city.csv",
                region_code=region,
            )
            found = Gazetteer.from_session(session, lemmatizer=lemmatizer)
        engine.dispose()
    return found


def read(shared: Path, regions: list[str]) -> dict[str, list[object]]:
    """{"region|file:row": [municipality, span, keys]} for every text with any of them."""
    lemmatizer = Lemmatizer()
    every = list(texts())
    out: dict[str, list[object]] = {}
    for region in regions:
        places = gazetteer(shared, region, lemmatizer)
        resolver = MunicipalityResolver(places)
        parser = AddressParser(lemmatizer, is_place=places.names_place)
        for where, text in every:
            found = resolver.resolve(text)
            keys = parser.keys(text[:MAX_ADDRESS_CHARS])
            if found.municipality_name or keys:
                out[f"{region}|{where}"] = [found.municipality_name, found.span, keys]
        print(f"region {region}: {len(every)} texts read", flush=True)
    return out


def compare(before_path: Path, after_path: Path, show: bool) -> None:
    before = json.loads(before_path.read_text(encoding="utf-8"))
    after = json.loads(after_path.read_text(encoding="utf-8"))
    empty = [None, None, []]
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    kinds: Counter[str] = Counter()
    text_of = dict(texts()) if show else {}
    for key in changed:
        old, new = before.get(key, empty), after.get(key, empty)
        kind = []
        if old[0] != new[0]:
            kind.append(f"municipality {'dropped' if new[0] is None else 'changed'}")
        if old[2] != new[2]:
            kind.append("keys")
        kinds[" + ".join(kind)] += 1
        if show:
            region, where = key.split("|", 1)
            span = str(old[1] or new[1] or "")
            text = text_of[where]
            at = text.find(span) if span else -1
            around = " ".join(text[max(0, at - 50) : at + 60].split()) if at >= 0 else ""
            print(f"{region} {where}: {old} -> {new} || {around}")
    print(f"region-texts with an answer: {len(before)} before, {len(after)} after; "
          f"changed: {len(changed)}")  # fmt: skip
    for kind, count in kinds.most_common():
        print(f"  {kind}: {count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write this tree's answers here (JSON)")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--regions", nargs="+", default=REGIONS, help="ОКТМО region codes")
    parser.add_argument("--show", action="store_true", help="print each changed text's answers")
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare, show=args.show)
    elif args.out:
        args.out.write_text(json.dumps(read(SHARED, args.regions), ensure_ascii=False))
    else:
        parser.error("--out or --compare")


if __name__ == "__main__":
    main()
