from sqlalchemy import Boolean, Column, DateTime, Identity, Integer, MetaData, String, Table

from services.chassis.deliveries import add_delivery_tables
from services.chassis.periodic import add_job_tables
from services.chassis.tables import add_chassis_tables

metadata = MetaData()
add_chassis_tables(metadata)
jobs = add_job_tables(metadata)
deliveries, delivery_attempts = add_delivery_tables(metadata)

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
# What the periodic probe job writes, once per run.
ticks = Table(
    "ticks", metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
)
