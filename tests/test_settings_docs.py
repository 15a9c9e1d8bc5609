"""Settings: each documented in the README (datasette's habit), and read sanely."""

import re
from pathlib import Path

import pytest

from otklik.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme() -> None:
    documented = set(re.findall(r"^\| `(OTKLIK_[A-Z0-9_]+)` \|", README, flags=re.MULTILINE))
    expected = {f"OTKLIK_{name.upper()}" for name in Settings.model_fields}
    assert expected - documented == set(), "document these settings in the README"
    assert documented - expected == set(), "the README documents settings that do not exist"


def test_an_empty_setting_means_not_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """`OTKLIK_TELEGRAM_API_ID=` (an empty line in .env) is unset, not a validation crash."""
    monkeypatch.setenv("OTKLIK_TELEGRAM_API_ID", "")
    monkeypatch.setenv("OTKLIK_PIPELINE_BATCH_SIZE", "")
    settings = Settings()
    assert settings.telegram_api_id is None
    assert settings.pipeline_batch_size == Settings.model_fields["pipeline_batch_size"].default
