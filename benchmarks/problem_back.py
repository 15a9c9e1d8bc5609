"""The problem back after a resolution, on real appeals: residents who write about the same
problem at the same place after the portal closed it («Завершено»).

    OTKLIK_SHARED_DATA=../shared/data .venv/bin/python -m benchmarks.problem_back --rows 12000

Data and grouping as `benchmarks.same_place`: the first `--rows` appeals of
../shared/data/appeals/spb_train.csv.gz with an address, grouped by the product into
incidents in a scratch SQLite database. Each incident whose appeals were all closed
(`status_history`: the first «Завершено: …» of each) gets a report resolved when the last
of them closed, as the ЦУР's report would have been.

Truth: a resolved incident X is back in incident Y when an appeal of Y has the same portal
`address` (the exact string) and `reason` as an appeal of X, and Y's first appeal came
after X's resolution, within `REPEAT_DAYS`. Ours: the pairs `triage.repeats.report_repeats`
finds (the rating's «Повторно после решения»), and, for each incident Y, the report
`triage.same_place.returned_problem` offers to reopen on Y's page (any resolved X of the same
address and reason before Y's last appeal, within `HISTORY_DAYS`, is right). Baseline, same
run: the same full parsed address key (street and house) and the same topic.
"""

import argparse
import json
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session, SQLModel, create_engine

import models  # noqa: F401
from benchmarks.grouping import SPB, _prf, load
from benchmarks.same_place import grouped, scores
from models.incident import Incident
from models.report import Report, ReportStatus
from nlp.lemmas import Lemmatizer
from triage.address import keys
from triage.repeats import REPEAT_DAYS, report_repeats
from triage.same_place import HISTORY_DAYS, neighbours, returned_problem

CLOSED = "Завершено"
Pair = tuple[int, int]  # (resolved incident, incident where the problem came back)


def closed_at(row: dict[str, str]) -> datetime | None:
    """When the portal first closed the appeal («Завершено: …»), if it did."""
    for at, status in json.loads(row["status_history"] or "[]"):
        if status.startswith(CLOSED):
            return datetime.fromisoformat(at).replace(tzinfo=SPB)
    return None


def resolutions(rows: list[dict[str, str]], incident_of: list[int]) -> dict[int, datetime]:
    """Per incident whose appeals were all closed: when the last of them closed."""
    members: dict[int, list[int]] = defaultdict(list)
    for n, incident in enumerate(incident_of):
        members[incident].append(n)
    found = {}
    for incident, rows_of in members.items():
        times = [closed_at(rows[n]) for n in rows_of]
        if incident > 0 and all(times):
            found[incident] = max(t for t in times if t)
    return found


def true_pairs(
    rows: list[dict[str, str]], incident_of: list[int], resolved: dict[int, datetime], *,
    first_of: dict[int, datetime], days: int,
) -> set[Pair]:  # fmt: skip
    by_problem: dict[str, set[int]] = defaultdict(set)
    for n, row in enumerate(rows):
        by_problem[f"{row['address']}|{row['reason']}"].add(incident_of[n])
    span = timedelta(days=days)
    pairs = set()
    for incidents in by_problem.values():
        for x in incidents:
            if x not in resolved:
                continue
            for y in incidents:
                if y != x and y in first_of and resolved[x] < first_of[y] <= resolved[x] + span:
                    pairs.add((x, y))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=12000)
    args = parser.parse_args()
    rows = load(args.rows)
    lemmatizer = Lemmatizer()
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'problem_back.db'}")
        SQLModel.metadata.create_all(engine)
        with Session(engine, expire_on_commit=False) as session:
            incident_of = grouped(session, rows, lemmatizer)
            incidents = {i.id or 0: i for i in session.execute(select(Incident)).scalars()}
            resolved = resolutions(rows, incident_of)
            report_of = _reports(session, incidents, resolved)
            started = time.perf_counter()
            ours, baseline = _repeat_pairs(session, incidents, report_of, resolved)
            kpi_seconds = time.perf_counter() - started
            offered, offered_right, offered_base, offered_base_right, owed = _page_offers(
                session, rows, incident_of, incidents, resolved
            )
        engine.dispose()
    first_of = {i: incidents[i].first_post_at for i in incidents if incidents[i].first_post_at}
    truth = true_pairs(rows, incident_of, resolved, first_of=first_of, days=REPEAT_DAYS)
    print(json.dumps({
        "appeals": len(rows), "from": rows[0]["created_dt"][:10], "to": rows[-1]["created_dt"][:10],
        "incidents": len(incidents), "resolved_incidents": len(resolved),
        "repeat_days": REPEAT_DAYS,
        "resolved_with_the_problem_back_truth": len({x for x, _ in truth}),
        "true_pairs": len(truth),
        "rating_pairs_otklik": scores(ours, truth),
        "rating_pairs_baseline_same_key_and_topic": scores(baseline, truth),
        "rating_reports_repeated_otklik": len({x for x, _ in ours}),
        "page_offer_otklik": {"incidents_offered": offered, "right": offered_right,
                              **_prf(offered_right / max(offered, 1),
                                     offered_right / max(owed, 1))},
        "page_offer_baseline": {"incidents_offered": offered_base, "right": offered_base_right,
                                **_prf(offered_base_right / max(offered_base, 1),
                                       offered_base_right / max(owed, 1))},
        "page_offer_owed": owed,
        "report_repeats_ms_per_report": round(1000 * kpi_seconds / max(len(report_of), 1), 2),
    }, ensure_ascii=False, indent=1))  # fmt: skip


def _reports(
    session: Session, incidents: dict[int, Incident], resolved: dict[int, datetime]
) -> dict[int, int]:
    """A resolved report per resolved incident (rows written directly: the lifecycle is not
    what is measured); incident id → report id."""
    made = {}
    for incident_id, at in resolved.items():
        incident = incidents[incident_id]
        report = Report(incident_id=incident_id, municipality_id=incident.municipality_id,
                        topic_code=incident.topic_code, status=ReportStatus.RESOLVED,
                        created_at=incident.first_post_at or at, resolved_at=at)  # fmt: skip
        session.add(report)
        session.flush()
        made[incident_id] = report.id or 0
    session.commit()
    return made


def _repeat_pairs(
    session: Session,
    incidents: dict[int, Incident],
    report_of: dict[int, int],
    resolved: dict[int, datetime],
) -> tuple[set[Pair], set[Pair]]:
    ours, baseline = set(), set()
    span = timedelta(days=REPEAT_DAYS)
    by_municipality: dict[int, list[Incident]] = defaultdict(list)
    for incident in incidents.values():
        by_municipality[incident.municipality_id or 0].append(incident)
    for x, report_id in report_of.items():
        found = report_repeats(session, report_id=report_id)
        ours |= {(x, y.id or 0) for y in (found.incidents if found else ())}
        here = incidents[x]
        for y in by_municipality[here.municipality_id or 0]:
            first = y.first_post_at
            if (
                y.id != x
                and first is not None
                and resolved[x] < first <= resolved[x] + span
                and set(keys(here.address)) & set(keys(y.address))
                and here.topic_code == y.topic_code
            ):
                baseline.add((x, y.id or 0))
    return ours, baseline


def _page_offers(
    session: Session,
    rows: list[dict[str, str]],
    incident_of: list[int],
    incidents: dict[int, Incident],
    resolved: dict[int, datetime],
) -> tuple[int, int, int, int, int]:
    """Incidents whose page offers to reopen a resolved report, how many of the offers name
    a right one, the baseline's two counts, and how many incidents are owed an offer."""
    problems: dict[int, set[str]] = defaultdict(set)
    holders: dict[str, set[int]] = defaultdict(set)
    for n, row in enumerate(rows):
        problem = f"{row['address']}|{row['reason']}"
        problems[incident_of[n]].add(problem)
        holders[problem].add(incident_of[n])
    span = timedelta(days=HISTORY_DAYS)

    def right(y: Incident, x: int) -> bool:
        last = y.last_post_at
        return (
            x in resolved
            and last is not None
            and resolved[x] < last
            and last - resolved[x] <= span
            and bool(problems[x] & problems[y.id or 0])
        )

    offered = offered_right = offered_base = offered_base_right = owed = 0
    for y in incidents.values():
        listed = neighbours(session, incident=y, shown=1000)
        back = returned_problem(y, listed)
        if back is not None:
            offered += 1
            offered_right += right(y, back.incident.id or 0)
        base = next(
            (n for n in listed
             if n.report is not None and n.report.status == ReportStatus.RESOLVED
             and n.report.resolved_at is not None and y.last_post_at is not None
             and n.report.resolved_at < y.last_post_at
             and set(keys(y.address)) & set(keys(n.incident.address))
             and y.topic_code == n.incident.topic_code),
            None,
        )  # fmt: skip
        if base is not None:
            offered_base += 1
            offered_base_right += right(y, base.incident.id or 0)
        others = {x for problem in problems[y.id or 0] for x in holders[problem]} - {y.id}
        owed += any(right(y, x) for x in others)
    return offered, offered_right, offered_base, offered_base_right, owed


if __name__ == "__main__":
    main()
