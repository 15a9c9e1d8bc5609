"""The rq worker and cron scheduler processes: what `otklik worker` and `otklik scheduler` run."""

import ctypes
import logging
import os
import signal

from rq import SimpleWorker
from rq.cron import CronScheduler

from otklik import resources
from otklik.queues import QueueName, get_queue, redis_connection

CRON_CONFIG = "otklik.cron"
log = logging.getLogger(__name__)


def run_worker(*, redis_url: str, queues: list[QueueName], burst: bool, name: str | None) -> None:
    """One worker on `queues`, with rq's scheduler so delayed retries run.

    A `SimpleWorker` runs jobs in this process: the NLP model is loaded once, here, before
    the first job, and serves every job after it (a forking worker would pay a fork per job).
    """
    connection = redis_connection(redis_url)
    if QueueName.NLP in queues:
        log.info("loading the NLP annotator")
        resources.annotator()
    worker = SimpleWorker(
        [get_queue(queue, connection=connection) for queue in queues],
        connection=connection,
        name=name,
    )
    log.info("worker %s serving %s", worker.name, ", ".join(queues))
    os.register_at_fork(after_in_child=_die_with_parent)  # rq's scheduler is a forked child
    worker.work(burst=burst, with_scheduler=True)


PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In a forked child: receive SIGTERM when the parent dies, even by SIGKILL (Linux).

    rq's scheduler child stops on SIGTERM; without this it outlived a killed worker.
    """
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: nothing to arm
        return
    if os.getppid() != parent:  # the parent died before the signal was armed
        os.kill(os.getpid(), signal.SIGTERM)


def run_scheduler(*, redis_url: str) -> None:
    """The cron scheduler with Otklik's schedule (`otklik/cron.py`)."""
    cron = CronScheduler(connection=redis_connection(redis_url))
    cron.load_config_from_file(CRON_CONFIG)
    log.info("scheduler %s: %d schedules", cron.name, len(cron.get_jobs()))
    cron.start()
