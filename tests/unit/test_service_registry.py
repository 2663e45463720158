"""Every service in services/registry.py has what the checklist (README "Adding a service") names."""
import json
import pkgutil
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from deploy.compose_file import COMPOSE_FILE, load_services
from gateway import clients
from gateway.service import GatewayService, routes_of
from services.chassis.errors import ServiceError
from services.registry import SERVICES, ServiceEntry, names

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = load_services(COMPOSE_FILE, {})
ENTRIES = pytest.mark.parametrize("entry", SERVICES, ids=names())


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found))


@ENTRIES
def test_the_class_is_the_service_of_its_folder(entry: ServiceEntry):
    assert entry.package == f"services.{entry.name}"
    assert entry.load_class().name == entry.name


@ENTRIES
def test_compose_runs_it_with_its_database(entry: ServiceEntry):
    assert entry.name in COMPOSE, f"docker-compose.yml has no service {entry.name!r}"
    assert COMPOSE[entry.name].command[-1] == entry.service_class
    for process in (entry.name, "migrate"):
        assert entry.db_setting in COMPOSE[process].environment, f"{process} is not given {entry.db_setting}"


def test_compose_runs_no_service_the_list_lacks():
    ours = {name for name, service in COMPOSE.items() if service.command[-1].startswith("services.")}
    assert ours == set(names())


@ENTRIES
def test_its_migrations_have_one_head(entry: ServiceEntry):
    folder = Path(import_module(entry.package).__file__).parent / "migrations"
    assert len(ScriptDirectory(str(folder)).get_heads()) == 1


@ENTRIES
def test_the_gateway_routes_to_it(entry: ServiceEntry):
    assert (ROOT / "gateway" / "routes" / f"{entry.name}.py").is_file()
    assert routes_of(entry) in GatewayService.__mro__
    assert entry.name in clients.SERVICES


def _errors_of(entry: ServiceEntry) -> set[str]:
    """Every ServiceError class defined anywhere in the service's folder."""
    package = import_module(entry.package)
    for module in pkgutil.walk_packages(package.__path__, f"{entry.package}."):
        if ".migrations" not in module.name:
            import_module(module.name)
    return {f"{cls.__module__}.{cls.__name__}" for cls in _subclasses(ServiceError)
            if cls.__module__.startswith(f"{entry.package}.")}


@ENTRIES
def test_its_errors_live_in_its_exceptions_module(entry: ServiceEntry):
    for error in _errors_of(entry):
        assert error.startswith(f"{entry.package}.exceptions."), f"{error} is outside exceptions.py"


def test_the_gateway_alone_registers_every_service_error_so_it_crosses_rpc_as_itself():
    script = "import json, gateway.service, nameko.exceptions as e; print(json.dumps(list(e.registry)))"
    registered = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout
    for entry in SERVICES:
        assert _errors_of(entry) <= set(json.loads(registered)), entry.name
