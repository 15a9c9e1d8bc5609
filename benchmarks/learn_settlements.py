"""How long and how much memory does the nightly village learning take as confirmed posts grow?

    .venv/bin/python -m benchmarks.learn_settlements [--posts 100000 400000] [--confirmed 0.5]

For each size, creates the database `otklik_bench_learn` on the PostgreSQL server of
`OTKLIK_TEST_POSTGRES_URL` (default postgres@127.0.0.1:5432) and fills it like
`benchmarks.queue_page` (generated posts, one current annotation each, 40 municipalities). A
`--confirmed` share of the annotations become a person's, and one post in 20 names a village
with its type word («в деревне …»; 40 invented names, each always in the same municipality).
Then a fresh Python process does what `learn_settlements_job` does — load the gazetteer, read
every confirmed post (`confirmed_posts`), learn and commit — and reports its wall time, CPU
time and peak resident memory. Each size is a fresh database, so each run learns the 40
villages from nothing. Prints a Markdown table for BENCHMARKS.md.
"""

import argparse
import json
import resource
import subprocess
import sys
import time

from sqlalchemy import Engine, text
from sqlmodel import Session

from benchmarks.queue_page import create_database, fill
from models.db import make_engine

DATABASE = "otklik_bench_learn"
REGION = "57"  # `benchmarks.queue_page` puts its municipalities in region 57
VILLAGES = [
    "Теплухино", "Мокрецово", "Пустошкино", "Ляпуново", "Кривулино", "Березняги", "Ольховка",
    "Сосновка", "Вязовое", "Ручьёво", "Дудкино", "Тимохино", "Еремеево", "Курбатово",
    "Лыткино", "Парфёнково", "Гаврилково", "Журавлёво", "Сычёво", "Липовка", "Тюрнево",
    "Тихменево", "Кукуево", "Мошково", "Медведково", "Лебяжье", "Глушково", "Ракитное",
    "Кобылино", "Сидорово", "Обухово", "Калиновка", "Прохорово", "Журавка", "Кочетовка",
    "Грачёвка", "Фролово", "Заборье", "Сенькино", "Ерёмино",
]  # fmt: skip
EVERY_NTH_NAMES_A_VILLAGE = 20


def prepare(engine: Engine, *, posts: int, confirmed: float) -> None:
    fill(engine, posts=posts)
    names = "ARRAY[" + ", ".join(f"'{name}'" for name in VILLAGES) + "]"
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE annotation SET set_by = 'person' WHERE random() < :share"),
            {"share": confirmed},
        )
        # a village in the post's municipality (annotations name municipality 1 + id % 40);
        # every 20th run of 40 posts, so that each municipality has its village
        connection.execute(
            text(
                f"UPDATE post SET text = text || ', в деревне ' || ({names})[1 + id % 40]"
                " WHERE (id / 40) % :nth = 0"
            ),
            {"nth": EVERY_NTH_NAMES_A_VILLAGE},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def learn(url: str) -> dict[str, float]:
    """One nightly run against `url`, timed; runs in its own process (see `main`)."""
    from nlp.gazetteer import Gazetteer
    from nlp.lemmas import Lemmatizer
    from nlp.settlement_learning import confirmed_posts, learn_settlements

    engine = make_engine(url)
    began, cpu = time.perf_counter(), time.process_time()
    with Session(engine) as session:
        gazetteer = Gazetteer.from_session(session, lemmatizer=Lemmatizer(), region_code=REGION)
        summary = learn_settlements(
            session,
            confirmed_posts(session, list(gazetteer.municipalities)),
            gazetteer=gazetteer,
            region_code=REGION,
        )
    return {
        "texts": summary.texts,
        "learned": len(summary.learned),
        "seconds": time.perf_counter() - began,
        "cpu_seconds": time.process_time() - cpu,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[100_000, 400_000])
    parser.add_argument("--confirmed", type=float, default=0.5, help="share set by a person")
    parser.add_argument("--learn-only", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.learn_only:  # the child process: one run, its figures as JSON
        print(json.dumps(learn(args.learn_only)))
        return
    rows = []
    for posts in args.posts:
        url = create_database(DATABASE)
        prepare(make_engine(url), posts=posts, confirmed=args.confirmed)
        child = subprocess.run(
            [sys.executable, "-m", "benchmarks.learn_settlements", "--learn-only", url],
            check=True,
            capture_output=True,
            text=True,
        )
        rows.append((posts, json.loads(child.stdout.splitlines()[-1])))
    print("| posts | confirmed posts read | villages learned | wall s | CPU s | peak RSS MB |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for posts, run in rows:
        print(
            f"| {posts:,} | {run['texts']:,} | {run['learned']} | {run['seconds']:.1f}"
            f" | {run['cpu_seconds']:.1f} | {run['peak_rss_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
