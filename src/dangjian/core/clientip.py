"""The client's address, also behind a reverse proxy that the deployment trusts.

Without trusted proxies the address is the connection's (`REMOTE_ADDR`); a forwarding header is then
ignored, since any client could send one. When the connection comes from a trusted proxy, the header the
proxy sets (X-Forwarded-For by default) is read from the right: the first address that is not itself a
trusted proxy is the client. Lock-out after failed logins and the audit log both key on this address.
"""

import ipaddress
from functools import cache

from django.conf import settings

type Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _trusted(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.partition(":")[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _is_trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str | None:
    """The address of the client behind any trusted proxies (see the module's docstring)."""
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _trusted(tuple(settings.DANGJIAN_TRUSTED_PROXIES))
    address = _parse(remote) if remote else None
    if address is None or not networks or not _is_trusted(address, networks):
        return remote
    header = "HTTP_" + settings.DANGJIAN_CLIENT_IP_HEADER.upper().replace("-", "_")
    hops = [hop for hop in request.META.get(header, "").split(",") if hop.strip()]
    for hop in reversed(hops):
        found = _parse(hop)
        if found is None:
            return remote  # a garbled header: keep the one address we know
        if not _is_trusted(found, networks):
            return str(found)
    return str(_parse(hops[0])) if hops else remote
