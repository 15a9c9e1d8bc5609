"""Incident grouping on real appeals: the product's triage against exact-address matching.

    OTKLIK_SHARED_DATA=../shared/data .venv/bin/python -m benchmarks.grouping --rows 4000

Data: ../shared/data/appeals/spb_train.csv.gz, the first `--rows` appeals (by creation time)
that carry an address.

True incidents (the rule): two appeals are one incident when they have the same `address`
(the portal's own, exact string) and the same `reason`, and they are linked by a chain of
such appeals each at most 72 hours after the previous one.

Through the product: each appeal becomes a post whose text is «<address>. <text>» (a
resident names the place in the text; the portal keeps it in a field), published at
`created_dt`, annotated with the portal's `reason` as topic (none with `--no-topics`), its
`category`, and its `district` as municipality, and the address key the product's own parser
(`nlp.address.AddressParser`) reads from that text. `triage.stage.triage_posts` then groups
them in a scratch SQLite database, exactly as in production (72-hour window, address +
related problem, text similarity). Note what is and is not measured: the topic is the
portal's label, not the classifier's guess; the address is parsed from text, not copied.

`--group-similarity T` groups with another text-similarity threshold than the default
(`OTKLIK_TRIAGE_GROUP_SIMILARITY`), to see what a deployment's choice would do.

Baseline: exact-address matching — the same `address` string within a 72-hour chain,
whatever the reason. Figures: pairwise precision/recall/F1 over pairs of appeals put in one
incident, and B-cubed precision/recall/F1.
"""

import argparse
import csv
import gzip
import json
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session, SQLModel, create_engine

import models  # noqa: F401
from benchmarks.nlp_common import SHARED
from models.annotation import Annotation
from models.geo import Municipality
from models.incident import IncidentPost
from models.post import PipelineStage, Post
from models.source import Source
from nlp.address import AddressParser
from nlp.annotator import address_key
from nlp.lemmas import Lemmatizer
from triage.stage import triage_posts
from triage.thresholds import Thresholds

WINDOW = timedelta(hours=72)
SPB = ZoneInfo("Europe/Moscow")


def load(rows: int) -> list[dict[str, str]]:
    with gzip.open(SHARED / "appeals" / "spb_train.csv.gz", "rt", encoding="utf-8") as handle:
        found = [r for r in csv.DictReader(handle) if r["address"] and r["created_dt"]]
    found.sort(key=lambda r: r["created_dt"])
    return found[:rows]


def _time(row: dict[str, str]) -> datetime:
    return datetime.fromisoformat(row["created_dt"]).replace(tzinfo=SPB)


def chained(rows: Sequence[dict[str, str]], key: Callable[[dict[str, str]], str]) -> list[int]:
    """Cluster labels: rows with the same key, each within 72 h of the previous one."""
    labels = list(range(len(rows)))
    last: dict[str, tuple[datetime, int]] = {}
    for i in sorted(range(len(rows)), key=lambda i: _time(rows[i])):
        k, at = key(rows[i]), _time(rows[i])
        if k in last and at - last[k][0] <= WINDOW:
            labels[i] = labels[last[k][1]]
        last[k] = (at, i)
    return labels


def through_product(
    rows: Sequence[dict[str, str]],
    lemmatizer: Lemmatizer,
    *,
    topics: bool = True,
    why: dict[int, dict[str, object]] | None = None,
    thresholds: Thresholds | None = None,
) -> list[int]:
    """Incident label of each row; `why`, when given, receives each row's join reason."""
    parser = AddressParser(lemmatizer)
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'grouping.db'}")
        SQLModel.metadata.create_all(engine)
        with Session(engine) as session:
            ids = _store(session, rows, parser, topics=topics)
            triage_posts(session, post_ids=ids, thresholds=thresholds or Thresholds(),
                         lemmatize=lemmatizer.lemmatize_text)  # fmt: skip
            links = dict(
                session.execute(select(IncidentPost.post_id, IncidentPost.incident_id)).all()
            )  # type: ignore[arg-type]
            if why is not None:
                reasons = dict(
                    session.execute(select(IncidentPost.post_id, IncidentPost.reason)).all()
                )
                keys = dict(
                    session.execute(select(Annotation.post_id, Annotation.address_key)).all()
                )
                for n, post_id in enumerate(ids):
                    why[n] = {**(reasons.get(post_id) or {}), "key": keys.get(post_id)}
        engine.dispose()
    return [links.get(post_id, -post_id) for post_id in ids]


def _store(
    session: Session, rows: Sequence[dict[str, str]], parser: AddressParser, *, topics: bool
) -> list[int]:
    source = Source(kind="csv", name="spb", target="spb_train.csv.gz")
    session.add(source)
    districts: dict[str, int] = {}
    for name in sorted({r["district"] for r in rows}):
        municipality = Municipality(region_code="78", name=name)
        session.add(municipality)
        session.flush()
        districts[name] = municipality.id or 0
    session.flush()
    ids = []
    for n, row in enumerate(rows):
        text = f"{row['address']}. {row['text']}"
        post = Post(source_id=source.id or 0, external_id=str(n), text=text, text_original=text,
                    published_at=_time(row), stage=PipelineStage.ANNOTATED, raw={})  # fmt: skip
        session.add(post)
        session.flush()
        session.add(Annotation(
            post_id=post.id or 0, category_code=row["category"][:64],
            category_confidence=1.0, topic_code=row["reason"][:64] if topics else None,
            topic_confidence=1.0,
            municipality_id=districts[row["district"]], municipality_confidence=1.0,
            address_key=address_key(parser.parse(text)),
        ))  # fmt: skip
        ids.append(post.id or 0)
    session.commit()
    return ids


def false_joins(
    rows: Sequence[dict[str, str]],
    truth: list[int],
    guess: list[int],
    why: dict[int, dict[str, object]],
    *,
    show: int = 0,
) -> dict[str, object]:
    """Error analysis: every pair the product joined that the truth keeps apart, by kind —
    what the two appeals share (portal address, reason, category) and the rule that brought
    the later one in; and the posts whose join brought no true partner at all."""
    members: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(guess):
        members[label].append(i)
    pairs: dict[str, int] = defaultdict(int)
    wrong_posts: dict[str, int] = defaultdict(int)
    shown = 0
    for group in members.values():
        group.sort(key=lambda i: _time(rows[i]))
        for k, later in enumerate(group):
            earlier = group[:k]
            if not earlier:
                continue
            partners = [i for i in earlier if truth[i] == truth[later]]
            rule = str(why.get(later, {}).get("rule"))
            for i in earlier:
                if truth[i] != truth[later]:
                    pairs[f"{rule}: {_pair_kind(rows[i], rows[later])}"] += 1
            if not partners:
                closest = earlier[-1]
                kind = f"{rule}: {_pair_kind(rows[closest], rows[later])}"
                wrong_posts[kind] += 1
                if shown < show:
                    shown += 1
                    print("FALSE JOIN", kind, why.get(later))
                    for i in (closest, later):
                        print("   ", rows[i]["created_dt"], "|", rows[i]["address"], "|",
                              rows[i]["reason"], "|", why.get(i, {}).get("key"), "|",
                              rows[i]["text"][:90].replace("\n", " "))  # fmt: skip
    return {
        "false_pairs_by_kind": dict(sorted(pairs.items(), key=lambda kv: -kv[1])),
        "posts_joined_with_no_true_partner_by_kind": dict(
            sorted(wrong_posts.items(), key=lambda kv: -kv[1])
        ),
    }


def _pair_kind(a: dict[str, str], b: dict[str, str]) -> str:
    address = "same address" if a["address"] == b["address"] else "other address"
    if a["reason"] == b["reason"]:
        problem = "same reason"
    elif a["category"] == b["category"]:
        problem = "other reason, same category"
    else:
        problem = "other category"
    late = _time(b) - _time(a) > WINDOW
    return f"{address}, {problem}" + (", over 72 h apart" if late else "")


def pairwise(truth: list[int], guess: list[int]) -> dict[str, float]:
    def pairs(labels: list[int]) -> set[tuple[int, int]]:
        groups: dict[int, list[int]] = defaultdict(list)
        for i, label in enumerate(labels):
            groups[label].append(i)
        return {(a, b) for g in groups.values() for a in g for b in g if a < b}

    true_pairs, guessed = pairs(truth), pairs(guess)
    hit = len(true_pairs & guessed)
    return _prf(hit / max(len(guessed), 1), hit / max(len(true_pairs), 1))


def bcubed(truth: list[int], guess: list[int]) -> dict[str, float]:
    by_truth: dict[int, set[int]] = defaultdict(set)
    by_guess: dict[int, set[int]] = defaultdict(set)
    for i, (t, g) in enumerate(zip(truth, guess, strict=True)):
        by_truth[t].add(i)
        by_guess[g].add(i)
    precision = recall = 0.0
    for t, g in zip(truth, guess, strict=True):
        shared = len(by_truth[t] & by_guess[g])
        precision += shared / len(by_guess[g])
        recall += shared / len(by_truth[t])
    return _prf(precision / len(truth), recall / len(truth))


def _prf(precision: float, recall: float) -> dict[str, float]:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4000)
    parser.add_argument(
        "--no-topics", action="store_true",
        help="annotate the category only: grouping by address, category and text alone",
    )  # fmt: skip
    parser.add_argument(
        "--false-joins", type=int, default=None, metavar="N",
        help="error analysis: count the false joins by kind and print N of them",
    )  # fmt: skip
    parser.add_argument(
        "--group-similarity", type=float, default=Thresholds().group_similarity,
        help="the text similarity a post needs to join (OTKLIK_TRIAGE_GROUP_SIMILARITY)",
    )  # fmt: skip
    args = parser.parse_args()
    rows = load(args.rows)
    truth = chained(rows, lambda r: f"{r['address']}|{r['reason']}")
    baseline = chained(rows, lambda r: r["address"])
    started = time.perf_counter()
    why: dict[int, dict[str, object]] = {}
    thresholds = Thresholds(group_similarity=args.group_similarity)
    product = through_product(rows, Lemmatizer(), topics=not args.no_topics, why=why,
                              thresholds=thresholds)  # fmt: skip
    seconds = time.perf_counter() - started
    report = {
        "appeals": len(rows),
        "topics": "none" if args.no_topics else "the portal's reason",
        "group_similarity": args.group_similarity,
        "from": rows[0]["created_dt"][:10],
        "to": rows[-1]["created_dt"][:10],
        "true_incidents": len(set(truth)),
        "true_incidents_with_2_or_more": sum(1 for t in set(truth) if truth.count(t) > 1),
        "otklik": {"incidents": len(set(product)), "pairwise": pairwise(truth, product),
                   "bcubed": bcubed(truth, product)},
        "baseline_exact_address": {"incidents": len(set(baseline)),
                                   "pairwise": pairwise(truth, baseline),
                                   "bcubed": bcubed(truth, baseline)},
        "seconds_through_the_product": round(seconds, 1),
    }  # fmt: skip
    if args.false_joins is not None:
        report["false_joins"] = false_joins(rows, truth, product, why, show=args.false_joins)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
