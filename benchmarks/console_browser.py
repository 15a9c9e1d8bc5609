"""How fast does the review queue settle in a real browser, and how many posts fit?

    # the demo data (SQLite), after `otklik demo --no-console` on that file:
    OTKLIK_DATABASE_URL=sqlite:////tmp/demo.db .venv/bin/python -m benchmarks.console_browser
    # 100,000 generated posts in PostgreSQL (database `otklik_bench_console`):
    .venv/bin/python -m benchmarks.console_browser --postgres-posts 100000 [--reuse]

Starts `otklik dashboard` on a free port, a headless Chromium at 1500×1000, signs in as a
moderator (created if missing) and measures, in the page's own clock, from the click to the
last change of the page (a MutationObserver; "settled" = no change for `QUIET_MS`, no stale
element and no loading placeholder left):
- login → queue settled (the queue is a moderator's first page);
- another page → «Очередь» settled (navigation);
- «Очередь» → Инциденты, Обращения, Аналитика settled (`OTHER_PAGES`, three times each);
- «Подтвердить» on the queue's current post → the count of waiting posts drops and the page
  settles (a decision), `--decisions` times.
It also counts the posts visible in the 1500×1000 viewport. Prints a Markdown table.

`--before DIR` measures the console of another source tree (say the previous main:
`git archive main | tar -x -C /tmp/before`) on the same database in the same run, alternating
with this one `--rounds` times, so both see the same machine load; medians over rounds.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlmodel import Session

from models.db import make_engine
from tests.dashboard.browser import Browser, chromium, free_port, wait_for_http
from triage.accounts import create_user, get_user

ROOT = Path(__file__).resolve().parents[1]
USERNAME = "bench-moderator"
PASSWORD = "bench-moderator-password"
QUIET_MS = 700
WIDTH, HEIGHT = 1500, 1000
# the pages a moderator opens from the queue, each timed from its sidebar link to settled
OTHER_PAGES = ("Инциденты", "Обращения", "Аналитика")

OBSERVER = """
(() => {
  if (window.__otklikObserver) return;
  window.__lastChange = performance.now();
  window.__otklikObserver = new MutationObserver(
    () => { window.__lastChange = performance.now(); });
  window.__otklikObserver.observe(document.body,
    {subtree: true, childList: true, attributes: true, characterData: true});
})()
"""
SETTLED = (
    f"(() => performance.now() - window.__lastChange > {QUIET_MS}"
    " && document.querySelector('[data-stale=true]') === null"
    " && document.querySelector('[data-testid=stSkeleton]') === null"
    " && document.querySelector('[data-testid=stStatusWidget]') === null)()"
)
# Posts visible in the viewport: whole rows of the queue's grid inside it (rows are 35 px
# under a 35 px header; the grid draws on a canvas), or the old cards' «пост №» captions.
VISIBLE_POSTS = """
(() => {
  const inView = (el) => { const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; };
  let rows = 0;
  const grid = document.querySelector('[data-testid=stDataFrame]');
  if (grid) {
    const r = grid.getBoundingClientRect();
    const shown = Math.min(r.bottom, window.innerHeight) - Math.max(r.top, 0) - 35;
    const total = Math.round((r.height - 3) / 35) - 1;  // the page sizes the grid to its rows
    rows = Math.max(0, Math.min(total, Math.floor(shown / 35)));
  }
  const cards = [...document.querySelectorAll('[data-testid=stCaptionContainer]')]
    .filter(c => c.innerText.startsWith('пост №') && inView(c)).length;
  return Math.max(rows, cards);
})()
"""


def ensure_moderator(database_url: str) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        if get_user(session, username=USERNAME) is None:
            create_user(session, username=USERNAME, password=PASSWORD, role="moderator")
    engine.dispose()


@contextmanager
def console(database_url: str, *, root: Path = ROOT) -> Iterator[str]:
    """`otklik dashboard` from the source tree `root` (this one, or a copy of another commit)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "otklik", "dashboard", "--port", str(port)],
        env={**os.environ, "OTKLIK_DATABASE_URL": database_url, "PYTHONPATH": str(root)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=root,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", timeout=120)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=20)


def settle_ms(
    browser: Browser, started: float, *, until: str = "true", timeout: float = 60
) -> float:
    """Milliseconds from `started` (page clock) to the last change, once `until` holds."""
    browser.wait_for(f"({until}) && {SETTLED}", timeout=timeout)
    return float(browser.evaluate("window.__lastChange")) - started


def click(browser: Browser, selector: str, text: str, *, exact: bool = False) -> float:
    """Click the first `selector` showing `text`; the page clock at the click."""
    # exact: the label alone, or the label and the key hint a shortcut button shows
    label = json.dumps(text)
    match = (
        f"[e.innerText.trim(), e.innerText.trim().split(/\\s+/).slice(0, -1).join(' ')]"
        f".includes({label})"
        if exact
        else f"e.innerText.trim().includes({label})"
    )
    started = browser.evaluate(
        f"(() => {{ {OBSERVER}; const el = [...document.querySelectorAll({json.dumps(selector)})]"
        f".find(e => {match}); if (!el) return null; const t = performance.now();"
        " window.__lastChange = t; el.click(); return t; })()"
    )
    if started is None:
        raise LookupError(f"no {selector} with text {text!r}")
    return float(started)


# The first «пост №N» on the page: the first card (before) or the current post (after);
# a decision on it replaces it with the next post.
# the current post's card starts its line with «пост №N» («↳ В ответ на пост №M» above a
# comment names its parent, not the post shown)
FIRST_POST = (
    "(() => { const m = document.body.innerText.match(/(?:^|\\n)пост №(\\d+)/);"
    " return m ? Number(m[1]) : null; })()"
)


def first_post(browser: Browser) -> int:
    found = browser.evaluate(FIRST_POST)
    if found is None:
        raise LookupError("the queue shows no «пост №N»")
    return int(found)


def measure(url: str, *, decisions: int, screenshot: Path | None) -> dict[str, object]:
    # chromium may still write its profile as it exits: a leftover file is no failure
    with (
        tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile,
        chromium(Path(profile)) as browser,
    ):
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )
        browser.open(url)
        browser.wait_for("document.querySelector('input[type=password]') !== null", timeout=60)
        browser.type_into("input[aria-label='Логин']", USERNAME)
        browser.type_into("input[type=password]", PASSWORD)
        login = settle_ms(
            browser, click(browser, "button", "Войти"), until=_has("Найдено:"), timeout=120
        )
        visible = int(browser.evaluate(VISIBLE_POSTS))
        if screenshot:
            browser.screenshot(screenshot)
        navigation = []
        pages: dict[str, list[float]] = {page: [] for page in OTHER_PAGES}
        for _ in range(3):
            for page in OTHER_PAGES:
                started = click(browser, "[data-testid=stSidebarNav] a", page)
                pages[page].append(settle_ms(browser, started, until=_title(page)))
                started = click(browser, "[data-testid=stSidebarNav] a", "Очередь")
                navigation.append(settle_ms(browser, started, until=_has("Найдено:")))
        decided = []
        for _ in range(decisions):
            before = first_post(browser)
            started = click(browser, "button", "Подтвердить", exact=True)
            decided.append(settle_ms(browser, started, until=f"{FIRST_POST} !== {before}"))
    return {
        "login → queue settled, ms": login,
        "another page → queue settled, median ms": statistics.median(navigation),
        "«Подтвердить» → settled, median ms": statistics.median(decided),
        "«Подтвердить» → settled, worst ms": max(decided),
        "posts visible at 1500×1000": visible,
        **{
            f"queue → {page} settled, median ms": statistics.median(times)
            for page, times in pages.items()
        },
    }


def _has(text: str) -> str:
    return f"document.body.innerText.includes({json.dumps(text)})"


def _title(title: str) -> str:
    return (
        "(() => { const h = document.querySelector('h1');"
        f" return h !== null && h.innerText.trim() === {json.dumps(title)}; }})()"
    )


def postgres_database(posts: int, *, reuse: bool) -> str:
    """A PostgreSQL database of `posts` generated posts (benchmarks.queue_page's generator)."""
    from benchmarks import queue_page

    queue_page.DATABASE = "otklik_bench_console"
    if reuse:
        return queue_page.database_url()
    url = queue_page.create_database()
    engine = make_engine(url)
    began = time.perf_counter()
    queue_page.fill(engine, posts=posts)
    engine.dispose()
    print(f"filled {posts:,} posts in {time.perf_counter() - began:.0f} s", flush=True)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-posts", type=int, help="generate this many posts in PostgreSQL")
    parser.add_argument("--reuse", action="store_true", help="keep the generated database")
    parser.add_argument("--decisions", type=int, default=5)
    parser.add_argument("--screenshot", type=Path, help="save the queue after login as PNG")
    parser.add_argument(
        "--before",
        type=Path,
        help="also measure the console of this source tree (e.g. `git archive main` unpacked),"
        " alternating with this one, on the same database",
    )
    parser.add_argument("--rounds", type=int, default=1, help="measurements of each console")
    args = parser.parse_args()
    if args.postgres_posts:
        url = postgres_database(args.postgres_posts, reuse=args.reuse)
    else:
        url = os.environ["OTKLIK_DATABASE_URL"]
    ensure_moderator(url)
    trees = {"before": args.before.resolve(), "after": ROOT} if args.before else {"after": ROOT}
    runs: dict[str, list[dict[str, object]]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, root in trees.items():
            with console(url, root=root) as address:
                runs[name].append(
                    measure(address, decisions=args.decisions, screenshot=args.screenshot)
                )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"load average at the end (1, 5, 15 min): {load} on {os.cpu_count()} cores\n")
    print(f"| measure | {' | '.join(trees)} |\n| --- |{' ---: |' * len(trees)}")
    for measure_name in runs["after"][0]:
        cells = [_median(run[measure_name] for run in runs[name]) for name in trees]
        print(f"| {measure_name} | {' | '.join(cells)} |")


def _median(values: Iterable[object]) -> str:
    """The median over rounds, shown with thousands separators."""
    value = statistics.median(float(v) for v in values)  # type: ignore[arg-type]
    return f"{value:,.0f}"


if __name__ == "__main__":
    main()
