"""Create every service's database, migrate it, create the first platform admin,
and declare every service's event queues on the broker.

Run once before the services start (compose's ``migrate`` service, ``make up``).
Each service also runs the same migrations at start, so this is a no-op for
a database already at head. The services are those of ``services/registry.py``.
"""
import logging
import sys

from services.chassis.config import amqp_uri
from services.chassis.event_queues import declare_event_queues
from services.chassis.migrations import migrate
from services.registry import SERVICES


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    for entry in SERVICES:
        migrate(entry.package, entry.db_url(), after=entry.after_migrate())
        logging.info("%s: database ready", entry.name)
    for entry in SERVICES:
        queues = declare_event_queues(entry.load_class(), amqp_uri())
        logging.info("%s: %d event queues declared", entry.name, len(queues))
    return 0


if __name__ == "__main__":
    sys.exit(main())
