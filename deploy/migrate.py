"""Create every service's database, migrate it, and create the first platform admin.

Run once before the services start (compose's ``migrate`` service, ``make up``).
Each service also runs the same migrations at start, so this is a no-op for
a database already at head.
"""
import logging
import sys

from services.chassis.config import db_url
from services.chassis.migrations import migrate
from services.membership.bootstrap import ensure_platform_admin

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
