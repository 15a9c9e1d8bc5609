"""The numbers that decide what happens to an annotated post (values come from settings)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    # Auto-accept only when every confidence reaches its threshold.
    signal_accept: float = 0.93  # 97% precision on real labels (BENCHMARKS.md)
    category_accept: float = 0.6  # >= 97% of real signals right above it (BENCHMARKS.md)
    topic_accept: float = 0.6
    municipality_accept: float = 0.7
    # Below this signal confidence a post the model calls "not a signal" is dropped
    # (kept and searchable); between this and `signal_accept` a person looks at it.
    not_signal_below: float = 0.5
    # Grouping posts into incidents.
    group_similarity: float = 0.25
    group_window_hours: int = 72
