"""Is a host on the internet? The SSRF guard of every URL we fetch or post to for a tenant.

A name that does not resolve counts as private: we never connect to what we could not
check. The check runs when a URL is saved and again before each connection, because a
name may resolve elsewhere later (DNS rebinding narrows the gap, it does not close it).
"""

import ipaddress
import socket


def host_is_private(hostname: str) -> bool:
    """True when any address of `hostname` is not globally routable (or none resolves)."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(hostname, None)}
    except (socket.gaierror, UnicodeError, ValueError):
        return True
    return not addresses or any(
        not ipaddress.ip_address(address.split("%")[0]).is_global for address in addresses
    )
