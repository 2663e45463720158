"""RPC to the services, every call bounded: 504 when late, 503 when unreachable."""
import logging
from typing import Any

import eventlet
from kombu.exceptions import OperationalError
from nameko.constants import NON_PERSISTENT
from nameko.exceptions import RemoteError, UnknownService
from nameko.extensions import DependencyProvider
from nameko.rpc import ReplyListener, ServiceProxy

from services.chassis.config import float_setting
from services.chassis.errors import ServiceError
from services.registry import names

log = logging.getLogger(__name__)

# The services behind the gateway; /ready and /metrics ask each of them.
SERVICES = names()
# Fail fast when the broker is away instead of nameko's default multi-second retries.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0.1, "interval_step": 0.2, "interval_max": 0.3}


class ServiceUnavailable(ServiceError):
    status = 503
    title = "Service unavailable"


class ServiceTimeout(ServiceError):
    status = 504
    title = "Service did not answer in time"


class Clients:
    """What a gateway worker gets as ``self.rpc``: ``self.rpc.membership.get_school(...)``."""

    def __init__(self, worker_ctx: Any, reply_listener: ReplyListener, timeout: float) -> None:
        self._worker_ctx = worker_ctx
        self._reply_listener = reply_listener
        self._timeout = timeout

    def set_correlation_id(self, request_id: str) -> None:
        """Every RPC this worker makes carries the id; services stamp it on their events."""
        self._worker_ctx.data["correlation_id"] = request_id

    def call(self, service: str, method: str, *args: Any, timeout: float | None = None) -> Any:
        # Confirmed, so that a call to a service with no queue is refused at
        # once (503); transient, since a call outliving its timeout is useless.
        proxy = ServiceProxy(self._worker_ctx, service, self._reply_listener,
                             retry_policy=PUBLISH_RETRY, delivery_mode=NON_PERSISTENT)
        timer = eventlet.Timeout(timeout or self._timeout)
        try:
            return getattr(proxy, method).call_async(*args).result()
        except eventlet.Timeout as exc:
            if exc is not timer:
                raise
            raise ServiceTimeout(f"the {service} service did not answer in time")
        except UnknownService:
            raise ServiceUnavailable(f"the {service} service is not running")
        except (OSError, OperationalError) as exc:
            log.warning("broker unreachable calling %s.%s: %s", service, method, exc)
            raise ServiceUnavailable("the message broker is unavailable")
        except RemoteError as exc:
            log.error("%s.%s failed: %s", service, method, exc.exc_type)
            raise
        finally:
            timer.cancel()

    def __getattr__(self, service: str) -> "_Service":
        if service.startswith("_"):
            raise AttributeError(service)
        return _Service(self, service)


class _Service:
    def __init__(self, clients: Clients, service: str) -> None:
        self._clients = clients
        self._service = service

    def __getattr__(self, method: str) -> Any:
        return lambda *args, **kwargs: self._clients.call(self._service, method, *args, **kwargs)


class ServiceClients(DependencyProvider):
    reply_listener = ReplyListener()

    def __init__(self, timeout: float | None = None) -> None:
        self.timeout = timeout

    def setup(self) -> None:
        if self.timeout is None:
            self.timeout = float_setting("RPC_TIMEOUT_SECONDS", 10.0)

    def get_dependency(self, worker_ctx: Any) -> Clients:
        return Clients(worker_ctx, self.reply_listener, self.timeout)
