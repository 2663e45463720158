"""Run the stack on this machine from docker-compose.yml's own commands and environment
(read by ``deploy/compose_file.py``), under a supervisor (``deploy/supervisor.py``).

Start order follows ``depends_on``. A service that another depends on with
``service_completed_successfully`` is a one-shot: it runs to completion first
and a non-zero exit aborts. A service that another depends on with
``service_healthy`` must pass its compose ``healthcheck`` (its test run here,
with the service's environment) before that other one starts. Every other
service runs in the background in its own process group, logging to
``<run_dir>/logs/<name>.log`` with its pid in ``<run_dir>/pids/<name>.pid``
(replica 2 of ``membership`` is ``membership-2``). The stack is up when
``gateway``, its entry point, answers ``GET /ready`` with 200.

    python -m deploy.stack up|down|status|logs
    python -m deploy.stack url [SERVICE]   # where a service's published port is here (default: gateway)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Mapping

from deploy.compose_file import COMPOSE_FILE, LOCALHOST, REPO_ROOT, Service, StackError, load_services

ENTRY_POINT = "gateway"
HEALTHCHECK_TIMEOUT_SECONDS = 5.0
STOP_GRACE_SECONDS = 10.0
LOG_TAIL_LINES = 40
CRASH_LOOP_FAILURES = 3  # exits in a row, each soon after starting, that make `up` give up


# --- processes ---------------------------------------------------------------


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"--- {path}: no log ---"
    body = "\n".join(text.splitlines()[-lines:])
    return f"--- {path} (last {lines} lines) ---\n{body}"


def _http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, ValueError):
        return None


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _is_ours(pid: int, marker: str | None) -> bool:
    """Alive, leader of its own process group, and (if known) running our command."""
    try:
        os.kill(pid, 0)
        if os.getpgid(pid) != pid:
            return False
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except (ProcessLookupError, PermissionError):
        return False
    except OSError:
        return True  # no /proc: trust the pid file
    if stat.rpartition(")")[2].split()[0] == "Z":
        return False
    return marker is None or marker in cmdline


class Stack:
    """The compose stack as local processes under a supervisor (see the module docstring)."""

    def __init__(
        self,
        env_overrides: Mapping[str, str] | None = None,
        run_dir: Path = REPO_ROOT / ".run",
        replicas: Mapping[str, int] | None = None,
        compose_file: Path = COMPOSE_FILE,
    ) -> None:
        self.host_env = {**os.environ, **(env_overrides or {})}
        self.run_dir = Path(run_dir)
        self.compose_file = Path(compose_file)
        self.services = load_services(self.compose_file, self.host_env)
        self.one_shots = {
            dep
            for service in self.services.values()
            for dep, condition in service.depends_on.items()
            if condition == "service_completed_successfully"
        }
        entry = self.services.get(ENTRY_POINT)
        if entry is None or not entry.ports or entry.name in self.one_shots:
            raise StackError(f"{compose_file} has no long-running service {ENTRY_POINT!r} publishing a port")
        self.http_service = entry
        self.replicas = dict(replicas or {})
        for name, count in self.replicas.items():
            if name not in self.services or name in self.one_shots:
                raise ValueError(f"replicas: {name!r} is not a long-running service of {compose_file}")
            if count < 1 or (count > 1 and self.services[name].ports):
                raise ValueError(f"replicas: {name!r} cannot run {count} copies")
        self.processes: dict[str, subprocess.Popen[bytes]] = {}  # those this object started
        self._supervisor: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return self.url(ENTRY_POINT)

    def url(self, name: str) -> str:
        """``http://127.0.0.1:<port>`` of a service's first published port."""
        service = self.services.get(name)
        if service is None or not service.ports:
            raise StackError(f"{name!r} is not a service of this stack publishing a port (x-unless-set?)")
        return f"http://{LOCALHOST}:{next(iter(service.ports.values()))}"

    def instances(self) -> dict[str, Service]:
        """Long-running process name -> its service, in start order."""
        names: dict[str, Service] = {}
        for service in self.services.values():
            if service.name not in self.one_shots:
                for copy in range(1, self.replicas.get(service.name, 1) + 1):
                    names[service.name if copy == 1 else f"{service.name}-{copy}"] = service
        return names

    def log_path(self, name: str) -> Path:
        return self.run_dir / "logs" / f"{name}.log"

    def pid_path(self, name: str) -> Path:
        return self.run_dir / "pids" / f"{name}.pid"

    @property
    def state_path(self) -> Path:
        return self.run_dir / "supervisor.json"

    @property
    def supervisor_pid_path(self) -> Path:
        return self.run_dir / "supervisor.pid"

    def held(self, name: str) -> bool:
        """Whether ``name`` was stopped on request and must stay stopped."""
        return (self.run_dir / "held" / name).exists()

    def running(self) -> dict[str, int]:
        """Process name -> pid, for every process with a pid file that is still alive."""
        alive: dict[str, int] = {}
        pid_dir = self.run_dir / "pids"
        for pid_file in sorted(pid_dir.glob("*.pid")) if pid_dir.is_dir() else []:
            name = pid_file.stem
            proc = self.processes.get(name)
            if proc is not None:
                if proc.poll() is None:
                    alive[name] = proc.pid
                continue
            pid = _read_pid(pid_file)
            service = self.services.get(name) or self.services.get(name.rpartition("-")[0])
            if pid is not None and _is_ours(pid, service.command[-1] if service else None):
                alive[name] = pid
        return alive

    def supervisor_pid(self) -> int | None:
        """The supervisor's pid while it runs."""
        if self._supervisor is not None:
            # Ours: trust the child handle. Its /proc cmdline is still pytest's until it has exec'd.
            return self._supervisor.pid if self._supervisor.poll() is None else None
        pid = _read_pid(self.supervisor_pid_path)
        return pid if pid is not None and _is_ours(pid, "deploy.supervisor") else None

    def state(self) -> dict:
        """What the supervisor last wrote: its phase, and each process's pid, restarts and last exit."""
        try:
            return json.loads(self.state_path.read_text())
        except (OSError, ValueError):
            return {}

    def up(self, timeout: float = 90) -> None:
        """Start the supervisor, which runs the one-shots and starts every service; wait for /ready.
        On failure stop everything and raise."""
        deadline = time.monotonic() + timeout
        for service in {service.name: service for service in self.instances().values()}.values():
            for port in service.ports.values():
                with socket.socket() as probe:
                    probe.settimeout(1)
                    if probe.connect_ex((LOCALHOST, int(port))) == 0:
                        raise StackError(f"port {port} of {service.name} is already in use "
                                         "(another stack? try `python -m deploy.stack down`)")
        for directory in ("logs", "pids"):
            (self.run_dir / directory).mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.run_dir / "held", ignore_errors=True)
        self.state_path.unlink(missing_ok=True)
        try:
            self._start_supervisor(timeout)
            self._wait_launched(deadline)
            self.wait_ready(max(0.0, deadline - time.monotonic()))
        except BaseException:
            self.down()
            raise

    def _start_supervisor(self, timeout: float) -> None:
        command = [sys.executable, "-m", "deploy.supervisor", "--run-dir", str(self.run_dir.resolve()),
                   "--compose-file", str(self.compose_file.resolve()), "--timeout", str(timeout)]
        for name, count in self.replicas.items():
            command += ["--replicas", f"{name}={count}"]
        with self.log_path("supervisor").open("ab") as log:
            self._supervisor = subprocess.Popen(
                command, cwd=REPO_ROOT, env={**self.host_env, "PYTHONUNBUFFERED": "1"},
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.supervisor_pid_path.write_text(f"{self._supervisor.pid}\n")

    def _wait_launched(self, deadline: float) -> None:
        """Until the supervisor has started every process; raise with its reason if it gave up."""
        while True:
            supervisor_gone = self.supervisor_pid() is None
            # Read after the pid: a supervisor that writes "failed" and exits between the two reads
            # would otherwise be reported without its reason.
            state = self.state()
            if state.get("phase") == "running":
                return
            if state.get("phase") == "failed" or supervisor_gone:
                reason = state.get("error") or _tail(self.log_path("supervisor"))
                raise StackError(reason)
            if time.monotonic() >= deadline:
                raise StackError(f"the stack did not start in time\n{_tail(self.log_path('supervisor'))}")
            time.sleep(0.2)

    def launch(self, deadline: float, on_start: Callable[[str, int], None]) -> None:
        """Run the one-shots, then start every long-running process (healthy dependencies first).
        The supervisor calls this; ``on_start(name, pid)`` after each start."""
        for service in self.services.values():
            if service.name in self.one_shots:
                self._run_to_completion(service, deadline)
        healthy: set[str] = set()
        for name, service in self.instances().items():
            for dep, condition in service.depends_on.items():
                if condition == "service_healthy" and dep not in self.one_shots and dep not in healthy:
                    self._wait_healthy(self.services[dep], deadline)
                    healthy.add(dep)
            self.start_process(name, service, append=False)
            on_start(name, self.processes[name].pid)

    def start(self, name: str, timeout: float = 30) -> int:
        """Start a process that was stopped on request (``docker compose start``); its pid once the
        supervisor has started it. Nothing else is waited for: see ``wait_ready``."""
        if name not in self.instances():
            raise StackError(f"{name!r} is not a long-running process of this stack")
        if not self.held(name):
            raise StackError(f"{name} is already running (or being restarted by the supervisor)")
        if self.supervisor_pid() is None:
            raise StackError("the supervisor is not running: `python -m deploy.stack up` first")
        (self.run_dir / "held" / name).unlink()
        deadline = time.monotonic() + timeout
        while (pid := self.running().get(name)) is None:
            if time.monotonic() >= deadline:
                raise StackError(f"the supervisor did not start {name} in {timeout:.0f}s")
            time.sleep(0.1)
        return pid

    def stop(self, name: str, signum: int = signal.SIGTERM, timeout: float = STOP_GRACE_SECONDS) -> None:
        """Stop one process and keep it stopped until ``start`` (``docker compose stop``, or ``kill``
        with SIGKILL)."""
        if name not in self.instances():
            raise StackError(f"{name!r} is not a long-running process of this stack")
        (self.run_dir / "held").mkdir(parents=True, exist_ok=True)
        (self.run_dir / "held" / name).touch()
        pid = self.running().get(name)
        if pid is not None:
            self._signal(pid, signum)
        deadline = time.monotonic() + timeout
        while name in self.running():
            if time.monotonic() >= deadline:
                raise StackError(f"{name} did not stop in {timeout:.0f}s after {signal.Signals(signum).name}")
            time.sleep(0.1)

    def wait_ready(self, timeout: float = 90) -> None:
        """Poll ``/ready`` until 200; raise with log tails if a process keeps dying, the supervisor is
        gone or time runs out."""
        deadline = time.monotonic() + timeout
        url = f"{self.base_url}/ready"
        expected = self.instances()
        while True:
            if self.supervisor_pid() is None:
                raise StackError(f"the supervisor is not running\n{_tail(self.log_path('supervisor'))}")
            records = self.state().get("processes", {})
            looping = [name for name in expected
                       if records.get(name, {}).get("failures_in_a_row", 0) >= CRASH_LOOP_FAILURES]
            if looping:
                details = "\n".join(_tail(self.log_path(name)) for name in looping)
                raise StackError(f"{', '.join(looping)} keep exiting before {url} was ready\n{details}")
            status = _http_status(url)
            if status == 200:
                return
            if time.monotonic() >= deadline:
                details = "\n".join(_tail(self.log_path(name), 15) for name in expected)
                raise StackError(f"{url} not ready after {timeout:.0f}s (last answer: {status})\n{details}")
            time.sleep(0.5)

    def _wait_healthy(self, service: Service, deadline: float) -> None:
        """Run the service's healthcheck until it passes; raise if the service dies or time runs out."""
        if service.healthcheck is None:
            raise StackError(f"{service.name} is depended on as service_healthy but has no healthcheck")
        while True:
            if service.name not in self.running():
                raise StackError(f"{service.name} exited before it was healthy\n{_tail(self.log_path(service.name))}")
            try:
                check = subprocess.run(
                    service.healthcheck, cwd=REPO_ROOT, env=self._process_env(service), stdin=subprocess.DEVNULL,
                    capture_output=True, timeout=HEALTHCHECK_TIMEOUT_SECONDS,
                )
                if check.returncode == 0:
                    return
            except subprocess.TimeoutExpired:
                pass
            if time.monotonic() >= deadline:
                raise StackError(f"{service.name} not healthy in time\n{_tail(self.log_path(service.name))}")
            time.sleep(0.3)

    def down(self) -> list[str]:
        """Stop the supervisor (which stops what it runs) and any process left with a live pid file;
        the names stopped."""
        stopped = set(self.running())
        pid = self.supervisor_pid()
        if pid is not None:
            self._signal(pid, signal.SIGTERM)
            deadline = time.monotonic() + 2 * STOP_GRACE_SECONDS + 5
            while self.supervisor_pid() is not None and time.monotonic() < deadline:
                time.sleep(0.2)
            if self.supervisor_pid() is not None:
                self._signal(pid, signal.SIGKILL)
        if self._supervisor is not None:
            self._supervisor.wait()
            self._supervisor = None
        self.stop_processes(set(self.running()))  # left by a supervisor that was killed
        pid_dir = self.run_dir / "pids"
        for stale in pid_dir.glob("*.pid") if pid_dir.is_dir() else []:
            stale.unlink(missing_ok=True)
        self.supervisor_pid_path.unlink(missing_ok=True)
        shutil.rmtree(self.run_dir / "held", ignore_errors=True)
        return sorted(stopped)

    def stop_processes(self, names: set[str]) -> list[str]:
        """SIGTERM these processes' groups, wait, SIGKILL what is left after the grace period."""

        def alive() -> dict[str, int]:
            return {name: pid for name, pid in self.running().items() if name in names}

        targets = alive()
        for pid in targets.values():
            self._signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in alive().values():
            self._signal(pid, signal.SIGKILL)
        for name in names:
            self.forget_process(name)
        return sorted(targets)

    def forget_process(self, name: str) -> None:
        """Reap a process this object started and remove its pid file."""
        proc = self.processes.pop(name, None)
        if proc is not None:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self.pid_path(name).unlink(missing_ok=True)

    def _process_env(self, service: Service) -> dict[str, str]:
        # The compose command names `python`/`nameko`: take them from this interpreter's bin.
        path = os.pathsep.join([str(Path(sys.executable).parent), self.host_env.get("PATH", os.defpath)])
        return {**self.host_env, **service.environment, "PATH": path, "PYTHONUNBUFFERED": "1"}

    def _run_to_completion(self, service: Service, deadline: float) -> None:
        log_path = self.log_path(service.name)
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                service.command, cwd=REPO_ROOT, env=self._process_env(service),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            )
        try:
            code = proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise StackError(f"{service.name} did not finish in time\n{_tail(log_path)}") from None
        if code != 0:
            raise StackError(f"{service.name} exited with code {code}\n{_tail(log_path)}")

    def start_process(self, name: str, service: Service, append: bool = True) -> None:
        """Start one long-running process in its own process group, with its pid file."""
        with self.log_path(name).open("ab" if append else "wb") as log:
            proc = subprocess.Popen(
                service.command, cwd=REPO_ROOT, env=self._process_env(service),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[name] = proc
        self.pid_path(name).write_text(f"{proc.pid}\n")

    @staticmethod
    def _signal(pid: int, signum: int) -> None:
        try:
            os.killpg(pid, signum)
        except (ProcessLookupError, PermissionError):
            pass


# --- command line -----------------------------------------------------------


def replica_arg(text: str) -> tuple[str, int]:
    name, _, count = text.partition("=")
    if not name or not count.isdigit():
        raise argparse.ArgumentTypeError("expected SERVICE=N, e.g. membership=2")
    return name, int(count)


def print_status(stack: Stack) -> None:
    """Each process: running or not, its restarts and how it last exited; then the supervisor."""
    running, records = stack.running(), stack.state().get("processes", {})
    for name in dict.fromkeys([*stack.instances(), *running]):
        record = records.get(name, {})
        if name in running:
            state = f"running pid {running[name]}"
        else:
            state = "stopped on request" if stack.held(name) else "stopped"
        line = f"{name:20} {state:22} restarts {record.get('restarts', 0)}"
        if record.get("last_exit"):
            when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(record["last_exit_at"]))
            line += f"  (last exit: {record['last_exit']} at {when})"
        print(line)
    pid = stack.supervisor_pid()
    print(f"{'supervisor':20} {'running pid ' + str(pid) if pid else 'not running: nothing restarts what dies'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.stack",
        description="Run the docker-compose.yml stack as local processes (no Docker needed).",
    )
    parser.add_argument("action", choices=["up", "down", "status", "logs", "url"])
    parser.add_argument("services", nargs="*", help="logs: only these processes; url: the service (default gateway)")
    parser.add_argument("--run-dir", type=Path, default=REPO_ROOT / ".run", help="logs and pids (default .run)")
    parser.add_argument("--compose-file", type=Path, default=COMPOSE_FILE)
    parser.add_argument("--timeout", type=float, default=90, help="up: seconds to wait for /ready")
    parser.add_argument("--replicas", type=replica_arg, action="append", default=[], metavar="SERVICE=N")
    parser.add_argument("-n", "--lines", type=int, default=LOG_TAIL_LINES, help="logs: lines per process")
    args = parser.parse_intermixed_args(argv)

    try:
        stack = Stack(run_dir=args.run_dir, replicas=dict(args.replicas), compose_file=args.compose_file)
        if args.action == "up":
            running = stack.running()
            missing = [name for name in stack.instances() if name not in running]
            if running and not missing and stack.supervisor_pid() is not None:
                print(f"already running ({', '.join(running)}); checking {stack.base_url}/ready")
                stack.wait_ready(args.timeout)
            else:
                if running or stack.supervisor_pid() is not None:
                    print(f"partly running ({', '.join(running) or 'the supervisor'}; not "
                          f"{', '.join(missing) or 'the supervisor'}): restarting it")
                    stack.down()
                stack.up(args.timeout)
            print(f"stack ready at {stack.base_url} (logs in {stack.run_dir / 'logs'})")
        elif args.action == "url":
            print(stack.url(args.services[0] if args.services else ENTRY_POINT))
        elif args.action == "down":
            stopped = stack.down()
            print(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")
        elif args.action == "status":
            print_status(stack)
            status = _http_status(f"{stack.base_url}/ready")
            print(f"{stack.base_url}/ready -> {status or 'no answer'}")
            return 0 if status == 200 else 1
        else:
            logs = sorted((stack.run_dir / "logs").glob("*.log"))
            for path in logs:
                if not args.services or path.stem in args.services:
                    print(_tail(path, args.lines))
    except StackError as error:
        print(f"deploy.stack {args.action}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
