"""Every service of Alliance Network: the one list that deploy, gateway and tests read.

A service is one line here, named by its class's import path, so importing
this list is cheap and imports no service. Everything else about a service
follows from its folder ``services/<name>/`` and its class: the database
setting ``<NAME>_DB_URL``, the migrations in ``migrations/``, what its
``Database`` runs after them, the events its handlers consume, its errors in
``exceptions.py``. ``python -m services.registry`` prints the names.
"""
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Callable

from services.chassis.config import db_url


@dataclass(frozen=True)
class ServiceEntry:
    name: str
    service_class: str  # "services.<name>.service:<Class>"

    @property
    def package(self) -> str:
        """``services.<name>``: its models, migrations and exceptions."""
        return self.service_class.partition(":")[0].rpartition(".")[0]

    @property
    def db_setting(self) -> str:
        return f"{self.name.upper()}_DB_URL"

    def db_url(self) -> str:
        return db_url(self.name)

    def load_class(self) -> type:
        module, _, name = self.service_class.partition(":")
        return getattr(import_module(module), name)

    def after_migrate(self) -> Callable[[Any], None] | None:
        """What the service's ``Database`` runs after its migrations (membership: the first admin)."""
        return self.load_class().db.after_migrate


# In the order their migrations run.
SERVICES: tuple[ServiceEntry, ...] = (
    ServiceEntry("membership", "services.membership.service:MembershipService"),
    ServiceEntry("courses", "services.courses.service:CoursesService"),
    ServiceEntry("support", "services.support.service:SupportService"),
    ServiceEntry("notifications", "services.notifications.service:NotificationsService"),
)


def names() -> tuple[str, ...]:
    return tuple(entry.name for entry in SERVICES)


if __name__ == "__main__":
    print(" ".join(names()))
