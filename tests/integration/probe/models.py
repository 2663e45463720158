from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table

from services.chassis.tables import add_chassis_tables

metadata = MetaData()
add_chassis_tables(metadata)

schools_seen = Table(
    "schools_seen", metadata,
    Column("event_id", String(36), primary_key=True),
    Column("urn", String(6), nullable=False),
)
# While a row says failing, the membership handler raises (to park events).
switch = Table(
    "switch", metadata,
    Column("id", Integer, primary_key=True),
    Column("failing", Boolean, nullable=False),
)
