"""Create every service's database, migrate it, create the first platform admin,
and declare every service's event queues on the broker.

Run once before the services start (compose's ``migrate`` service, ``make up``).
Each service also runs the same migrations at start, so this is a no-op for
a database already at head.
"""
import logging
import sys

from services.chassis.config import amqp_uri, db_url
from services.chassis.event_queues import declare_event_queues
from services.chassis.migrations import migrate
from services.courses.service import CoursesService
from services.membership.bootstrap import ensure_platform_admin

# Services that consume events: their queues exist before anything is published.
CONSUMERS = (CoursesService,)
# Services with a database, in the order their migrations run.
MIGRATIONS = {
    "membership": ensure_platform_admin,
    "courses": None,
}


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    for service, after in MIGRATIONS.items():
        migrate(f"services.{service}", db_url(service), after=after)
        logging.info("%s: database ready", service)
    for consumer in CONSUMERS:
        queues = declare_event_queues(consumer, amqp_uri())
        logging.info("%s: %d event queues declared", consumer.name, len(queues))
    return 0


if __name__ == "__main__":
    sys.exit(main())
