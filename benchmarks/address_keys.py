"""Address keys of real texts: this tree's parser beside another tree's, in one process.

    OTKLIK_SHARED_DATA=../shared/data .venv/bin/python -m benchmarks.address_keys \\
        --before /tmp/before [--show]

Texts: every `text` of ../shared/data/social/*.csv, appeals/kursk_train.csv and
appeals/spb_train.csv.gz, its first `MAX_ADDRESS_CHARS` parsed as the annotator does
(`AddressParser(gazetteer.lemmatizer, is_place=gazetteer.names_place)`, the Kursk region's
ОКТМО list and cities as the gazetteer). `--before` is a directory holding another tree's
`nlp/address.py` (`git archive <commit> nlp | tar -x -C DIR`): both parsers read every text.
Prints the texts whose keys differ, and the streets that now gather more texts (one street
named in different forms, now one key). `--show` prints each changed text's keys and the
words around them, to be read (texts stay on the screen, never in the repository).
"""

import argparse
import csv
import gzip
import importlib.util
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from benchmarks.nlp_common import SHARED
from benchmarks.nlp_geo import _gazetteer
from nlp.address import MAX_ADDRESS_CHARS, AddressParser

FILES = [
    "social/moscow_tg_moskvach.csv",
    "social/spb_cur_incidents_2022.csv",
    "social/spb_vk_comments_sample.csv",
    "social/stavropol_vk_comments.csv",
    "social/stavropol_vk_posts.csv",
    "appeals/kursk_train.csv",
    "appeals/spb_train.csv.gz",
]


def texts() -> Iterator[tuple[str, str]]:
    """(«file:row», text) of every shared text."""
    for name in FILES:
        path = SHARED / name
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for row, record in enumerate(csv.DictReader(handle)):
                if record.get("text"):
                    yield f"{path.name}:{row}", record["text"]


def _module(tree: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("address_before", tree / "nlp" / "address.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _street(key: str) -> str:
    words = key.split()
    return " ".join(words[:-1] if len(words) > 1 and words[-1][:1].isdigit() else words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="a tree with nlp/address.py")
    parser.add_argument("--show", action="store_true", help="print each changed text's keys")
    args = parser.parse_args()
    gazetteer, _, _ = _gazetteer()
    after = AddressParser(gazetteer.lemmatizer, is_place=gazetteer.names_place)
    before = _module(args.before).AddressParser(
        gazetteer.lemmatizer, is_place=gazetteer.names_place
    )
    count = with_address = changed = 0
    streets_before: Counter[str] = Counter()
    streets_after: Counter[str] = Counter()
    for where, text in texts():
        count += 1
        head = text[:MAX_ADDRESS_CHARS]
        old, new = before.keys(head), after.keys(head)
        with_address += bool(old or new)
        streets_before.update({_street(k) for k in old})
        streets_after.update({_street(k) for k in new})
        if old != new:
            changed += 1
            if args.show:
                words = {w[:4] for k in set(old) ^ set(new) for w in k.split() if w[:1].isalpha()}
                around = [
                    " ".join(head[max(0, m.start() - 40) : m.end() + 30].split())
                    for m in re.finditer(r"\w+", head)
                    if m.group(0).lower()[:4] in words
                ][:2]
                print(f"{where}: {old} -> {new} || {' ## '.join(around)}")
    moved = {
        street: f"{streets_before[street]} -> {streets_after[street]}"
        for street in sorted(set(streets_before) | set(streets_after))
        if streets_before[street] != streets_after[street]
    }
    print(f"texts: {count}, with an address: {with_address}, keys changed: {changed}")
    print(f"distinct streets: {len(streets_before)} -> {len(streets_after)}")
    print("texts per street, where it changed:")
    for street, counts in moved.items():
        print(f"  {street}: {counts}")


if __name__ == "__main__":
    main()
