"""Measuring an HTTP load: concurrent clients, latency percentiles, processes' peak memory."""
import http.client
import itertools
import json
import math
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from tests.mailbox import Mailbox

Request = tuple[str, str, dict | None]  # method, path, body


@dataclass
class Result:
    name: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000

    def report(self) -> str:
        count = len(self.latencies)
        return (f"{self.name}: {count} requests in {self.seconds:.1f}s = {count / self.seconds:.0f} req/s; "
                f"p50 {self.percentile(0.50):.1f} ms, p99 {self.percentile(0.99):.1f} ms, "
                f"max {max(self.latencies) * 1000:.1f} ms; statuses {dict(sorted(self.statuses.items()))}")


def run_load(base_url: str | list[str], token: str | list[str], name: str, clients: int, seconds: float,
             next_request: Callable[[int, int], Request], count: int | None = None,
             headers: dict[str, str] | None = None,
             on_answer: Callable[[Request, int, float], None] | None = None) -> Result:
    """``clients`` threads, each on its own keep-alive connection, for ``seconds``.

    With ``count``, the clients stop as soon as ``count`` requests have been
    sent between them (or ``seconds`` have passed), and the rate is over the
    time they took. A list of tokens gives client n the token ``n % len``, and
    a list of base URLs (gateways) the gateway ``n % len``.
    ``on_answer(request, status, time.time())`` is called after each answer.
    """
    targets = [urlsplit(url) for url in ([base_url] if isinstance(base_url, str) else base_url)]
    result = Result(name, seconds)
    lock = threading.Lock()
    started_at = time.perf_counter()
    stop_at = started_at + seconds
    tickets = itertools.count() if count is not None else None
    tokens = [token] if isinstance(token, str) else token

    def client(number: int) -> None:
        target = targets[number % len(targets)]
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        latencies, statuses, sent = [], {}, 0
        sending = {"Authorization": f"Bearer {tokens[number % len(tokens)]}", "Content-Type": "application/json",
                   **(headers or {})}
        while time.perf_counter() < stop_at and (tickets is None or next(tickets) < count):
            request = next_request(number, sent)
            method, path, body = request
            started = time.perf_counter()
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=sending)
            response = conn.getresponse()
            response.read()
            latencies.append(time.perf_counter() - started)
            if on_answer:
                on_answer(request, response.status, time.time())
            statuses[response.status] = statuses.get(response.status, 0) + 1
            sent += 1
        conn.close()
        with lock:
            result.latencies.extend(latencies)
            for status, n in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + n

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if count is not None:
        result.seconds = time.perf_counter() - started_at
    return result


def peak_memory_mib(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User and system CPU the process has used so far, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_by_command(commands: set[str]) -> dict[str, float]:
    """CPU seconds used so far by every process running one of ``commands`` (its /proc comm), by command.
    A process that exits in between is missed: meant for servers whose processes stay (PostgreSQL's
    backends of pooled connections, RabbitMQ)."""
    used: dict[str, float] = {command: 0.0 for command in commands}
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            command = comm.read_text().strip()
            if command in commands:
                used[command] += cpu_seconds(int(comm.parent.name))
        except (OSError, ValueError):  # gone meanwhile
            continue
    return used


def machine_busy_seconds() -> float:
    """CPU time every processor of this machine has spent busy so far (all processes), in seconds."""
    user, nice, system, idle, iowait, *rest = (int(n) for n in Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + sum(rest)) / os.sysconf("SC_CLK_TCK")


# The servers every booking also costs, by their /proc comm (all their processes count).
SERVERS = {"postgres": "PostgreSQL", "beam.smp": "RabbitMQ"}


class CpuMeter:
    """CPU used by each of ``processes`` (name -> pid) and by PostgreSQL and RabbitMQ between
    ``start()`` and ``stop()``, and by the whole machine."""

    def __init__(self, processes: dict[str, int]) -> None:
        self.processes = processes

    def _now(self) -> dict[str, float]:
        used = {name: cpu_seconds(pid) for name, pid in self.processes.items()}
        return used | {SERVERS[command]: s for command, s in cpu_by_command(set(SERVERS)).items()}

    def start(self) -> "CpuMeter":
        self._before, self._busy_before, self._began = self._now(), machine_busy_seconds(), time.perf_counter()
        return self

    def stop(self) -> "CpuMeter":
        after = self._now()
        self.used = {name: after[name] - self._before.get(name, 0.0) for name in after}
        self.busy = machine_busy_seconds() - self._busy_before
        self.seconds = time.perf_counter() - self._began
        return self

    def per_item(self, count: int, what: str = "booking") -> str:
        """CPU ms per item by process, their sum, the whole machine's, and how busy it was."""
        count = max(count, 1)
        parts = ", ".join(f"{name} {s / count * 1000:.2f}"
                          for name, s in sorted(self.used.items(), key=lambda kv: -kv[1]))
        return (f"CPU ms per {what} ({self.seconds:.0f} s, {os.cpu_count()} cores): {parts}; "
                f"these together {sum(self.used.values()) / count * 1000:.2f}; the whole machine "
                f"{self.busy / count * 1000:.2f}, busy {self.busy / self.seconds / (os.cpu_count() or 1):.0%}")


def reference_loop_seconds() -> float:
    """Time of a fixed pure-Python loop: how fast this host is right now.

    Shared hosts vary (seen here: 0.43 s to 0.67 s on an idle machine), so a
    benchmark prints this beside its figures to tell a slow host from slow code.
    """
    started = time.perf_counter()
    sum(i * i for i in range(10**7))
    return time.perf_counter() - started


def email_arrivals(mailbox: Mailbox) -> dict[str, list[float]]:
    """Recipient -> wall-clock seconds of each email the sink accepted for them."""
    arrived: dict[str, list[float]] = {}
    for message in mailbox.messages():
        at = datetime.fromisoformat(message["received_at"]).timestamp()
        for to in message["to"]:
            arrived.setdefault(to, []).append(at)
    return arrived


def spread(name: str, seconds: list[float], expected: int, target_ms: float) -> str:
    """p50/p99/max of ``seconds`` against a p99 target; MISSED also when fewer than ``expected`` came."""
    if not seconds:
        return f"{name}: nothing arrived of {expected}"
    ordered = sorted(seconds)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, math.ceil(len(ordered) * p) - 1)] * 1000

    met = at(0.99) <= target_ms and len(ordered) >= expected
    return (f"{name}: {len(ordered)} of {expected}; p50 {at(0.50):.0f} ms, p99 {at(0.99):.0f} ms, "
            f"max {ordered[-1] * 1000:.0f} ms; target p99 <= {target_ms:.0f} ms: {'met' if met else 'MISSED'}")
