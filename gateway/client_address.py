"""The client's address, for the sign-in limits.

The peer's address, unless the peer is a proxy named in ``TRUSTED_PROXIES``
(comma-separated addresses or networks, e.g. ``10.0.0.0/8,127.0.0.1``; empty
by default): then ``X-Forwarded-For`` is read from the right, skipping the
trusted proxies, and the first other address is the client. Without that
setting the header is ignored, since any client can send it.
"""
import ipaddress
from functools import lru_cache

from werkzeug.wrappers import Request

from services.chassis.config import setting

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _trusted(names: str) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(name.strip(), strict=False) for name in names.split(",") if name.strip())


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    parsed = _ip(address)
    return parsed is not None and any(parsed in network for network in trusted)


def client_address(request: Request) -> str:
    address = request.remote_addr or "unknown"
    trusted = _trusted(setting("TRUSTED_PROXIES", ""))
    hops = request.headers.get("X-Forwarded-For", "").split(",")
    while _is_trusted(address, trusted) and hops and _ip(hops[-1]) is not None:
        address = hops.pop().strip()
    return address
