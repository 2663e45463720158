"""Another gateway process for a running stack, with settings of its own (a replica, or a gateway rolled
to new settings)."""
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import requests

from deploy.compose_file import REPO_ROOT
from deploy.stack import Stack
from tests.e2e.api import Api
from tests.e2e.conftest import free_port
from tests.waiting import wait_until


def gateway_environment(stack: Stack, stack_settings: dict, port: int, **extra: str) -> dict:
    """The environment of one more gateway of ``stack``, listening on ``port``, with ``extra`` settings."""
    return {**os.environ, **stack_settings, **stack.services["gateway"].environment, "GATEWAY_PORT": str(port),
            **extra, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}


@contextmanager
def another_gateway(stack: Stack, stack_settings: dict, log_dir: Path, **extra: str) -> Iterator[Api]:
    """A gateway of ``stack`` on a port of its own, with ``extra`` settings; stopped on leaving."""
    port = free_port()
    gateway = stack.services["gateway"]
    env = gateway_environment(stack, stack_settings, port, **extra)
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"gateway-{port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(gateway.command, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        assert proc.poll() is None, log_path.read_text()
        try:
            return requests.get(f"{base_url}/ready", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    try:
        wait_until(ready, timeout=60, interval=0.3)
        api = Api(base_url)
        api.pid = proc.pid  # for what measures it (tests/benchmarks/bench_scaling.py)
        yield api
    finally:
        proc.terminate()
        proc.wait(timeout=15)
