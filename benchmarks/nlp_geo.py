"""Municipality resolution on Kursk appeals whose `executor` names a municipal administration.

    .venv/bin/python -m benchmarks.nlp_geo

Imports Курская область (ОКТМО region 38) from ../shared/data/gazetteer into a scratch SQLite
database with the same code as `otklik geo import`, takes the rows whose executor is an
«Администрация … района / города …», resolves the executor's own name to get the gold
municipality, then resolves the appeal text. Baseline: always answer the most frequent
gold municipality.
"""

import csv
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlmodel import Session, SQLModel, create_engine

import models  # noqa: F401
from benchmarks.nlp_common import SHARED
from nlp.gazetteer import Gazetteer
from nlp.geo_import import import_region
from nlp.lemmas import Lemmatizer
from nlp.ner import LocationTagger
from nlp.resolver import MunicipalityResolver


def main() -> None:
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
    resolver = MunicipalityResolver(gazetteer, LocationTagger())
    with (SHARED / "appeals" / "kursk_train.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["executor"].startswith("Администрация")]
    gold = [(row, resolver.resolve(row["executor"]).municipality_id) for row in rows]
    usable = [(row, mid) for row, mid in gold if mid is not None]
    started = time.perf_counter()
    answers = [resolver.resolve(row["text"]) for row, _ in usable]
    seconds = time.perf_counter() - started
    resolved = [(a, mid) for a, (_, mid) in zip(answers, usable, strict=True) if a.municipality_id]
    right = sum(a.municipality_id == mid for a, mid in resolved)
    majority = Counter(mid for _, mid in usable).most_common(1)[0][1]
    print(json.dumps({
        "executor_rows": len(rows), "gold_rows": len(usable),
        "resolved_share": round(len(resolved) / len(usable), 4),
        "precision_when_resolved": round(right / max(len(resolved), 1), 4),
        "accuracy_all_rows": round(right / len(usable), 4),
        "baseline_majority_accuracy": round(majority / len(usable), 4),
        "texts_per_second": round(len(usable) / seconds, 1),
    }, ensure_ascii=False, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
