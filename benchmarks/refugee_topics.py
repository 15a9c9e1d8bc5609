"""What the product files under «Беженцы» on real texts, before vs after, in one run.

    .venv/bin/python -m benchmarks.refugee_topics [--shared ../shared/data] [--before main]
        [--show N]

Every text of ../shared/data/social (and the Kursk appeals) is annotated twice, as a fresh
install would: with the taxonomy, seed examples and shipped social models of git revision
`--before` (read with `git show` into a temporary copy of data/) and with this
checkout's own. For each, the signals whose topic is `safety_refugees` are counted and
sorted by keywords into refugees, fires, other emergencies and the rest; fire posts are
also counted wherever they land, and refugee posts too. `--show N` prints N texts of each class on
the console only (to read them; never into the repository).
"""

import argparse
import csv
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from sqlmodel import Session, SQLModel, create_engine

import models  # noqa: F401
from benchmarks.nlp_common import SHARED
from nlp.annotator import Annotator
from nlp.gazetteer import Gazetteer
from nlp.lemmas import Lemmatizer
from nlp.ner import LocationTagger
from nlp.seed import seed_reference_data
from otklik.paths import DATA_DIR

REFUGEE = re.compile(r"беженц|переселен|временного размещения|вынужденн\w+ переселен|мигрант")
FIRE = re.compile(r"пожар|горит|горел|сгорел|возгоран|задымл|пламен|огн[её]м|подожг|поджог")
EMERGENCY = re.compile(r"\bмчс\b|взрыв|\bчп\b|эвакуац|обрушени|утонул|спасател|\bдтп\b|авари")
REFUGEES = "safety_refugees"
SAFETY = "safety"
TEXT_COLUMNS = ("text", "Текст комментария")
FILES = (
    "social/spb_cur_incidents_2022.csv",
    "social/spb_vk_comments_sample.csv",
    "social/stavropol_vk_posts.csv",
    "social/stavropol_vk_comments.csv",
    "social/moscow_tg_moskvach.csv",
    "appeals/kursk_train.csv",
)
DATA_FILES = ("taxonomy.json", "seed_examples.csv", "social_categories.npz", "social_signal.npz")


def texts(shared: Path) -> list[str]:
    out: list[str] = []
    for name in FILES:
        with (shared / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                column = next(c for c in TEXT_COLUMNS if c in row)
                if row[column].strip():
                    out.append(row[column])
    return out


def kind(text: str) -> str:
    lowered = text.lower()
    if REFUGEE.search(lowered):
        return "refugees"
    if FIRE.search(lowered):
        return "fire"
    if EMERGENCY.search(lowered):
        return "emergency"
    return "other"


def data_dir_at(revision: str, into: Path) -> Path:
    """A copy of data/ whose taxonomy, seed examples and shipped models are `revision`'s."""
    target = into / revision.replace("/", "_")
    shutil.copytree(DATA_DIR, target)
    for name in DATA_FILES:
        shown = subprocess.run(
            ["git", "show", f"{revision}:data/{name}"], capture_output=True, check=True
        )
        (target / name).write_bytes(shown.stdout)
    return target


def measure(annotator: Annotator, items: list[str], show: int) -> dict[str, Counter[str]]:
    annotations = annotator.annotate(items)
    refugees: Counter[str] = Counter()
    fires: Counter[str] = Counter()
    about_refugees: Counter[str] = Counter()
    shown: Counter[str] = Counter()
    for text, annotation in zip(items, annotations, strict=True):
        if not annotation.is_signal:
            continue
        label = kind(text)
        if annotation.topic_code == REFUGEES:
            refugees[label] += 1
            if shown[label] < show:
                shown[label] += 1
                print(f"  [{label}] {text[:160]!r}")
        if label == "fire":
            fires[annotation.topic_code or "-"] += 1
        if label == "refugees":
            about_refugees[annotation.topic_code or "-"] += 1
    return {"refugees": refugees, "fires": fires, "about_refugees": about_refugees}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--before", default="main")
    parser.add_argument("--show", type=int, default=0)
    args = parser.parse_args()
    items = texts(args.shared)
    lemmatizer = Lemmatizer()
    tagger = LocationTagger()
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        seed_reference_data(session, data_dir=DATA_DIR, region_code="59")
        gazetteer = Gazetteer.from_session(session, lemmatizer=lemmatizer)
    print(f"{len(items)} texts")
    with tempfile.TemporaryDirectory() as tmp:
        runs = {args.before: data_dir_at(args.before, Path(tmp)), "this checkout": DATA_DIR}
        for name, data_dir in runs.items():
            annotator = Annotator.load(
                None, gazetteer=gazetteer, data_dir=data_dir, cache_dir=Path(tmp), tagger=tagger
            )
            figures = measure(annotator, items, args.show)
            total = sum(figures["refugees"].values())
            print(f"{name}: {total} signals in {REFUGEES}: {dict(figures['refugees'])}")
            print(f"{name}: fire-keyword signals by topic: {figures['fires'].most_common()}")
            print(f"{name}: refugee-keyword signals by topic: {figures['about_refugees']}")


if __name__ == "__main__":
    main()
