"""VK requests a comments crawl spends finding replies that came late under old comments.

    .venv/bin/python -m benchmarks.crawl_threads --comments 1000,5000,20000 --late 5

- A post with N top-level comments (a fifth of them with 3 replies, one in fifty of those
  with 25, more than VK nests) is crawled to the end, then `--late` replies arrive under
  comments picked at random among all but the last 20 ("anywhere"), or among the 200 before
  those ("recent"), and the post's count grows. "hidden": as many replies are deleted as
  arrive (under other comments, anywhere), so the count does not move; the crawl runs
  after `OTKLIK_VK_THREAD_RECHECK_HOURS` (6 h) and the post's recheck must find them.
  "hidden, long threads": each late reply replaces a reply deleted in the same thread, one of
  more than 10 replies (the fake VK nests the oldest 10), picked at random; same recheck.
- The crawl is `ingest.vk.comments.crawl_comments` through the real `vk_api` client against
  the tests' fake VK on a local HTTP server, with the default limits (20 pages a run, 5 scan
  pages a post a run); each run starts from the cursor the last one committed.
- Counted, until the post is settled (read through, no scan or comparison left): runs,
  `wall.getComments` calls (every page, thread page and pooled call), HTTP requests (an
  `execute` of up to 25 calls is one), and the late replies stored (and in which run the
  last of them was); requests, not time. Baseline, same run: what finding them costs without
  thread counts, a re-read of the whole post (the first crawl's calls).
"""

import argparse
import random
from typing import Any

from ingest.pages import Page
from ingest.vk.client import make_vk_api
from ingest.vk.comments import crawl_comments
from tests.ingest.vk_fake import FakeVk, serve_vk, vk_post

OWNER = -500
DATE = 1_717_000_000
PAGES_PER_RUN = 20
RECHECK_SECONDS = 6 * 3600  # OTKLIK_VK_THREAD_RECHECK_HOURS' default


def build(fake: FakeVk, comments: int, rng: random.Random) -> None:
    rows: list[dict[str, Any]] = []
    next_id = comments + 1
    for number in range(1, comments + 1):
        rows.append(_item(number, None))
        if rng.random() < 0.2:
            replies = 25 if rng.random() < 0.02 else 3
            for _ in range(replies):
                rows.append(_item(next_id, number))
                next_id += 1
    fake.comments[(OWNER, 1)] = rows
    fake.walls[OWNER] = [vk_post(OWNER, 1, DATE, "Новости", comments={"count": len(rows)})]


def _delete_replies(fake: FakeVk, count: int, rng: random.Random) -> set[int]:
    """Delete `count` replies at random; the comments they answered."""
    rows = fake.comments[(OWNER, 1)]
    gone = rng.sample([row for row in rows if row["parents_stack"]], count)
    fake.comments[(OWNER, 1)] = [row for row in rows if all(row is not g for g in gone)]
    return {row["parents_stack"][0] for row in gone}


def _replace_in_long_threads(fake: FakeVk, count: int, rng: random.Random) -> list[int]:
    """Delete a reply of a thread of more than 10, `count` times; the threads, one a reply."""
    rows = fake.comments[(OWNER, 1)]
    sizes: dict[int, int] = {}
    for row in rows:
        if row["parents_stack"]:
            sizes[row["parents_stack"][0]] = sizes.get(row["parents_stack"][0], 0) + 1
    threads = [rng.choice(sorted(c for c, n in sizes.items() if n > 10)) for _ in range(count)]
    for thread in threads:
        replies = [row for row in rows if row["parents_stack"] == [thread]]
        gone = rng.choice(replies)
        rows = [row for row in rows if row is not gone]
    fake.comments[(OWNER, 1)] = rows
    return threads


def _item(number: int, under: int | None) -> dict[str, Any]:
    return {"id": number, "from_id": 1000 + number % 97, "post_id": 1, "owner_id": OWNER,
            "date": DATE + number, "text": f"Комментарий {number}",
            "parents_stack": [under] if under else []}  # fmt: skip


def crawl_until(
    vk: Any,
    fake: FakeVk,
    cursor: dict[str, Any],
    wanted: set[str],
    max_runs: int = 200,
    now_ts: int = 0,
) -> tuple[dict[str, int], dict[str, Any]]:
    """Runs, getComments calls, HTTP requests and the wanted replies stored (and the run the
    last of them came in) until the post is settled: read through, nothing left to scan."""
    stored: set[str] = set()
    calls, requests = len(fake.method_calls("wall.getComments")), fake.requests
    total = fake.walls[OWNER][0]["comments"]["count"]
    found_in = 0
    for run in range(1, max_runs + 1):
        pages: list[Page] = []
        crawl_comments(vk, owner_id=OWNER, cursor=cursor, recent_posts=10,
                       max_pages=PAGES_PER_RUN, emit=pages.append, now_ts=now_ts)  # fmt: skip
        for page in pages:
            stored.update(post.external_id for post in page.posts)
            cursor = page.cursor
        found_in = found_in or (run if wanted and wanted <= stored else 0)
        if cursor.get("totals", {}).get("1") == total and not {"scan", "probes"} & set(cursor):
            return {"runs": run, "calls": len(fake.method_calls("wall.getComments")) - calls,
                    "requests": fake.requests - requests, "found": len(wanted & stored),
                    "found_in": found_in}, cursor  # fmt: skip
    raise RuntimeError(f"not settled in {max_runs} runs")


def measure(comments: int, late: int, seed: int, where: str) -> dict[str, int]:
    rng = random.Random(seed)
    fake = FakeVk()
    build(fake, comments, rng)
    with serve_vk(fake) as base:
        vk = make_vk_api(token="bench", rps_delay=0, api_url=base)
        first, cursor = crawl_until(vk, fake, {}, set())
        if where == "hidden, long threads":
            under = _replace_in_long_threads(fake, late, rng)
        else:
            emptied = _delete_replies(fake, late, rng) if where == "hidden" else set()
            lowest = max(1, comments - 220) if where == "recent" else 1
            choices = [n for n in range(lowest, comments - 20) if n not in emptied]
            under = rng.sample(choices, late)
        rows = fake.comments[(OWNER, 1)]
        new_ids = range(10_000_000, 10_000_000 + late)
        rows += [_item(number, parent) for number, parent in zip(new_ids, under, strict=True)]
        fake.walls[OWNER][0]["comments"]["count"] = len(rows)
        wanted = {f"{OWNER}_1_{number}" for number in new_ids}
        later = RECHECK_SECONDS if where.startswith("hidden") else 0
        late_run, _ = crawl_until(vk, fake, cursor, wanted, now_ts=later)
    return {"comments": comments, "items": len(rows), "late": late, **late_run,
            "baseline_calls": first["calls"], "baseline_runs": first["runs"]}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", default="1000,5000,20000")
    parser.add_argument("--late", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print("| top-level comments | items | late replies under | found (in run) | runs "
          "| getComments calls | HTTP requests "
          "| baseline: whole re-read (calls, runs) |")  # fmt: skip
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for comments in (int(n) for n in args.comments.split(",")):
        for where in ("anywhere", "recent", "hidden", "hidden, long threads"):
            m = measure(comments, args.late, args.seed, where)
            found = f"{m['found']}" + (f" ({m['found_in']})" if m["found_in"] else "")
            print(f"| {m['comments']:,} | {m['items']:,} | {m['late']}, {where} | {found} "
                  f"| {m['runs']} | {m['calls']} | {m['requests']} "
                  f"| {m['baseline_calls']}, {m['baseline_runs']} |")  # fmt: skip


if __name__ == "__main__":
    main()
