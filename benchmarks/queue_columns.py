"""What each column of the queue's list shows at 1,366×768 and 1,920×1,080 in Chromium.

    # a console running on the demo data (`otklik demo --no-console`, then `otklik dashboard`):
    .venv/bin/python -m benchmarks.queue_columns --url http://127.0.0.1:8501/ \\
        --username moderator --password moderator-demo [--screenshots DIR]

For each size: the list's width, whether it scrolls sideways, and per column its width as
drawn (the grid's own `getBounds`), how many of the page's cells are wider than it (the
cell's text in the grid's font, its padding both sides) and what the first row shows.
Prints a Markdown table for BENCHMARKS.md.
"""

import argparse
import time
from pathlib import Path
from typing import Any

from tests.dashboard.browser import Browser, chromium

SIZES = ((1366, 768), (1920, 1080))
MEASURE = """(() => {
  const grid = document.querySelector('[data-testid=stDataFrame]');
  const canvas = grid.querySelector('canvas');
  let fiber = canvas[Object.keys(canvas).find(k => k.startsWith('__reactFiber'))];
  let editor = null, theme = null;
  for (; fiber; fiber = fiber.return) {
    if (!editor && fiber.ref && fiber.ref.current && fiber.ref.current.getBounds)
      editor = fiber.ref.current;
    const p = fiber.memoizedProps;
    if (!theme && p && p.theme && p.theme.baseFontStyle) theme = p.theme;
  }
  const font = document.createElement('canvas').getContext('2d');
  font.font = theme.baseFontStyle + ' ' + theme.fontFamily;
  const pad = 2 * theme.cellHorizontalPadding;
  const rows = [...grid.querySelectorAll('[role=row]')].slice(1);
  const columns = [...grid.querySelectorAll('[role=columnheader]')].map((head, i) => {
    const width = editor.getBounds(i + 1, 0).width - 1;
    const cells = rows.map(r => r.querySelectorAll('[role=gridcell]')[i].innerText.trim());
    let shown = cells[0] || '';
    while (shown && font.measureText(shown).width + pad > width) shown = shown.slice(0, -1);
    return {title: head.innerText.trim(), width: Math.round(width), shown,
            cut: cells.filter(t => font.measureText(t).width + pad > width).length,
            rows: cells.length};
  });
  const scroller = grid.querySelector('.dvn-scroller');
  return {list: Math.round(grid.getBoundingClientRect().width),
          sideways: scroller.scrollWidth - scroller.clientWidth, columns};
})()"""


def measure(browser: Browser, width: int, height: int) -> dict[str, Any]:
    browser.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                 deviceScaleFactor=1, mobile=False)  # fmt: skip
    browser.wait_for("document.querySelector('[data-testid=stDataFrame] canvas') !== null",
                     timeout=60)  # fmt: skip
    browser.settle()
    time.sleep(1)  # the grid lays its columns out after the page is idle
    return dict(browser.evaluate(MEASURE))


def table(results: dict[str, dict[str, Any]]) -> str:
    sizes = list(results)
    lines = ["| column | " + " | ".join(sizes) + " |", "| --- |" + " ---: |" * len(sizes)]
    lines.append("| the list (sideways) | " + " | ".join(
        f"{r['list']} ({r['sideways']})" for r in results.values()) + " |")  # fmt: skip
    titles = [c["title"] for c in next(iter(results.values()))["columns"]]
    for title in titles:
        cells = []
        for result in results.values():
            column = next(c for c in result["columns"] if c["title"] == title)
            cells.append(f"{column['width']}, cut {column['cut']}/{column['rows']}, "
                         f"«{column['shown']}»")  # fmt: skip
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--screenshots", type=Path, help="save each size's page as PNG here")
    args = parser.parse_args()
    results: dict[str, dict[str, Any]] = {}
    with chromium(Path(f"/tmp/otklik-queue-columns-{time.time_ns()}")) as browser:
        browser.call("Emulation.setDeviceMetricsOverride", width=SIZES[0][0],
                     height=SIZES[0][1], deviceScaleFactor=1, mobile=False)  # fmt: skip
        browser.open(args.url)
        browser.log_in(args.username, args.password)
        for width, height in SIZES:
            results[f"{width}×{height}"] = measure(browser, width, height)
            if args.screenshots:
                args.screenshots.mkdir(parents=True, exist_ok=True)
                browser.screenshot(args.screenshots / f"queue-{width}x{height}.png")
    print(table(results))


if __name__ == "__main__":
    main()
