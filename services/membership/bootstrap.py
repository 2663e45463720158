"""The first platform admin, from ADMIN_EMAIL / ADMIN_PASSWORD, when no user exists."""
import logging

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.chassis.config import setting
from services.chassis.database import Transaction
from services.membership.events import emit
from services.membership.models import users
from services.membership.passwords import hash_password

log = logging.getLogger(__name__)
DEFAULT_ADMIN_EMAIL = "admin@alliance.local"
DEFAULT_ADMIN_PASSWORD = "change-me-now"


def ensure_platform_admin(conn: Connection) -> None:
    if conn.execute(sa.select(users.c.id).limit(1)).first() is not None:
        return
    password = setting("ADMIN_PASSWORD", DEFAULT_ADMIN_PASSWORD)
    if password == DEFAULT_ADMIN_PASSWORD:
        log.warning("ADMIN_PASSWORD is not set: the platform admin has the default password")
    row = conn.execute(sa.insert(users).values(
        email=setting("ADMIN_EMAIL", DEFAULT_ADMIN_EMAIL), name="Platform admin",
        role="platform_admin", password_hash=hash_password(password),
    ).returning(*users.c)).mappings().one()
    emit(Transaction(conn, None), "user_created", row)
    log.info("created the platform admin")
