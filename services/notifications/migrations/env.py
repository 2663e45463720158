from services.chassis.migrations import run_alembic_env
from services.notifications.models import metadata

run_alembic_env(metadata)
