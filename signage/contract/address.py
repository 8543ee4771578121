"""Where a broker is: ``mqtt[s]://[user[:password]@]host[:port]`` URLs parsed and checked.

Shared by the connection every process opens and the tools that start or configure brokers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import SplitResult, unquote, urlsplit

DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}


@dataclass(frozen=True)
class BrokerAddress:
    """Where to reach a broker, parsed from an ``mqtt://`` or ``mqtts://`` URL."""

    scheme: str
    host: str
    port: int
    tls: bool
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # kept out of logs and tracebacks


def parse_broker_url(url: str) -> BrokerAddress:
    """``mqtt[s]://[user[:password]@]host[:port]``; anything else is a ValueError saying what's wrong."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"broker URL {url!r} must start with mqtt:// or mqtts://")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"broker URL {url!r} must not have a path, query or fragment")
    host = parts.hostname
    if not host:
        raise ValueError(f"broker URL {url!r} has no host (IPv6 addresses go in brackets: mqtt://[::1]:1883)")
    username = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    if password is not None and not username:
        raise ValueError(f"broker URL {url!r} has a password but no user name")
    return BrokerAddress(scheme, host, _port(parts, url, DEFAULT_PORTS[scheme]), scheme == "mqtts",
                         username, password)


def _port(parts: SplitResult, url: str, default: int) -> int:
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"broker URL {url!r} has an invalid port (IPv6 addresses go in brackets)") from None
    if port == 0:
        raise ValueError(f"broker URL {url!r} has port 0")
    return default if port is None else port
