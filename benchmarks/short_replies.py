"""Short replies under a post: how many reach moderators, read with the post or alone.

    OTKLIK_SHARED_DATA=../shared/data .venv/bin/python -m benchmarks.short_replies

The shared files keep no thread links, so threads are made: every Stavropol VK comment of
at most six words (`nlp.structure.SHORT_REPLY_WORDS`) is put under a real post of the same
publics, the k-th comment under the (k mod n)-th post, once under the posts hand-labelled as
signals (a resident's problem: the thread a moderator has to see) and once under those
labelled as noise (news, announcements). Each reply is annotated as a crawler stores it (a
resident's comment on a page of unknown role, its parent's text known) by the shipped
annotator, and the replies passed on to moderators are counted: all of them, those
hand-labelled (signal or noise, labelled alone) and those whose words echo their parent
(`nlp.echo`). Run it from two trees (a worktree of the old code and this one) to compare.
"""

import argparse
import json
import tempfile
from collections import Counter
from pathlib import Path

from benchmarks.nlp_common import SHARED
from benchmarks.nlp_throughput import load_annotator
from benchmarks.social_signal import shared_rows, signal_labels
from models.annotation import PostContext
from nlp.annotator import Annotator
from nlp.echo import echoes
from nlp.structure import SHORT_REPLY_WORDS

BATCH = 256


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    labels = signal_labels()
    posts = shared_rows(SHARED, "stavropol_vk_posts")
    post_labels = labels["stavropol_vk_posts"]
    parents = {
        kind: [posts[row]["text"] for row in sorted(post_labels)
               if post_labels[row]["signal"] == wanted]
        for kind, wanted in (("signal", "1"), ("noise", "0"))
    }  # fmt: skip
    comments = shared_rows(SHARED, "stavropol_vk_comments")
    comment_labels = labels["stavropol_vk_comments"]
    short = [row for row, item in enumerate(comments)
             if len(item["text"].split()) <= SHORT_REPLY_WORDS]  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        annotator = load_annotator(Path(scratch))
        report = {
            f"under {kind} posts ({len(texts)})": _passed(
                annotator, comments, short, texts, comment_labels
            )
            for kind, texts in parents.items()
        }
    report["short replies"] = len(short)
    print(json.dumps(report, ensure_ascii=False, indent=2))


def _passed(
    annotator: Annotator,
    comments: list[dict[str, str]],
    short: list[int],
    parents: list[str],
    labels: dict[int, dict[str, str]],
) -> dict[str, int]:
    """Counts of the replies passed on to moderators, by their labels and echoes."""
    counts: Counter[str] = Counter()
    for start in range(0, len(short), BATCH):
        rows = short[start : start + BATCH]
        texts = [comments[row]["text"] for row in rows]
        contexts = [
            PostContext(position="comment", parent_text=parents[row % len(parents)]) for row in rows
        ]
        for row, text, note in zip(rows, texts, annotator.annotate(texts, contexts=contexts),
                                   strict=True):  # fmt: skip
            label = labels.get(row, {}).get("signal")
            kind = {"1": "labelled signal", "0": "labelled noise"}.get(label or "", "unlabelled")
            counts[f"{kind}: all"] += 1
            counts["echoes: all"] += echoes(text)
            if note.is_signal:
                counts["passed"] += 1
                counts[f"{kind}: passed"] += 1
                counts["echoes: passed"] += echoes(text)
    return dict(sorted(counts.items()))


if __name__ == "__main__":
    main()
