"""How fast are the console's reports and incidents lists on deep pages, OFFSET vs keyset?

    .venv/bin/python -m benchmarks.list_pages [--rows 100000] [--runs 5] [--reuse]

Creates (or, with --reuse, keeps) the database `otklik_bench_lists` on the PostgreSQL server
of `OTKLIK_TEST_POSTGRES_URL` (default postgres@127.0.0.1:5432), fills it with generated
incidents and as many reports (overdue, running, paused, closed, some without a deadline)
using INSERT … SELECT generate_series, then times the exact calls the Обращения and
Инциденты pages make: `triage.report_list.list_reports` and `dashboard.queries.incidents_page`
for the first, the 100th and the last page, by OFFSET and by keyset (after the previous
page's last row, as the console pages forward), checked to list the same rows. Prints a
Markdown table for BENCHMARKS.md.
"""

import argparse
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session

from benchmarks.queue_page import create_database, database_url, timed
from dashboard.queries import IncidentFilters, incident_cursor, incidents_page
from models.clock import now
from models.db import make_engine
from otklik import migrate
from triage.report_list import count_reports, list_reports, report_cursor

DATABASE = "otklik_bench_lists"
PAGE_SIZE = 25  # the pages' own
STATUSES = ["new", "sent", "in_progress", "waiting_citizen", "resolved", "rejected", "answered"]


def fill(engine: Engine, *, rows: int) -> None:
    migrate.upgrade(engine)
    statuses = "ARRAY[" + ", ".join(f"'{s}'" for s in STATUSES) + "]"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO incident (title, status, category_code, address, post_count,"
                " priority, first_post_at, last_post_at, created_at, updated_at, version)"
                " SELECT 'Инцидент №' || g, CASE WHEN g % 10 < 8 THEN 'open' ELSE 'closed' END,"
                " NULL, NULL, 1 + g % 5, (g % 7)::float, now(),"
                " CASE WHEN g % 97 = 0 THEN NULL ELSE now() - (g % 5000) * interval '1 minute'"
                " END, now(), now(), 1"
                " FROM generate_series(1, CAST(:rows AS integer)) g"
            ),
            {"rows": rows},
        )
        connection.execute(
            text(
                "INSERT INTO report (incident_id, status, urgent, sla_hours, due_at, paused_at,"
                " paused_seconds, escalation_level, answer_revision, created_at, updated_at,"
                f" version) SELECT g, ({statuses})[1 + g % 7], false, 40,"
                " CASE WHEN g % 53 = 0 THEN NULL"
                " ELSE now() + ((g % 2000) - 1000) * interval '1 hour' END,"
                " CASE WHEN g % 29 = 0 THEN now() ELSE NULL END, 0, 0, 0, now(), now(), 1"
                " FROM generate_series(1, CAST(:rows AS integer)) g"
            ),
            {"rows": rows},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def _reports(session: Session, *, runs: int) -> list[tuple[str, float]]:
    moment = now()
    total = int(session.execute(text("SELECT count(*) FROM report")).scalar_one())
    last = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    out = []
    for page in (1, 100, last):
        offset = (page - 1) * PAGE_SIZE

        def by_offset(o: int = offset) -> Any:
            return list_reports(session, now=moment, limit=PAGE_SIZE, offset=o)

        out.append((f"reports: page {page}, OFFSET", timed(by_offset, runs)))
        if page == 1:
            continue
        previous = list_reports(session, now=moment, limit=PAGE_SIZE, offset=offset - PAGE_SIZE)
        cursor = report_cursor(session, report_id=previous[-1].id, at=moment)

        def by_cursor(c: Any = cursor) -> Any:
            return list_reports(session, now=moment, limit=PAGE_SIZE, after=c)

        assert [r.id for r in by_cursor()] == [r.id for r in by_offset()]
        out.append((f"reports: page {page}, keyset", timed(by_cursor, runs)))
    # the line above the list, «Найдено: N», counted with the list's filters on every page
    out.append(
        ("reports: count, no filter", timed(lambda: count_reports(session, now=moment), runs))
    )
    overdue = {"now": moment, "overdue_only": True}
    out.append(
        ("reports: count, overdue only", timed(lambda: count_reports(session, **overdue), runs))
    )
    return out


def _incidents(session: Session, *, runs: int) -> list[tuple[str, float]]:
    filters = IncidentFilters()  # open incidents, as the page opens
    _, total = incidents_page(session, filters=filters, page=0, page_size=PAGE_SIZE)
    last = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    out = []
    for page in (1, 100, last):

        def by_offset(p: int = page - 1) -> Any:
            return incidents_page(session, filters=filters, page=p, page_size=PAGE_SIZE)

        out.append((f"incidents: page {page}, OFFSET", timed(by_offset, runs)))
        if page == 1:
            continue
        previous, _ = incidents_page(session, filters=filters, page=page - 2, page_size=PAGE_SIZE)
        cursor = incident_cursor(previous)

        def by_cursor(p: int = page - 1, c: Any = cursor) -> Any:
            return incidents_page(session, filters=filters, page=p, page_size=PAGE_SIZE, after=c)

        assert [i.id for i in by_cursor()[0]] == [i.id for i in by_offset()[0]]
        out.append((f"incidents: page {page}, keyset", timed(by_cursor, runs)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep an already filled database")
    args = parser.parse_args()
    engine = make_engine(database_url(DATABASE) if args.reuse else create_database(DATABASE))
    if not args.reuse:
        fill(engine, rows=args.rows)
    with Session(engine) as session:
        rows = _reports(session, runs=args.runs) + _incidents(session, runs=args.runs)
    print(f"\n{args.rows:,} reports and incidents; page size {PAGE_SIZE}; median of {args.runs}\n")
    print("| query | median ms |\n| --- | ---: |")
    for name, ms in rows:
        print(f"| {name} | {ms:,.1f} |")
    engine.dispose()


if __name__ == "__main__":
    main()
