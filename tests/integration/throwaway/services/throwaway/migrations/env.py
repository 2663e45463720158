from services.chassis.migrations import run_alembic_env
from services.throwaway.models import metadata

run_alembic_env(metadata)
