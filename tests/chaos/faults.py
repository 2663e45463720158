"""Faults injected into a running stack: kill -9 of a process, and cutting the broker link."""
import os
import signal
import time
from dataclasses import dataclass

from deploy.stack import Stack
from tests.tcp_proxy import TcpProxy

RECOVERY_TIMEOUT_SECONDS = 90.0


@dataclass
class Fault:
    what: str
    started_at: float  # monotonic
    recovered_at: float | None = None  # /ready answered 200 again

    @property
    def seconds(self) -> float:
        return (self.recovered_at or time.monotonic()) - self.started_at


def _wait(condition, timeout: float = RECOVERY_TIMEOUT_SECONDS) -> None:  # noqa: ANN001 (a callable)
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            raise TimeoutError("the stack did not recover in time")
        time.sleep(0.1)


def kill(stack: Stack, name: str) -> Fault:
    """kill -9 one process; recovered when the supervisor has restarted it and /ready answers 200."""
    pid = stack.running()[name]
    fault = Fault(f"kill -9 {name}", time.monotonic())
    os.kill(pid, signal.SIGKILL)
    _wait(lambda: stack.running().get(name) not in (None, pid))
    stack.wait_ready(RECOVERY_TIMEOUT_SECONDS)
    fault.recovered_at = time.monotonic()
    return fault


def cut_broker(stack: Stack, proxy: TcpProxy, seconds: float) -> Fault:
    """Drop every broker connection and refuse new ones for ``seconds``."""
    fault = Fault(f"broker cut {seconds:.0f}s", time.monotonic())
    proxy.cut()
    time.sleep(seconds)
    proxy.restore()
    stack.wait_ready(RECOVERY_TIMEOUT_SECONDS)
    fault.recovered_at = time.monotonic()
    return fault


def inject(stack: Stack, proxy: TcpProxy, kills: list[str], broker_cut_seconds: float, lead_seconds: float,
           gap_seconds: float) -> list[Fault]:
    """After ``lead_seconds``, each kill then the broker cut, ``gap_seconds`` apart."""
    faults = []
    time.sleep(lead_seconds)
    for name in kills:
        faults.append(kill(stack, name))
        time.sleep(gap_seconds)
    if broker_cut_seconds > 0:
        faults.append(cut_broker(stack, proxy, broker_cut_seconds))
    return faults
