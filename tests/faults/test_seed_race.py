"""Two workers start on a fresh database at once: the reference data is seeded once, and
neither dies on a duplicate key."""

import os
import subprocess
import sys
import time

from sqlalchemy import func, select
from sqlmodel import Session

from models.db import make_engine
from models.geo import Municipality
from models.taxonomy import Category, Topic
from nlp.reference import load_taxonomy
from otklik.settings import get_settings
from tests.faults.conftest import ROOT

SEED = (
    "import os, sys, time\n"
    "from sqlmodel import Session\n"
    "from models.db import make_engine\n"
    "from nlp.seed import seed_reference_data\n"
    "from otklik.settings import get_settings\n"
    "settings = get_settings()\n"
    "engine = make_engine(os.environ['OTKLIK_DATABASE_URL'])\n"
    "while time.time() < float(sys.argv[1]):\n"
    "    time.sleep(0.001)\n"
    "with Session(engine) as session:\n"
    "    print(seed_reference_data(session, data_dir=settings.data_dir,"
    " region_code=settings.region_code))\n"
)


def test_two_workers_seed_a_fresh_database_once(database_url: str) -> None:
    start = str(time.time() + 4)  # both past their imports, then off together
    env = {**os.environ, "OTKLIK_DATABASE_URL": database_url, "OTKLIK_LOG_LEVEL": "WARNING"}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", SEED, start],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=120) for worker in workers]
    for worker, (_, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr[-3000:]
    categories, topics = load_taxonomy(get_settings().data_dir)
    engine = make_engine(database_url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Category)) == len(categories)
        assert session.scalar(select(func.count()).select_from(Topic)) == len(topics)
        municipalities = session.scalar(select(func.count()).select_from(Municipality))
    engine.dispose()
    assert municipalities and municipalities > 0
    added = [stdout for stdout, _ in outputs]
    assert sum("'categories': 0" in text for text in added) == 1, added  # exactly one seeded
