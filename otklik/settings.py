"""All of Otklik's configuration: one class, read from `OTKLIK_*` variables and `.env`.

Every field is documented in the README's configuration table; `tests/test_settings_docs.py`
fails when one is not.
"""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from otklik.paths import DATA_DIR, VAR_DIR


class Settings(BaseSettings):
    # An empty value (`OTKLIK_TELEGRAM_API_ID=` in .env) means "not set", not a parse error.
    model_config = SettingsConfigDict(
        env_prefix="OTKLIK_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    # Storage and queues
    database_url: str = f"sqlite:///{VAR_DIR / 'otklik.db'}"
    redis_url: str | None = None
    data_dir: Path = DATA_DIR
    model_dir: Path = VAR_DIR / "models"
    region_code: str = "57"

    # Pipeline on rq (see otklik/pipeline.py, otklik/jobs.py, otklik/cron.py)
    crawl_interval_hot_seconds: int = Field(default=60, ge=1)
    crawl_interval_seconds: int = Field(default=600, ge=1)
    crawl_lock_ttl_seconds: int = Field(default=900, ge=1)
    pipeline_batch_size: int = Field(default=50, ge=1)
    job_max_retries: int = Field(default=3, ge=1)
    job_retry_interval_seconds: int = Field(default=10, ge=0)
    pipeline_stall_seconds: int = Field(default=600, ge=0)

    # Crawling VK and Telegram (see ingest/crawl.py)
    vk_rps_delay: float = Field(default=0.34, ge=0)
    vk_api_url: str = Field(default="https://api.vk.ru", pattern=r"^https?://")
    vk_search_window_hours: int = Field(default=24, ge=1)
    vk_search_lookback_days: int = Field(default=7, ge=1)
    vk_comments_posts: int = Field(default=10, ge=1)
    vk_thread_scan_pages: int = Field(default=5, ge=1)
    vk_thread_recheck_hours: int = Field(default=6, ge=1)
    vk_thread_rechecks_per_run: int = Field(default=1, ge=0)
    crawl_pages_per_run: int = Field(default=20, ge=1)
    crawl_backoff_seconds: float = Field(default=60, ge=0)
    crawl_backoff_max_seconds: float = Field(default=3600, ge=0)
    telegram_messages_per_run: int = Field(default=2000, ge=1)
    telegram_flood_wait_max_seconds: float = Field(default=60, ge=0)
    telegram_watch_posts: int = Field(default=1000, ge=1)
    telegram_threads_per_run: int = Field(default=50, ge=1)
    telegram_group_retry_hours: int = Field(default=24, ge=1)

    # Console
    dashboard_port: int = 8501
    session_ttl_minutes: int = 480
    # Base map tiles for the analytics map, e.g. "https://tiles.example.ru/{z}/{x}/{y}.png";
    # unset: the map is drawn offline (markers and labels, no tiles)
    map_tile_url: str | None = Field(default=None, pattern=r"^https?://.*\{z\}.*\{x\}.*\{y\}")

    # Personal data
    retention_days: int = 180

    # Logging
    log_level: str = Field(default="INFO", pattern=r"(?i)^(debug|info|warning|error|critical)$")

    # Credentials: never logged, never shown
    vk_token: SecretStr | None = None
    telegram_api_id: int | None = None
    telegram_api_hash: SecretStr | None = None
    telegram_session: Path = VAR_DIR / "telegram.session"

    # Publishing answers back (see triage/publishing.py): community tokens by VK wall owner id
    vk_publish_tokens: dict[str, SecretStr] = Field(default_factory=dict)
    publish_max_retries: int = Field(default=5, ge=0)
    publish_retry_interval_seconds: int = Field(default=60, ge=0)

    # Working calendar for SLA deadlines
    timezone: str = "Asia/Yekaterinburg"
    workday_start_hour: int = Field(default=9, ge=0, le=23)
    workday_end_hour: int = Field(default=18, ge=1, le=24)

    # Triage (see triage/thresholds.py, triage/sla_check.py)
    triage_signal_accept: float = Field(default=0.93, ge=0, le=1)
    triage_category_accept: float = Field(default=0.6, ge=0, le=1)
    triage_topic_accept: float = Field(default=0.6, ge=0, le=1)
    triage_municipality_accept: float = Field(default=0.7, ge=0, le=1)
    triage_not_signal_below: float = Field(default=0.5, ge=0, le=1)
    triage_group_similarity: float = Field(default=0.25, ge=0, le=2)
    triage_group_window_hours: int = Field(default=72, ge=1)
    sla_soon_due_hours: int = Field(default=8, ge=0)

    # HTTP API (see otklik/api, `otklik api`)
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    api_rate_limit_per_minute: int = Field(default=120, ge=1)

    # Notifications (see otklik/notify.py): e-mail over SMTP and signed webhooks
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_from: str = "otklik@localhost"
    # The console's address as recipients reach it (scheme, host, optional path; no query);
    # e-mails then link to their report
    console_url: str | None = Field(default=None, pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
    webhook_secret: SecretStr | None = None
    webhook_timeout_seconds: float = Field(default=10, gt=0)
    notify_max_attempts: int = Field(default=5, ge=1)
    notify_retry_seconds: int = Field(default=30, ge=0)

    @model_validator(mode="after")
    def _workday_is_a_span(self) -> "Settings":
        if self.workday_end_hour <= self.workday_start_hour:
            raise ValueError("OTKLIK_WORKDAY_END_HOUR must be after OTKLIK_WORKDAY_START_HOUR")
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once. Stage code receives values, never this."""
    return Settings()
