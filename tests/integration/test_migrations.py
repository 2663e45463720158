"""Each service's migrations build exactly the tables its models describe."""
from importlib import import_module

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.chassis.migrations import migrate
from services.registry import SERVICES

pytestmark = pytest.mark.integration


# The chassis probe carries the opt-in chassis tables (periodic jobs, deliveries) with migrations of its own.
PACKAGES = [(entry.name, entry.package) for entry in SERVICES] + [("chassis_probe", "tests.integration.probe")]


@pytest.mark.parametrize("name, package", PACKAGES, ids=[name for name, _ in PACKAGES])
def test_migrations_match_the_models(service_db, name: str, package: str):
    url = service_db(name)
    migrate(package, url)
    migrate(package, url)  # a second run finds nothing to do
    metadata = import_module(f"{package}.models").metadata
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
        # Alembic's comparison leaves out an index's INCLUDE columns.
        included = {(table.name, index.name): list(index.dialect_options["postgresql"]["include"] or [])
                    for table in metadata.tables.values() for index in table.indexes}
        built = {(table, index["name"]): index["include_columns"] for table in sa.inspect(conn).get_table_names()
                 for index in sa.inspect(conn).get_indexes(table) if (table, index["name"]) in included}
    engine.dispose()
    assert differences == []
    assert built == included


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
