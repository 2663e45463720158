"""Which URLs a webhook may target: http(s) to public addresses only, unless the operator allows private ones.

A target whose name resolves to a loopback, link-local, private, shared,
reserved or multicast address is refused (a webhook must not reach into our
own network: SSRF), when it is created and again before each send, since a
name may resolve elsewhere later. ``WEBHOOK_ALLOW_PRIVATE=1`` lifts this for
a machine whose receivers are local (tests, a local ``make up``).
"""
import ipaddress
import socket
from typing import Callable
from urllib.parse import urlsplit

from services.chassis.config import setting

Resolver = Callable[[str, int], list[str]]


def allow_private() -> bool:
    return setting("WEBHOOK_ALLOW_PRIVATE", "0").lower() in ("1", "true", "yes")


def resolve(host: str, port: int) -> list[str]:
    return sorted({info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)})


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def why_refused(url: str, private_allowed: bool, resolver: Resolver = resolve) -> str | None:
    """None when ``url`` may be posted to, else the reason."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "not a URL"
    if parts.scheme not in ("http", "https"):
        return "only http and https URLs"
    if not parts.hostname:
        return "the URL has no host"
    if parts.username or parts.password:
        return "no user or password in the URL: the signature authenticates us"
    if private_allowed:
        return None
    try:
        addresses = resolver(parts.hostname, port)
    except (OSError, UnicodeError):
        return f"{parts.hostname} does not resolve"
    if not addresses:
        return f"{parts.hostname} does not resolve"
    if not all(is_public(address) for address in addresses):
        return f"{parts.hostname} resolves to a loopback, private or reserved address"
    return None
