"""Settings from the environment, each with a default that works locally."""
import os

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432"


def amqp_uri() -> str:
    return os.environ.get("AMQP_URI", DEFAULT_AMQP_URI)


def db_url(service: str) -> str:
    """The PostgreSQL URL of ``service``'s own database."""
    return os.environ.get(f"{service.upper()}_DB_URL", f"{DEFAULT_PG}/alliance_{service}")


def setting(name: str, default: str) -> str:
    return os.environ.get(name, default)


def int_setting(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def float_setting(name: str, default: float) -> float:
    return float(os.environ.get(name, default))
