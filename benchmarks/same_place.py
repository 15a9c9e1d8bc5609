"""«По этому адресу» on real appeals: the same problem at the same place beyond grouping's
72 hours, listed on an incident's page (`triage.same_place`).

    OTKLIK_SHARED_DATA=../shared/data .venv/bin/python -m benchmarks.same_place --rows 5000

Data and grouping as `benchmarks.grouping`: the first `--rows` appeals of
../shared/data/appeals/spb_train.csv.gz with an address, each a post «<address>. <text>»
with the portal's reason as topic and its district as municipality, the address key read by
the product's parser, grouped by `triage.stage.triage_posts` in a scratch SQLite database.

Truth: two of the product's incidents are the same problem at the same place when an
appeal of one and an appeal of the other have the same `address` (the portal's exact
string) and the same `reason`, at most `HISTORY_DAYS` apart. Listed: the pairs
`triage.same_place.neighbours` marks «та же проблема». Baseline, in the same run: the same
full address key (street and house, as parsed) and the same topic.
"""

import argparse
import json
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session, SQLModel, create_engine

import models  # noqa: F401
from benchmarks.grouping import _prf, _store, _time, load
from models.incident import Incident, IncidentPost
from nlp.address import AddressParser
from nlp.lemmas import Lemmatizer
from triage.address import keys
from triage.same_place import HISTORY_DAYS, neighbours
from triage.stage import triage_posts
from triage.thresholds import Thresholds

Pair = tuple[int, int]


def true_pairs(rows: list[dict[str, str]], incident_of: list[int]) -> set[Pair]:
    """Pairs of distinct incidents holding appeals of one address and reason, close enough."""
    by_problem: dict[str, list[int]] = defaultdict(list)
    for n, row in enumerate(rows):
        by_problem[f"{row['address']}|{row['reason']}"].append(n)
    span = timedelta(days=HISTORY_DAYS)
    pairs = set()
    for members in by_problem.values():
        for a in members:
            for b in members:
                left, right = incident_of[a], incident_of[b]
                if left < right and abs(_time(rows[a]) - _time(rows[b])) <= span:
                    pairs.add((left, right))
    return pairs


def grouped(session: Session, rows: list[dict[str, str]], lemmatizer: Lemmatizer) -> list[int]:
    """The appeals stored as posts and grouped by the product: each row's incident id (minus
    its post id for a row no incident holds)."""
    ids = _store(session, rows, AddressParser(lemmatizer), topics=True)
    triage_posts(session, post_ids=ids, thresholds=Thresholds(),
                 lemmatize=lemmatizer.lemmatize_text)  # fmt: skip
    links = dict(session.execute(select(IncidentPost.post_id, IncidentPost.incident_id)).all())  # type: ignore[arg-type]
    return [links.get(post_id, -post_id) for post_id in ids]


def scores(listed: set[Pair], truth: set[Pair]) -> dict[str, float | int]:
    hit = len(listed & truth)
    return {"pairs_listed": len(listed), "true_listed": hit,
            **_prf(hit / max(len(listed), 1), hit / max(len(truth), 1))}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    rows = load(args.rows)
    lemmatizer = Lemmatizer()
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'same_place.db'}")
        SQLModel.metadata.create_all(engine)
        with Session(engine) as session:
            incident_of = grouped(session, rows, lemmatizer)
            incidents = list(session.execute(select(Incident)).scalars())
            started = time.perf_counter()
            listed, baseline = set(), set()
            for incident in incidents:
                for found in neighbours(session, incident=incident, shown=1000):
                    pair = tuple(sorted((incident.id or 0, found.incident.id or 0)))
                    if found.same_problem:
                        listed.add(pair)
                    if (
                        set(keys(incident.address)) & set(keys(found.incident.address))
                        and incident.topic_code == found.incident.topic_code
                    ):
                        baseline.add(pair)
            seconds = time.perf_counter() - started
        engine.dispose()
    truth = true_pairs(rows, incident_of)
    print(json.dumps({
        "appeals": len(rows), "from": rows[0]["created_dt"][:10], "to": rows[-1]["created_dt"][:10],
        "incidents": len(incidents), "true_pairs": len(truth),
        "incidents_in_a_true_pair": len({i for pair in truth for i in pair}),
        "otklik_same_problem": scores(listed, truth),
        "baseline_same_key_and_topic": scores(baseline, truth),
        "look_up_ms_per_incident": round(1000 * seconds / max(len(incidents), 1), 2),
    }, ensure_ascii=False, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
