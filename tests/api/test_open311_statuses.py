"""Every report status has an Open311 status and a Russian note; final ones read `closed`."""

import pytest

from models.report import ReportStatus
from otklik.api.open311 import STATUS_NOTES, open311_status
from triage.export_labels import STATUS_NAMES
from triage.lifecycle import FINAL


@pytest.mark.parametrize("status", list(ReportStatus))
def test_each_status_is_named_and_mapped(status: ReportStatus) -> None:
    assert STATUS_NOTES[status] and STATUS_NAMES[status]
    assert open311_status(status) == ("closed" if status in FINAL else "open")


def test_a_withdrawn_report_is_closed_for_the_agency() -> None:
    assert open311_status(ReportStatus.WITHDRAWN) == "closed"
    assert STATUS_NAMES[ReportStatus.WITHDRAWN] == "отозвано"
