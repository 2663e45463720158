"""Keeps the stack's processes running, as docker-compose's ``restart: unless-stopped`` does.

``Stack.up`` starts this module as a process of its own (``<run_dir>/supervisor.pid``, logging to
``<run_dir>/logs/supervisor.log``). It runs the one-shots, starts every long-running process in
``depends_on`` order, then watches them: a process that exits or is killed is started again after
a back-off (0.5 s, doubling to 30 s while it keeps dying within 30 s of starting), and each restart
is logged and counted. A process stopped on request (``Stack.stop``, like ``docker compose stop``
or ``kill``) stays stopped until ``Stack.start``. What it knows is written to
``<run_dir>/supervisor.json`` for ``make status``.

On SIGTERM it stops the gateway first, so that no new request arrives, then everything else, each
with SIGTERM and a grace period before SIGKILL.

    python -m deploy.supervisor --run-dir DIR [--compose-file FILE] [--replicas SERVICE=N] [--timeout S]
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from deploy.compose_file import COMPOSE_FILE, REPO_ROOT, StackError
from deploy.stack import ENTRY_POINT, Stack, replica_arg

RESTART_FIRST_DELAY_SECONDS = 0.5
RESTART_MAX_DELAY_SECONDS = 30.0
STABLE_AFTER_SECONDS = 30.0  # a process that ran this long before dying starts the back-off afresh
POLL_SECONDS = 0.2

log = logging.getLogger("supervisor")


def restart_delay(failures_in_a_row: int) -> float:
    """Seconds to wait before starting a process that has died ``failures_in_a_row`` times running."""
    return min(RESTART_MAX_DELAY_SECONDS, RESTART_FIRST_DELAY_SECONDS * 2 ** max(0, failures_in_a_row - 1))


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        return f"killed by {signal.Signals(-returncode).name}"
    return f"exit code {returncode}"


@dataclass
class ProcessRecord:
    """What ``make status`` shows of one process."""
    pid: int | None = None
    started_at: float | None = None  # wall clock, for people
    restarts: int = 0  # starts after an exit nobody asked for
    failures_in_a_row: int = 0
    last_exit: str | None = None
    last_exit_at: float | None = None
    stopped_on_request: bool = False


class Stopping(Exception):
    """SIGTERM arrived while the stack was still being started."""


class Supervisor:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.records = {name: ProcessRecord() for name in stack.instances()}
        self._started_mono: dict[str, float] = {}
        self._due: dict[str, float] = {}  # name -> monotonic time its restart is due
        self._phase = "starting"
        self._error: str | None = None
        self._stopping = False

    def run(self, timeout: float) -> int:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        self._write_state()
        try:
            self.stack.launch(time.monotonic() + timeout, on_start=self._started)
        except (StackError, Stopping) as error:
            self._error = str(error) if isinstance(error, StackError) else None
            log.error("could not start the stack: %s", error)
            self._shut_down("failed")
            return 1
        self._phase = "running"
        self._write_state()
        while not self._stopping:
            self._tick()
            time.sleep(POLL_SECONDS)
        self._shut_down("stopped")
        return 0

    def _on_signal(self, signum: int, frame: object) -> None:
        self._stopping = True
        if self._phase == "starting":
            raise Stopping(signal.Signals(signum).name)

    def _started(self, name: str, pid: int) -> None:
        record = self.records[name]
        record.pid, record.started_at, record.stopped_on_request = pid, time.time(), False
        self._started_mono[name] = time.monotonic()
        self._write_state()

    def _tick(self) -> None:
        changed = False
        for name, service in self.stack.instances().items():
            proc = self.stack.processes.get(name)
            if proc is not None and proc.poll() is not None:
                self._exited(name, proc.returncode)
                changed = True
            elif proc is None and self._may_start(name):
                restart = name in self._due
                self._due.pop(name, None)
                self.stack.start_process(name, service)
                if restart:
                    self.records[name].restarts += 1
                log.info("%s started (pid %s)%s", name, self.stack.processes[name].pid,
                         f", restart {self.records[name].restarts}" if restart else "")
                self._started(name, self.stack.processes[name].pid)
        if changed:
            self._write_state()

    def _may_start(self, name: str) -> bool:
        if self.stack.held(name):
            return False
        return time.monotonic() >= self._due.get(name, 0.0)

    def _exited(self, name: str, returncode: int) -> None:
        self.stack.forget_process(name)
        record = self.records[name]
        ran = time.monotonic() - self._started_mono.get(name, time.monotonic())
        record.pid, record.last_exit, record.last_exit_at = None, describe_exit(returncode), time.time()
        if self.stack.held(name):
            record.stopped_on_request = True
            log.info("%s stopped on request (%s)", name, record.last_exit)
            return
        record.failures_in_a_row = 1 if ran >= STABLE_AFTER_SECONDS else record.failures_in_a_row + 1
        delay = restart_delay(record.failures_in_a_row)
        self._due[name] = time.monotonic() + delay
        log.warning("%s exited (%s) after %.1fs; restarting in %.1fs", name, record.last_exit, ran, delay)

    def _shut_down(self, phase: str) -> None:
        entry = {name for name in self.stack.processes if name.partition("-")[0] == ENTRY_POINT}
        self.stack.stop_processes(entry)  # no new requests while the services finish theirs
        self.stack.stop_processes(set(self.stack.processes))
        for record in self.records.values():
            record.pid = None
        self._phase = phase
        self._write_state()

    def _write_state(self) -> None:
        state = {"pid": os.getpid(), "phase": self._phase, "error": self._error,
                 "processes": {name: asdict(record) for name, record in self.records.items()}}
        path = self.stack.state_path
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(state, indent=1))
        temporary.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.supervisor", description=__doc__.splitlines()[0])
    parser.add_argument("--run-dir", type=Path, required=True)
    parser.add_argument("--compose-file", type=Path, default=COMPOSE_FILE)
    parser.add_argument("--replicas", type=replica_arg, action="append", default=[], metavar="SERVICE=N")
    parser.add_argument("--timeout", type=float, default=90)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s supervisor: %(message)s",
                        stream=sys.stdout)
    os.chdir(REPO_ROOT)
    stack = Stack(run_dir=args.run_dir, replicas=dict(args.replicas), compose_file=args.compose_file)
    return Supervisor(stack).run(args.timeout)


if __name__ == "__main__":
    sys.exit(main())
