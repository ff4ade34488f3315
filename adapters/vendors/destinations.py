"""Where our server may send a request a platform asked for (its callbackUrl): not into our own network.

Refused: loopback (allowed in the sandbox, for local tests), private, link-local, shared (CGNAT), reserved,
multicast and unspecified addresses, and the cloud metadata endpoints by name and address — IPv4-mapped and
NAT64 IPv6 forms included. Production requires https.

Checked twice: at registration (the literal address, and every address the name resolves to now) and again at
every delivery, after resolving the name afresh (a name that later points inside is refused then). Delivery
connects to the very address that was checked (the URL's host is replaced by it; Host and TLS SNI keep the name,
and the certificate is verified against the name), so DNS rebinding between check and connect does not reach
inside. What remains: a platform's own server may forward or proxy what it receives; and redirects are not
followed at all (a 3xx is a failed delivery)."""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from domain.commerce.catalogue import InvalidCallbackUrl

Resolver = Callable[[str, int], Awaitable[list[str]]]

RESOLVE_TIMEOUT_SECONDS = 5.0
METADATA_HOSTS = frozenset({"metadata", "metadata.google.internal", "metadata.goog", "instance-data",
                            "instance-data.ec2.internal"})
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254",  # AWS, GCP, Azure, OpenStack, Tencent Cloud (link-local anyway)
    "100.100.100.200",  # Alibaba Cloud (shared address space anyway)
    "169.254.170.2",  # AWS ECS task metadata
    "fd00:ec2::254",  # AWS over IPv6 (unique-local anyway)
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NUMERIC = re.compile(r"[0-9a-fx.]+")


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address of the name; getaddrinfo runs in the event loop's thread pool, off the loop."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class UnsafeDestination(Exception):
    """The URL is not one we send to (now)."""


@dataclass(frozen=True)
class Destination:
    url: str  # as registered
    scheme: str
    host: str  # the name, for Host and SNI
    port: int
    address: str  # the checked address to connect to


def _unwrapped(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if ip.sixtofour is not None:
            return ip.sixtofour
    return ip


class DestinationGuard:
    def __init__(self, *, allow_http: bool, allow_loopback: bool, resolver: Resolver = system_resolver) -> None:
        self.allow_http, self.allow_loopback, self._resolver = allow_http, allow_loopback, resolver

    def address_allowed(self, address: str) -> bool:
        try:
            ip = _unwrapped(ipaddress.ip_address(address.split("%", 1)[0]))
        except ValueError:
            return False
        if ip in METADATA_ADDRESSES:
            return False
        if ip.is_loopback:
            return self.allow_loopback
        return ip.is_global and not ip.is_multicast

    def _parts(self, url: str) -> tuple[str, str, int]:
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), (parts.hostname or "").rstrip(".").lower()
        if scheme not in ("http", "https") or not host:
            raise UnsafeDestination("not an http(s) URL")
        if scheme == "http" and not self.allow_http:
            raise UnsafeDestination("https is required")
        if host in METADATA_HOSTS:
            raise UnsafeDestination("a metadata service")
        return scheme, host, parts.port or (443 if scheme == "https" else 80)

    async def _addresses(self, host: str, port: int) -> list[str]:
        try:
            return [str(ipaddress.ip_address(host))]  # a literal address is not looked up
        except ValueError:
            pass
        if _NUMERIC.fullmatch(host):
            # 2130706433, 0x7f.1, 127.1: what inet_aton (and so the connect) reads as an IPv4 address.
            try:
                return [socket.inet_ntoa(socket.inet_aton(host))]
            except OSError:
                pass
        return await asyncio.wait_for(self._resolver(host, port), RESOLVE_TIMEOUT_SECONDS)

    async def resolve(self, url: str) -> Destination:
        """For a delivery: every address the name has now must be allowed; the first is the one to connect to."""
        scheme, host, port = self._parts(url)
        try:
            addresses = await self._addresses(host, port)
        except (OSError, TimeoutError, UnicodeError) as exc:
            raise UnsafeDestination(f"cannot resolve ({type(exc).__name__})") from None
        if not addresses:
            raise UnsafeDestination("no address")
        if refused := [a for a in addresses if not self.address_allowed(a)]:
            raise UnsafeDestination(f"an address inside ({refused[0]})")
        return Destination(url=url, scheme=scheme, host=host, port=port, address=addresses[0])

    async def check_registration(self, url: str) -> None:
        """The port of RegisterPlatform: refuses with InvalidCallbackUrl. A name that does not resolve yet is
        accepted (the platform may publish it later); every delivery checks again."""
        try:
            scheme, host, port = self._parts(url)
        except UnsafeDestination:
            raise InvalidCallbackUrl(_message(self.allow_http), field="callbackUrl") from None
        try:
            addresses = await self._addresses(host, port)
        except (OSError, TimeoutError, UnicodeError):
            return
        if any(not self.address_allowed(a) for a in addresses):
            raise InvalidCallbackUrl("回调地址不能指向内网、本机、链路本地或云平台元数据地址", field="callbackUrl")


def _message(allow_http: bool) -> str:
    return ("回调地址须为不含用户名和密码的 http 或 https 地址" if allow_http
            else "回调地址须为 https 地址，且不能指向内网或云平台元数据地址")
