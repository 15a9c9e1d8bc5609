"""Otklik's one rq cron config: `rq cron otklik/cron.py` or `otklik scheduler`.

Sources are rows in the database, so the schedule cannot list them: `schedule_due_crawls`
runs every minute and enqueues a crawl for each source whose own interval has passed (hot
sources every `crawl_interval_hot_seconds`, others every `crawl_interval_seconds`).
"""

from rq import cron

from otklik import jobs
from otklik.queues import QueueName
from otklik.settings import get_settings

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR

_settings = get_settings()

cron.register(jobs.schedule_due_crawls, queue_name=QueueName.MAINTENANCE, interval=MINUTE)
cron.register(jobs.sla_check_job, queue_name=QueueName.MAINTENANCE, interval=5 * MINUTE)
# Reports created in the console wait in the outbox until this hands them to delivery jobs.
cron.register(jobs.dispatch_notifications_job, queue_name=QueueName.MAINTENANCE, interval=MINUTE)
cron.register(
    jobs.resume_stalled_job,
    queue_name=QueueName.MAINTENANCE,
    interval=max(MINUTE, _settings.pipeline_stall_seconds // 2),
)
cron.register(jobs.resume_publications_job, queue_name=QueueName.MAINTENANCE, interval=HOUR // 4)
cron.register(jobs.purge_retention_job, queue_name=QueueName.MAINTENANCE, interval=DAY)
cron.register(jobs.learn_settlements_job, queue_name=QueueName.MAINTENANCE, cron="15 3 * * *")
cron.register(jobs.retrain_job, queue_name=QueueName.MAINTENANCE, cron="30 3 * * *")
