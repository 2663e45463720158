"""The microservice chassis shared by every Alliance Network service."""
