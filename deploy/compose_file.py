"""docker-compose.yml read as compose reads it, and made runnable on this machine.

Every compose service with ``build:`` (our image) becomes a local process:
its ``command`` runs from the repository root with its ``environment``,
interpolated from the current environment the way compose does it. Hosts that
are compose services (``rabbitmq``, ``postgres``, ``mailsink``) become
127.0.0.1. A service that publishes ports listens where compose would publish
it: a ``*_PORT`` value equal to a published container port becomes the host
port, and a wildcard ``*_HOST`` (0.0.0.0) becomes 127.0.0.1.

A service with the extension field ``x-unless-set: VARIABLE`` is left out
when that variable is set and not empty here (``mailsink`` when the operator
names a real mail server with ``SMTP_HOST``), and so is every ``depends_on``
naming it. Docker Compose ignores the field and starts such a service anyway.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit, urlunsplit

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
LOCALHOST = "127.0.0.1"
WILDCARD_HOSTS = {"0.0.0.0", "::", "[::]"}


class StackError(RuntimeError):
    """The stack cannot be read or did not come up; the message carries the log lines that say why."""


_REFERENCE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)
_BRACED = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>.*))?\Z", re.S)


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Expand ``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``,
    ``${VAR:?error}``, ``${VAR?error}`` and ``$$`` as compose does."""

    def expand(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        if match["named"]:
            return env.get(match["named"], "")
        braced = _BRACED.match(match["braced"])
        if braced is None:
            raise StackError(f"invalid interpolation format: ${{{match['braced']}}}")
        name, op, arg = braced["name"], braced["op"] or "", braced["arg"] or ""
        value = env.get(name)
        missing = value is None or (op.startswith(":") and value == "")
        if missing and op.endswith("-"):
            return arg
        if missing and op.endswith("?"):
            raise StackError(arg or f"required variable {name} is missing a value")
        return value or ""

    return _REFERENCE.sub(expand, text)


def _interpolate_tree(node: Any, env: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, dict):
        return {key: _interpolate_tree(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [_interpolate_tree(item, env) for item in node]
    return node


def _environment(raw: Any, host_env: Mapping[str, str]) -> dict[str, str]:
    """A service's environment; a key without a value passes the host's through."""
    if isinstance(raw, list):
        pairs = [tuple(item.split("=", 1)) if "=" in item else (item, None) for item in raw]
    else:
        pairs = list((raw or {}).items())
    env: dict[str, str] = {}
    for key, value in pairs:
        if value is None:
            if key in host_env:
                env[key] = host_env[key]
        else:
            env[key] = str(value)
    return env


def _published_ports(raw: Any) -> dict[str, str]:
    """Container port -> host port, from short ("[ip:]host:container") or long entries."""
    ports: dict[str, str] = {}
    for entry in raw or []:
        if isinstance(entry, dict):
            target, published = entry.get("target"), entry.get("published")
        else:
            parts = str(entry).split("/", 1)[0].split(":")
            if len(parts) < 2:
                continue  # compose would pick a random host port: nothing to mirror
            published, target = parts[-2], parts[-1]
        if target is not None and published:
            ports[str(target)] = str(published)
    return ports


def _healthcheck(raw: Any) -> list[str] | None:
    """A compose healthcheck's test as a command to run here; None when there is none."""
    test = (raw or {}).get("test")
    if not test or (raw or {}).get("disable") or test == ["NONE"]:
        return None
    if isinstance(test, str):
        return ["sh", "-c", test]
    kind, *args = [str(part) for part in test]
    if kind == "CMD-SHELL":
        return ["sh", "-c", " ".join(args)]
    return args if kind == "CMD" else None


def _localize(value: str, hosts: set[str]) -> str:
    """Point a value that names a compose-network host (in a URL, or as host[:port]) at 127.0.0.1."""
    if "://" in value:
        parts = urlsplit(value)
        if parts.hostname not in hosts:
            return value
        userinfo, at, _ = parts.netloc.rpartition("@")
        port = f":{parts.port}" if parts.port else ""
        return urlunsplit(parts._replace(netloc=f"{userinfo}{at}{LOCALHOST}{port}"))
    host, colon, port = value.partition(":")
    if host in hosts and (not colon or port.isdigit()):
        return f"{LOCALHOST}{colon}{port}"
    return value


@dataclass(frozen=True)
class Service:
    name: str
    command: list[str]
    environment: dict[str, str]
    depends_on: dict[str, str]  # service -> condition
    ports: dict[str, str]  # container port -> host port
    healthcheck: list[str] | None = None  # the command that exits 0 when the service is healthy


def load_services(compose_file: Path, host_env: Mapping[str, str]) -> dict[str, Service]:
    """The compose file's ``build:`` services, made runnable here, in start order
    (without those whose ``x-unless-set`` variable is set)."""
    document = yaml.safe_load(compose_file.read_text())  # resolves anchors and << merges
    specs = _interpolate_tree(document.get("services") or {}, host_env)
    hosts = set(specs)
    left_out = {name for name, spec in specs.items() if host_env.get(spec.get("x-unless-set") or "")}
    external_hosts = {name for name, spec in specs.items() if "build" not in spec}
    services: dict[str, Service] = {}
    for name, spec in specs.items():
        if name in external_hosts or name in left_out:
            continue
        command = spec.get("command")
        if not command:
            raise StackError(f"compose service {name!r} has no command")
        if isinstance(command, str):
            command = shlex.split(command)
        env = {k: _localize(v, hosts) for k, v in _environment(spec.get("environment"), host_env).items()}
        ports = _published_ports(spec.get("ports"))
        if ports:
            for key, value in env.items():
                if key.endswith("_PORT") and value in ports:
                    env[key] = ports[value]
                elif key.endswith("_HOST") and value in WILDCARD_HOSTS:
                    env[key] = LOCALHOST
        depends = spec.get("depends_on") or {}
        if isinstance(depends, list):
            depends = {dep: {"condition": "service_started"} for dep in depends}
        services[name] = Service(
            name=name,
            command=[str(part) for part in command],
            environment=env,
            depends_on={
                dep: (cond or {}).get("condition", "service_started")
                for dep, cond in depends.items()
                if dep not in external_hosts and dep not in left_out
            },
            ports=ports,
            healthcheck=_healthcheck(spec.get("healthcheck")),
        )
    return {name: services[name] for name in _start_order(services)}


def _start_order(services: Mapping[str, Service]) -> list[str]:
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in order:
            return
        if name in visiting:
            raise StackError(f"depends_on cycle through {name!r}")
        if name not in services:
            raise StackError(f"depends_on names unknown service {name!r}")
        visiting.add(name)
        for dep in services[name].depends_on:
            visit(dep)
        visiting.discard(name)
        order.append(name)

    for name in services:
        visit(name)
    return order
