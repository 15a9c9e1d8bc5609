"""The source-role guess (nlp/roles.py) against the known roles of the labelled pages.

    .venv/bin/python -m benchmarks.social_roles

Each page of ../shared/data/social whose role is known is guessed as the first crawl would
guess it: from the page's name, and from its items as a crawler records them (who wrote
them, post or comment). Known roles: the ten Stavropol publics
(benchmarks/labels/stavropol_communities.csv; the flea and car markets are the product's
`media`: their own posts are the page's, not residents'), the SPb district administration
whose page the comments sample comes from (named in the page's own replies), and the Moscow
news channel. No VK state-organisation mark or description is in the data, so the guess
has only what a Telegram channel or a VK page without them gives it.
"""

import argparse
import csv
import json
from pathlib import Path

from benchmarks.nlp_common import SHARED
from benchmarks.social_signal import COMMUNITY_ROLES, LABELS, shared_rows
from models.post import AuthorKind, ThreadPosition
from nlp.roles import guess_role

SPB_PAGE = "Центральный район Санкт-Петербурга"  # the page answering in spb_vk_comments_sample
MOSCOW_CHANNEL = "Москвач • Новости Москвы"  # the channel of moscow_tg_moskvach (SOURCES.md)


def pages(shared: Path) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(page name, known role, its items as (author kind, thread position))."""
    with (LABELS / "stavropol_communities.csv").open(encoding="utf-8", newline="") as handle:
        known = {r["community"]: COMMUNITY_ROLES.get(r["role"], r["role"])
                 for r in csv.DictReader(handle)}  # fmt: skip
    items: dict[str, list[tuple[str, str]]] = {name: [] for name in known}
    for row in shared_rows(shared, "stavropol_vk_posts"):
        # empty for «Подслушано»: residents' posts published under the community
        kind = AuthorKind.SOURCE if row["author_is_community"] == "1" else AuthorKind.PERSON
        items[row["community"]].append((kind, ThreadPosition.POST))
    out = [(name, role, items[name]) for name, role in known.items()]
    with (LABELS / "spb_vk_comments_sample.csv").open(encoding="utf-8", newline="") as handle:
        replies = {int(r["row"]) for r in csv.DictReader(handle) if r["kind"] == "official_reply"}
    spb = [(AuthorKind.SOURCE if n in replies else AuthorKind.PERSON, ThreadPosition.COMMENT)
           for n in range(len(shared_rows(shared, "spb_vk_comments_sample")))]  # fmt: skip
    out.append((SPB_PAGE, "authority", spb))
    moscow = [(AuthorKind.SOURCE, ThreadPosition.POST)] * len(shared_rows(shared, MOSCOW_FILE))
    out.append((MOSCOW_CHANNEL, "media", moscow))
    return out


MOSCOW_FILE = "moscow_tg_moskvach"


def measure(shared: Path) -> dict[str, object]:
    rows = []
    for name, known, items in pages(shared):
        by_name = guess_role(name=name, posts=[])
        guessed = guess_role(name=name, posts=items)
        rows.append({"page": name, "known": known, "name_only": by_name and str(by_name),
                     "name_and_items": guessed and str(guessed)})  # fmt: skip
    right = sum(r["name_and_items"] == r["known"] for r in rows)
    by_name = sum(r["name_only"] == r["known"] for r in rows)
    return {"pages": rows, "right": right, "right_by_name_only": by_name, "of": len(rows)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="The shared data directory.")
    args = parser.parse_args()
    print(json.dumps(measure(args.shared), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
