"""CPU seconds used by the processes of a benchmark run, read from /proc (Linux).

Wall-clock throughput on a shared 2-core machine moves by tens of percent between runs;
the CPU each part spends per post does not, so the load benchmark reports both.
"""

import os
import resource
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def process_seconds(pid: int, *, reaped_children: bool = False) -> float:
    """User + system CPU seconds of a live process (and of its reaped children if asked)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    # after the command name: state is field 0, utime 11, stime 12, cutime 13, cstime 14
    ticks = int(fields[11]) + int(fields[12])
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / TICKS


def postgres_seconds() -> float:
    """All PostgreSQL server processes: the live ones, plus the backends already gone
    (the postmaster's reaped children). Needs the server on this machine."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "comm").read_text().strip()
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
        if command != "postgres":
            continue
        postmaster = parent == 1 or not _is_postgres(parent)
        total += process_seconds(int(entry.name), reaped_children=postmaster)
    return total


def _is_postgres(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == "postgres"
    except (FileNotFoundError, ProcessLookupError):
        return False


def own_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class CpuSample:
    workers: float
    postgres: float
    redis: float
    driver: float  # this process: the crawler, the fake VK server and the polling

    def minus(self, earlier: "CpuSample") -> "CpuSample":
        return CpuSample(
            workers=self.workers - earlier.workers,
            postgres=self.postgres - earlier.postgres,
            redis=self.redis - earlier.redis,
            driver=self.driver - earlier.driver,
        )

    def per_post_ms(self, posts: int) -> dict[str, float]:
        parts = {
            "workers": self.workers,
            "postgres": self.postgres,
            "redis": self.redis,
            "driver": self.driver,
        }
        parts["total"] = sum(parts.values())
        return {name: round(seconds * 1000 / max(posts, 1), 2) for name, seconds in parts.items()}


def sample(worker_pids: list[int], redis_pid: int | None) -> CpuSample:
    return CpuSample(
        workers=sum(process_seconds(pid) for pid in worker_pids),
        postgres=postgres_seconds(),
        redis=process_seconds(redis_pid) if redis_pid else 0.0,
        driver=own_seconds(),
    )
