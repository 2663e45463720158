"""A small service that consumes membership events, for testing the chassis' handlers."""
