"""The gateway: the one HTTP entry to Alliance Network (stateless).

Its routes are those of every service in ``services/registry.py`` (the class
``<Name>Routes`` in ``gateway/routes/<name>.py``), between signing in and
operations, and the web app's page and assets.
"""
from importlib import import_module
from importlib.util import find_spec

from gateway import rate_limits
from gateway.auth import signing_ring
from gateway.clients import ServiceClients
from gateway.routes.auth import AuthRoutes
from gateway.routes.operations import OperationsRoutes
from gateway.routes.web import WebRoutes
from services.registry import SERVICES, ServiceEntry


def register_errors(entry: ServiceEntry) -> None:
    """Import the service's ``exceptions.py`` so its errors arrive as themselves, not as RemoteError."""
    module = f"{entry.package}.exceptions"
    if find_spec(module) is not None:
        import_module(module)


def routes_of(entry: ServiceEntry) -> type:
    class_name = "".join(part.title() for part in entry.name.split("_")) + "Routes"
    return getattr(import_module(f"gateway.routes.{entry.name}"), class_name)


for _entry in SERVICES:
    register_errors(_entry)

# Unusable signing keys or rate limits stop the gateway at start, saying which setting is wrong.
signing_ring()
rate_limits.buckets()


class GatewayService(AuthRoutes, *map(routes_of, SERVICES), OperationsRoutes, WebRoutes):
    name = "gateway"

    rpc = ServiceClients()
