"""Which URLs may receive webhook deliveries, and where exactly to connect.

Without ``WEBHOOKS_ALLOW_PRIVATE`` a URL must be ``https`` on the default port, name a host
(not ``localhost`` or a single-label intranet name), carry no user:password, and every address
its host resolves to must be globally routable: no loopback, private, link-local (cloud
metadata at 169.254.169.254), unique-local, multicast, unspecified, reserved or carrier-grade
NAT address, including the same addresses wrapped in IPv6 (IPv4-mapped, -compatible, 6to4,
NAT64). Odd numeric spellings of IPv4 addresses (``2130706433``, ``0x7f.1``, ``127.1``,
``0177.0.0.1``) are refused whatever the setting, because different parsers read them
differently.

The request then goes to the address that was checked (``https://<ip>/path``) with the
``Host`` header and TLS SNI set to the hostname, so the certificate is still verified against
the hostname and no second DNS lookup can swap the address (DNS rebinding). Each pinned
request asks for ``Connection: close``: a pooled connection opened for one hostname is never
reused for another hostname on the same address without its own certificate check.

The resolver is injectable: ``Resolver = async (host, port) -> [address, ...]``. The default
uses ``loop.getaddrinfo`` so the event loop never blocks on DNS.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from bot.errors import InvalidInput
from bot.settings import DNS_TIMEOUT

Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LEN = 2000

_BLOCKED_SUFFIXES = (
    ".localhost",
    ".local",
    ".localdomain",
    ".internal",
    ".intranet",
    ".home.arpa",
    ".arpa",
)
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_NUMERIC_LABEL = re.compile(r"^(?:[0-9]+|0x[0-9a-f]*)$")
_NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
_NUMERIC_SPELLING = (
    "the host is an unusual numeric spelling of an address; write the host name instead"
)


class URLRefused(InvalidInput):
    """The URL may not receive webhooks (permanent: fix the URL or the setting)."""


class HostNotFound(InvalidInput):
    """The hostname did not resolve (may be temporary at delivery time)."""


@dataclass(frozen=True, slots=True)
class CheckedURL:
    """A URL that passed the static checks (before DNS)."""

    url: httpx.URL
    scheme: str
    host: str  # ASCII (IDNA) hostname or IP literal, lower case, no trailing dot
    port: int  # effective port
    literal: IPAddress | None  # the host is an IP literal


@dataclass(frozen=True, slots=True)
class Target:
    """Where one request goes: the checked address, and the names the server must see."""

    request_url: httpx.URL  # scheme://<address>:<port>/path?query
    host_header: str
    sni_hostname: str | None  # for TLS to an address: verify the certificate for this name
    address: str

    @property
    def extensions(self) -> dict[str, str]:
        return {"sni_hostname": self.sni_hostname} if self.sni_hostname else {}


async def system_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in seen:
            seen.append(address)
    return seen


def display_host(url: str) -> str:
    """The host alone, for lists and messages: never the path, query or user:password."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return "(invalid URL)"
    host = parsed.host or "(no host)"
    return f"[{host}]" if ":" in host else host


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    packed = ip.packed
    if packed[:12] == bytes(12) or ip in _NAT64_WELL_KNOWN:  # IPv4-compatible, NAT64
        return ipaddress.IPv4Address(packed[12:])
    return None


def address_problem(ip: IPAddress) -> str | None:
    """Why deliveries may not go to ``ip`` (None when it is a public address)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return "an IPv6 address with a zone"
        if ip in _NAT64_LOCAL:
            return "a local NAT64 address"
        inner = None if ip.is_loopback or ip.is_unspecified else _embedded_ipv4(ip)
        if inner is not None:
            problem = address_problem(inner)
            return f"{problem} (inside an IPv6 address)" if problem else None
    if ip.is_unspecified:
        return "the unspecified address"
    if ip.is_loopback:
        return "a loopback address (this machine)"
    if ip.is_link_local:
        return "a link-local address (such as the cloud metadata service)"
    if ip.is_multicast:
        return "a multicast address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "a carrier-grade NAT address (100.64.0.0/10)"
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return "a site-local address"
    if ip.is_private:
        return "a private-network address"
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global:
        return "an address that is not publicly routable"
    return None


def _refuse(reason: str) -> URLRefused:
    return URLRefused(f"I can't send webhooks to that URL: {reason}.")


def parse_url(raw: str, *, allow_private: bool) -> CheckedURL:
    """The static checks: scheme, userinfo, port, host spelling. Raises URLRefused."""
    text = (raw or "").strip()
    if not text:
        raise _refuse("it is empty. Give a full URL such as https://example.org/hooks")
    if len(text) > MAX_URL_LEN:
        raise _refuse(f"it is longer than {MAX_URL_LEN:,} characters")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 or c == "\\" for c in text):
        raise _refuse("it contains spaces, backslashes or control characters")
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        if "IPv4" in str(exc):
            raise _refuse(_NUMERIC_SPELLING) from None
        raise _refuse(f"it is not a valid URL ({exc})") from None
    scheme = url.scheme
    if scheme not in ("https", "http"):
        raise _refuse("only https:// URLs are accepted")
    if scheme == "http" and not allow_private:
        raise _refuse("only https:// URLs are accepted (http:// would send events unencrypted)")
    if url.userinfo:
        raise _refuse("it contains a user name or password (user:password@); remove it")
    host = url.raw_host.decode("ascii").lower().rstrip(".")
    if not host:
        raise _refuse("it has no host name")
    if "%" in host:
        raise _refuse("the host name contains percent-escapes or a zone id")
    if url.port is not None and not allow_private:
        raise _refuse("only the default https port (443) is allowed; remove the :port")
    port = url.port or (443 if scheme == "https" else 80)

    literal: IPAddress | None = None
    if ":" in host:
        try:
            literal = ipaddress.IPv6Address(host.strip("[]"))
        except ValueError:
            raise _refuse("the IPv6 address is not valid") from None
    elif _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]):
        # The last label is a number, so browsers and socket libraries read the host as an IPv4
        # address, in decimal, octal or hex, with 1 to 4 parts. Accept only a plain dotted quad.
        try:
            literal = ipaddress.IPv4Address(host)
        except ValueError:
            literal = None
        if literal is None or str(literal) != host:
            raise _refuse(_NUMERIC_SPELLING)
    else:
        labels = host.split(".")
        if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
            raise _refuse("the host name is not valid")
        if not allow_private:
            if host == "localhost" or host.endswith(_BLOCKED_SUFFIXES):
                raise _refuse(f"{host} is a local name, not a public host")
            if len(labels) < 2:
                raise _refuse(f"{host} is not a public host name (it has no domain)")
    if literal is not None and not allow_private:
        problem = address_problem(literal)
        if problem:
            raise _refuse(f"{literal} is {problem}")
    return CheckedURL(url=url, scheme=scheme, host=host, port=port, literal=literal)


async def resolve(
    checked: CheckedURL, *, allow_private: bool, resolver: Resolver = system_resolver
) -> Target:
    """Resolve the host (unless it is an address) and check every address it has."""
    if checked.literal is not None:
        address: IPAddress = checked.literal
    else:
        try:
            async with asyncio.timeout(DNS_TIMEOUT):
                found = await resolver(checked.host, checked.port)
        except (OSError, TimeoutError) as exc:
            raise HostNotFound(
                f"I couldn't look up {checked.host} ({type(exc).__name__}). "
                "Check the spelling, or try again later."
            ) from None
        addresses: list[IPAddress] = []
        for item in found:
            try:
                addresses.append(ipaddress.ip_address(item))
            except ValueError:
                raise _refuse(
                    f"{checked.host} resolved to something that is not an address"
                ) from None
        if not addresses:
            raise HostNotFound(f"I couldn't look up {checked.host}: it has no address.")
        if not allow_private:
            for ip in addresses:
                problem = address_problem(ip)
                if problem:
                    raise _refuse(f"{checked.host} resolves to {ip}, {problem}")
        address = addresses[0]
    default_port = 443 if checked.scheme == "https" else 80
    shown = f"[{checked.host}]" if ":" in checked.host else checked.host
    host_header = shown if checked.port == default_port else f"{shown}:{checked.port}"
    sni = checked.host if checked.scheme == "https" and checked.literal is None else None
    return Target(
        request_url=checked.url.copy_with(host=str(address), fragment=None),
        host_header=host_header,
        sni_hostname=sni,
        address=str(address),
    )


async def check_url(
    raw: str, *, allow_private: bool, resolver: Resolver = system_resolver
) -> Target:
    """Both checks, as done when a webhook is added and again before every delivery."""
    checked = parse_url(raw, allow_private=allow_private)
    return await resolve(checked, allow_private=allow_private, resolver=resolver)
