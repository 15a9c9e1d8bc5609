"""The municipality rating's time with and without «Повторно после решения» (`triage.repeats`).

    PYTHONPATH=. .venv/bin/python -m benchmarks.rating_repeats --incidents 20000 --reports 5000

A synthetic SQLite store in a scratch file: `--municipalities` municipalities, each with 40
streets of 30 houses; `--incidents` incidents over 120 days, each at one house with one of
six topics; `--reports` of them reported and resolved 1–10 days after their first post
(a `status:resolved` audit event), and 1–4 days later a tenth of those reopened by a fresh
complaint (`status:reopened` and `reopen_evidence`, as `triage.reopening` writes them), a
tenth reopened by an operator (`status:reopened` alone), a tenth left resolved with a
complaint an open report took (`repeat_evidence`). The rating is read over the
last 90 days, best of `--runs`: without the repeats (`repeats=False`, the baseline, the
rating as it was) and with them, in the same run. For scale and as a check, the
same run times `triage.repeats.report_repeats` (four queries for one report, as a per-report
look-up would be) on every resolved report of the period (`--per-report N`: the first N,
extrapolated) and counts those it finds repeated.
"""

import argparse
import json
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, SQLModel, create_engine

import models  # noqa: F401
from models.audit import AuditEvent
from models.geo import Municipality
from models.incident import Incident, IncidentStatus
from models.report import Report, ReportStatus
from triage.rating import municipality_rating
from triage.repeats import _resolutions, report_repeats

START = datetime(2026, 6, 1, tzinfo=UTC)
DAYS = 120
STREETS = [f"улица {n}" for n in range(40)]
CAME_BACK = {0: ("status:reopened", "reopen_evidence"), 1: ("status:reopened",),
             2: ("repeat_evidence",)}  # fmt: skip
TOPICS = [("housing", "housing_pipe_burst"), ("housing", "housing_heating"),
          ("roads", "roads_potholes"), ("amenities", "amenities_lighting"),
          ("amenities", "amenities_garbage"), ("transport", "transport_schedule")]  # fmt: skip


def build(session: Session, *, municipalities: int, incidents: int, reports: int) -> None:
    rng = random.Random(7)
    places = [Municipality(region_code="57", name=f"Округ {n}") for n in range(municipalities)]
    session.add_all(places)
    session.flush()
    rows = []
    for n in range(incidents):
        first = START + timedelta(minutes=rng.randrange(DAYS * 24 * 60))
        category, topic = rng.choice(TOPICS)
        rows.append(
            Incident(
                title=f"Инцидент {n}",
                status=IncidentStatus.OPEN,
                category_code=category,
                topic_code=topic,
                municipality_id=rng.choice(places).id,
                address=f"{rng.choice(STREETS)} {rng.randrange(1, 31)}",
                post_count=rng.randrange(1, 5),
                first_post_at=first,
                last_post_at=first + timedelta(hours=rng.randrange(72)),
            )
        )
    session.add_all(rows)
    session.flush()
    for n, incident in enumerate(rng.sample(rows, reports)):
        resolved = (incident.first_post_at or START) + timedelta(hours=rng.randrange(24, 240))
        kind = n % 10  # 0: reopened by a complaint, 1: by an operator, 2: its twin took it
        reopened = kind in (0, 1)
        report = Report(
            incident_id=incident.id or 0,
            municipality_id=incident.municipality_id,
            status=ReportStatus.REOPENED if reopened else ReportStatus.RESOLVED,
            created_at=incident.first_post_at or START,
            first_answer_at=resolved,
            due_at=(incident.first_post_at or START) + timedelta(hours=40),
            resolved_at=None if reopened else resolved,
        )
        session.add(report)
        session.flush()
        events = [("status:resolved", resolved)]
        if kind in (0, 1, 2):
            back = resolved + timedelta(days=rng.randrange(1, 5))
            events += [(action, back) for action in CAME_BACK[kind]]
        session.add_all(
            AuditEvent(actor="system", entity_type="report", entity_id=report.id or 0,
                       action=action, at=at, before=None, after=None)
            for action, at in events
        )  # fmt: skip
    session.commit()


def _best(session: Session, runs: int, **options: object) -> tuple[float, list]:
    best, rows = float("inf"), []
    for _ in range(runs):
        session.expunge_all()
        started = time.perf_counter()
        rows = municipality_rating(session, **options)  # type: ignore[arg-type]
        best = min(best, time.perf_counter() - started)
    return best, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--municipalities", type=int, default=30)
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--reports", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--per-report", type=int, default=0, help="0: all")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'rating.db'}")
        SQLModel.metadata.create_all(engine)
        with Session(engine) as session:
            started = time.perf_counter()
            build(session, municipalities=args.municipalities, incidents=args.incidents,
                  reports=args.reports)  # fmt: skip
            built = time.perf_counter() - started
            window = {
                "since": START + timedelta(days=DAYS - 90),
                "until": START + timedelta(days=DAYS),
            }
            without, _ = _best(session, args.runs, repeats=False, **window)
            with_repeats, rows = _best(session, args.runs, repeats=True, **window)
            ids = [item.report_id for item in _resolutions(session, [], **window)]
            sample = ids[: args.per_report or len(ids)]
            started = time.perf_counter()
            found = [report_repeats(session, report_id=report_id) for report_id in sample]
            per_report = (time.perf_counter() - started) / max(1, len(sample))
            one_by_one = sum(bool(item and item.repeated) for item in found)
    resolved = sum(r.resolved_in_period for r in rows)
    repeated = sum(r.repeated for r in rows)
    print(json.dumps({
        "municipalities": args.municipalities, "incidents": args.incidents,
        "reports": args.reports, "build_s": round(built, 1), "runs": args.runs,
        "rating_without_repeats_ms": round(without * 1000, 1),
        "rating_with_repeats_ms": round(with_repeats * 1000, 1),
        "one_report_ms": round(per_report * 1000, 2),
        "per_report_for_all_ms": round(per_report * len(ids) * 1000),
        "resolved_in_period": resolved, "repeated": repeated,
        "repeated_one_by_one": one_by_one, "of_reports_looked_up": len(sample),
        "repeated_share": round(repeated / resolved, 3) if resolved else None,
    }, ensure_ascii=False, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
