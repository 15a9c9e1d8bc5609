"""Operators' labels that arrive with imported rows (a ЦУР export's place, topic, group)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportedLabels:
    """A post's labels by name, as the file has them; resolved into codes by triage."""

    post_id: int
    municipality: str | None = None
    topic: str | None = None
    category: str | None = None

    def any(self) -> bool:
        return bool(self.municipality or self.topic or self.category)
