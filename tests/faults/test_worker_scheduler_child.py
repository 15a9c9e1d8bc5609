"""A SIGKILLed worker takes its rq scheduler child with it (the child used to keep running,
holding the scheduler's locks, until Redis stopped)."""

import contextlib
import os
import signal
import time
from pathlib import Path

from tests.faults.conftest import Stack, kill_group, wait_until


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_the_scheduler_child_dies_with_its_worker(stack: Stack) -> None:
    worker = stack.start_worker("maintenance")
    group = worker.pid  # the worker leads its own process group; the child stays in it
    try:
        wait_until(lambda: bool(_children(worker.pid)), timeout=60, what="the scheduler child")
        (scheduler,) = _children(worker.pid)
        os.kill(worker.pid, signal.SIGKILL)  # the worker alone, as the OOM killer would
        worker.wait(timeout=10)
        deadline = time.monotonic() + 15
        while _running(scheduler) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _running(scheduler), "the scheduler outlived its worker"
    finally:
        kill_group(worker)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)  # a surviving child, when the test fails
