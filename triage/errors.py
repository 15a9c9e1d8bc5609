"""The errors triage raises for moderators' and operators' actions, in one place."""


class TriageError(Exception):
    """Base of every expected triage refusal (shown to the user, never a bug)."""


class NotFound(TriageError):
    def __init__(self, entity_type: str, entity_id: int) -> None:
        super().__init__(f"{entity_type} {entity_id} does not exist")
        self.entity_type = entity_type
        self.entity_id = entity_id


class ConflictError(TriageError):
    """Someone else changed the record since it was read (optimistic lock)."""

    def __init__(self, entity_type: str, entity_id: int, expected: int, actual: int) -> None:
        super().__init__(
            f"{entity_type} {entity_id} was changed by someone else "
            f"(you saw version {expected}, it is now {actual}); reload and try again"
        )
        self.entity_type = entity_type
        self.entity_id = entity_id
        self.expected = expected
        self.actual = actual


class InvalidTransition(TriageError):
    def __init__(self, report_id: int, current: str, target: str) -> None:
        current, target = str(current), str(target)
        super().__init__(f"report {report_id} cannot go from {current!r} to {target!r}")
        self.report_id = report_id
        self.current = current
        self.target = target
