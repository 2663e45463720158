"""Each service's migrations build exactly the tables its models describe."""
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.chassis.migrations import migrate
from services.courses.models import metadata as courses
from services.membership.models import metadata as membership

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("service, metadata", [("membership", membership), ("courses", courses)])
def test_migrations_match_the_models(service_db, service, metadata):
    url = service_db(service)
    migrate(f"services.{service}", url)
    migrate(f"services.{service}", url)  # a second run finds nothing to do
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert differences == []


def test_the_database_refuses_an_overbooked_course(service_db):
    url = service_db("courses")
    migrate("services.courses", url)
    engine = sa.create_engine(url)
    insert = sa.text(
        "INSERT INTO courses (alliance_id, region_id, title, programme, area, visibility, capacity,"
        " price_member_pence, price_non_member_pence, confirmed_count)"
        " VALUES (gen_random_uuid(), gen_random_uuid(), 't', 'other', 'cpd', 'public', 2, 0, 0, :n)")
    with engine.begin() as conn:
        conn.execute(insert, {"n": 2})
    with pytest.raises(sa.exc.IntegrityError, match="ck_courses_places"):
        with engine.begin() as conn:
            conn.execute(insert, {"n": 3})
    engine.dispose()
