"""Every setting has a row in the README's configuration table (datasette's habit)."""

import re
from pathlib import Path

from otklik.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme() -> None:
    documented = set(re.findall(r"^\| `(OTKLIK_[A-Z0-9_]+)` \|", README, flags=re.MULTILINE))
    expected = {f"OTKLIK_{name.upper()}" for name in Settings.model_fields}
    assert expected - documented == set(), "document these settings in the README"
    assert documented - expected == set(), "the README documents settings that do not exist"
