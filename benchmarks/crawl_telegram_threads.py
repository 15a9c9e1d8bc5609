"""Telegram requests a channel crawl spends finding comments that came late under old posts.

    .venv/bin/python -m benchmarks.crawl_telegram_threads --posts 500,3000 --late 20

- A channel with N posts open for comments, 3 comments under each, is crawled to the end;
  then `--late` comments arrive under posts picked at random among all N, and one more run
  is made. Default limits (`OTKLIK_TELEGRAM_WATCH_POSTS=1000`, 50 threads a run).
- The crawl is `ingest.telegram.channel.crawl_channel` against the tests' fake Telethon
  client, once with the channel's linked discussion group readable (the group stream) and
  once without (the per-post path, the crawler before this change). "private, then
  readable": the group is private during the first crawl (the per-post path) and readable
  when the comments arrive; the last run is made 24 h after it was found private
  (`OTKLIK_TELEGRAM_GROUP_RETRY_HOURS`: tried again) or 23 h after (not yet: what the
  crawler before the retry did at any time).
- Counted for the last run: requests (≈: `iter_messages` at 100 messages a request, at least
  one a call; one per `get_messages` and `GetFullChannelRequest`) and late comments found.
  Where that run did not find them all, further runs (at most 10 in all) are made: how many
  runs it took to find them all, and their requests together.
"""

import argparse
import math
import random
from typing import Any

from telethon.tl.types import PeerUser

from ingest.pages import Page
from ingest.telegram.channel import crawl_channel
from tests.ingest.telegram_fake import FakeTelegramClient, discussion, open_post

CHANNEL = "bench_channel"
PER_POST = 3
MAX_RUNS = 10
PATHS = {
    "linked": "linked group stream",
    "per post": "per post (baseline)",
    "private 24": "private, then readable: 24 h later (retried)",
    "private 23": "private, then readable: 23 h later (not yet)",
}


def build(posts: int, linked: bool) -> FakeTelegramClient:
    fake = FakeTelegramClient(channel=CHANNEL)
    fake.messages = [open_post(n, f"Новость {n}", comments=PER_POST) for n in range(1, posts + 1)]
    first = 10 * posts
    fake.comments = {
        n: [discussion(first + PER_POST * n + k, "Вопрос", sender=PeerUser(k), top=n)
            for k in range(PER_POST)]
        for n in range(1, posts + 1)
    }  # fmt: skip
    fake.link_group(first_copy=2 * posts)
    return fake


def run(
    fake: FakeTelegramClient, cursor: dict[str, Any], now_ts: int = 0
) -> tuple[dict[str, Any], set[str]]:
    pages: list[Page] = []
    crawl_channel(fake, channel=CHANNEL, cursor=cursor, limit=2000, flood_wait_max_seconds=60,
                  sleep=lambda _: None, emit=pages.append, now_ts=now_ts)  # fmt: skip
    stored = {post.external_id for page in pages for post in page.posts}
    return (pages[-1].cursor if pages else cursor), stored


def requests(fake: FakeTelegramClient, calls: int, fetched: int, full: int) -> int:
    pages = sum(max(1, math.ceil(n / 100)) for n in fake.served_by_call[calls:])
    return pages + len(fake.fetched) - fetched + fake.full_requests - full


def measure(posts: int, late: int, seed: int, path: str) -> dict[str, Any]:
    """`path`: "linked", "per post", or "private <hours>" (run that long after)."""
    rng = random.Random(seed)
    linked = path != "per post"
    fake = build(posts, linked)
    fake.group_private = path.startswith("private")
    group, fake.group = fake.group, (fake.group if linked else None)
    cursor: dict[str, Any] = {}
    for _ in range(100):  # the first crawl, to the end: until the cursor stands still
        before = cursor
        cursor, _ = run(fake, cursor)
        if cursor == before:
            break
    marks = len(fake.served_by_call), len(fake.fetched), fake.full_requests
    under = rng.sample(range(1, posts + 1), late)
    wanted = set()
    fake.group = group  # the comments are written in the group either way
    for number, post in enumerate(under, start=100 * posts):
        fake.comment(post, number, "Поздний вопрос", sender=PeerUser(number))
        wanted.add(f"{fake.messages[0].replies.channel_id}_{number}")
    fake.group = group if linked else None
    fake.group_private = False
    later = int(path.split()[1]) * 3600 if path.startswith("private") else 0
    cursor, stored = run(fake, cursor, now_ts=later)
    first = {"found": len(wanted & stored), "requests": requests(fake, *marks)}
    runs = 1
    while not wanted <= stored and runs < MAX_RUNS:
        cursor, more = run(fake, cursor, now_ts=later)
        stored |= more
        runs += 1
    all_found = f"{runs} ({requests(fake, *marks)})" if wanted <= stored else "–"
    return {"posts": posts, "late": late, **first, "all_found": all_found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", default="500,3000")
    parser.add_argument("--late", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print("| posts | late comments | path | found | requests (≈) | all found: runs (requests) |")
    print("| ---: | ---: | --- | ---: | ---: | ---: |")
    for posts in (int(n) for n in args.posts.split(",")):
        for path, name in PATHS.items():
            m = measure(posts, args.late, args.seed, path)
            print(f"| {m['posts']:,} | {m['late']} | {name} | {m['found']} | {m['requests']} "
                  f"| {m['all_found']} |")  # fmt: skip


if __name__ == "__main__":
    main()
