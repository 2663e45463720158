"""A booking rush under faults, and a checker that counts what was lost or doubled (``make chaos``)."""
