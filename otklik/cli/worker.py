"""`otklik worker` and `otklik scheduler`: the rq processes, on one Redis and one database."""

import typer

from otklik.queues import ALL_QUEUES, QueueName, parse_queue_names
from otklik.settings import get_settings
from otklik.worker import run_scheduler, run_worker


def worker(
    queues: str = typer.Option(
        ",".join(ALL_QUEUES),
        "--queues",
        "-q",
        help="Comma-separated queues, in priority order: crawl, nlp, triage, maintenance, publish.",
    ),
    burst: bool = typer.Option(False, "--burst", help="Quit when the queues are empty."),
    name: str = typer.Option(None, "--name", help="Worker name (default: a random id)."),
) -> None:
    """Run one rq worker (with rq's scheduler, so delayed retries run) on the chosen queues.

    Start as many as you like, on as many machines as you like, all pointing at the same
    OTKLIK_REDIS_URL and OTKLIK_DATABASE_URL. A worker serving `nlp` loads the model once,
    before its first job.
    """
    run_worker(redis_url=_redis_url(), queues=_queue_names(queues), burst=burst, name=name)


def scheduler() -> None:
    """Run the rq cron scheduler with Otklik's schedule (otklik/cron.py).

    Due crawls every minute (each source at its own interval), the SLA check, the stalled-post
    sweep, the retention purge and retraining. Run one (a second one is harmless: every
    schedule is deduplicated in Redis or idempotent).
    """
    run_scheduler(redis_url=_redis_url())


def _redis_url() -> str:
    url = get_settings().redis_url
    if not url:
        typer.echo("OTKLIK_REDIS_URL is not set: without Redis the pipeline runs in-process.")
        raise typer.Exit(2)
    return url


def _queue_names(names: str) -> list[QueueName]:
    try:
        return parse_queue_names(names)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--queues") from error
