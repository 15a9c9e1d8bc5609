from redis import Redis
from rq.cron import CronScheduler
from typer.testing import CliRunner

from otklik.cli import app
from otklik.queues import QueueName

runner = CliRunner()


def test_the_cron_config_schedules_crawls_sla_sweep_purge_and_retraining(redis_conn: Redis) -> None:
    cron = CronScheduler(connection=redis_conn)
    cron.load_config_from_file("otklik/cron.py")  # what `rq cron otklik/cron.py` loads
    scheduled = {job.func_name.rsplit(".", 1)[1]: job for job in cron.get_jobs()}

    assert set(scheduled) == {
        "schedule_due_crawls",
        "sla_check_job",
        "dispatch_notifications_job",
        "resume_stalled_job",
        "resume_publications_job",
        "purge_retention_job",
        "retrain_job",
        "learn_settlements_job",
    }
    assert scheduled["schedule_due_crawls"].interval == 60
    assert {job.queue_name for job in scheduled.values()} == {QueueName.MAINTENANCE}


def test_worker_and_scheduler_refuse_to_start_without_redis(configured: str) -> None:
    for command in (["worker", "--burst"], ["scheduler"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2
        assert "OTKLIK_REDIS_URL is not set" in result.output


def test_an_unknown_queue_is_a_clear_error(configured: str, monkeypatch) -> None:
    monkeypatch.setenv("OTKLIK_REDIS_URL", "redis://127.0.0.1:6379/10")
    from otklik.settings import get_settings

    get_settings.cache_clear()
    result = runner.invoke(app, ["worker", "--queues", "nlp,gpu"])
    assert result.exit_code == 2
    assert "unknown queue(s) gpu" in result.output
