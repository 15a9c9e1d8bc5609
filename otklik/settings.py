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
    model_config = SettingsConfigDict(env_prefix="OTKLIK_", env_file=".env", extra="ignore")

    # Storage and queues
    database_url: str = f"sqlite:///{VAR_DIR / 'otklik.db'}"
    redis_url: str | None = None
    data_dir: Path = DATA_DIR
    model_dir: Path = VAR_DIR / "models"
    region_code: str = "57"

    # Console
    dashboard_port: int = 8501
    session_ttl_minutes: int = 480

    # Personal data
    retention_days: int = 180

    # Logging
    log_level: str = "INFO"

    # Credentials: never logged, never shown
    vk_token: SecretStr | None = None
    telegram_api_id: int | None = None
    telegram_api_hash: SecretStr | None = None
    telegram_session: Path = VAR_DIR / "telegram.session"

    # Working calendar for SLA deadlines
    timezone: str = "Asia/Yekaterinburg"
    workday_start_hour: int = Field(default=9, ge=0, le=23)
    workday_end_hour: int = Field(default=18, ge=1, le=24)

    @model_validator(mode="after")
    def _workday_is_a_span(self) -> "Settings":
        if self.workday_end_hour <= self.workday_start_hour:
            raise ValueError("OTKLIK_WORKDAY_END_HOUR must be after OTKLIK_WORKDAY_START_HOUR")
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once. Stage code receives values, never this."""
    return Settings()
