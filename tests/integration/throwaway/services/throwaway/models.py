from sqlalchemy import Column, Integer, MetaData, String, Table

from services.chassis.tables import add_chassis_tables

metadata = MetaData()
add_chassis_tables(metadata)

notes = Table(
    "notes", metadata,
    Column("id", Integer, primary_key=True),
    Column("text", String(200), nullable=False),
)
