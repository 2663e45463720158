"""Each service's migrations build exactly the tables its models describe."""
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.chassis.migrations import migrate
from services.membership.models import metadata as membership

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("service, metadata", [("membership", membership)])
def test_migrations_match_the_models(service_db, service, metadata):
    url = service_db(service)
    migrate(f"services.{service}", url)
    migrate(f"services.{service}", url)  # a second run finds nothing to do
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert differences == []
