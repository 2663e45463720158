from services.chassis.migrations import run_alembic_env
from tests.integration.probe.models import metadata

run_alembic_env(metadata)
