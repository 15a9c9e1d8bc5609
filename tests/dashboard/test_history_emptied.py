"""A report that followed its posts, or closed with its emptied incident, reads in Russian."""

from typing import Any

import pytest

from dashboard.history import report_history
from models.audit import AuditEvent


def _line(action: str, after: dict[str, Any]) -> str:
    event = AuditEvent(actor="anna", entity_type="report", entity_id=1, action=action,
                       before=None, after=after)  # fmt: skip
    (line,) = report_history([event], agencies={})
    return line.split(": ", 1)[1]


@pytest.mark.parametrize(
    ("action", "after", "expected"),
    [
        ("move", {"incident_id": 7}, "перенесено в инцидент №7 при объединении"),
        (
            "move",
            {"incident_id": 7, "cause": "posts_moved"},
            "перенесено в инцидент №7 вслед за его постами",
        ),
        (
            "move",
            {"incident_id": 7, "cause": "posts_moved", "other_report_id": 3},
            "перенесено в инцидент №7 вслед за его постами; там есть и обращение №3: решает"
            " оператор",
        ),
        (
            "close_with_incident",
            {"status": "duplicate", "duplicate_of_report_id": 3, "incident_id": 7},
            "закрыто как дубликат обращения №3: посты перенесены в инцидент №7",
        ),
        (
            "close_with_incident",
            {"status": "withdrawn", "cause": "not_signals"},
            "отозвано: посты инцидента оказались не сигналами",
        ),
        (
            "close_with_incident",
            {"status": "withdrawn", "cause": "not_signals", "answer_kept": True},
            "отозвано: посты инцидента оказались не сигналами; ответ исполнителя сохранён",
        ),
        (
            "close_with_incident",
            {
                "status": "duplicate",
                "duplicate_of_report_id": 3,
                "incident_id": 7,
                "answer_kept": True,
            },
            "закрыто как дубликат обращения №3: посты перенесены в инцидент №7; ответ "
            "исполнителя сохранён",
        ),
        (
            "incident_emptied",
            {"status": "answered", "cause": "not_signals"},
            "в инциденте не осталось постов (не сигналы); обращение в статусе «дан ответ»"
            " оставлено оператору",
        ),
        (
            "repeat_evidence",
            {"post_id": 12, "open_report_id": 3},
            "новый пост №12: проблема вернулась; она уже в работе в обращении №3, это обращение"
            " остаётся решённым",
        ),
    ],
)
def test_emptied_incident_events_read_in_russian(
    action: str, after: dict[str, Any], expected: str
) -> None:
    assert _line(action, after) == expected
