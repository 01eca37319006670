"""Which URLs may receive webhooks: every refused form, with WEBHOOKS_ALLOW_PRIVATE off."""

from __future__ import annotations

import asyncio

import pytest

from bot.outbound import urls
from bot.outbound.urls import HostNotFound, URLRefused, check_url


def resolving_to(*addresses: str) -> urls.Resolver:
    """An injected resolver: no real DNS in tests."""
    calls: list[tuple[str, int]] = []

    async def resolve(host: str, port: int) -> list[str]:
        calls.append((host, port))
        return list(addresses)

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


PUBLIC = resolving_to("93.184.216.34")

REFUSED = [
    # scheme, userinfo, port
    ("http://hooks.example.org/x", "https://"),
    ("ftp://hooks.example.org/x", "https://"),
    ("https://user:hunter2@hooks.example.org/", "user name or password"),
    ("https://user@hooks.example.org/", "user name or password"),
    ("https://hooks.example.org:8443/", "default https port"),
    ("https://hooks.example.org:80/", "default https port"),
    # local names
    ("https://localhost/", "local name"),
    ("https://LOCALHOST./", "local name"),
    ("https://api.localhost/", "local name"),
    ("https://printer.local/", "local name"),
    ("https://metadata.google.internal/", "local name"),
    ("https://intranet/", "no domain"),
    # literal addresses
    ("https://127.0.0.1/", "loopback"),
    ("https://10.1.2.3/", "private"),
    ("https://172.16.0.1/", "private"),
    ("https://192.168.1.1/", "private"),
    ("https://169.254.169.254/latest/meta-data", "link-local"),
    ("https://100.64.0.1/", "carrier-grade NAT"),
    ("https://100.127.255.254/", "carrier-grade NAT"),
    ("https://0.0.0.0/", "unspecified"),
    ("https://224.0.0.1/", "multicast"),
    ("https://239.255.255.250/", "multicast"),
    ("https://240.0.0.1/", "private"),  # reserved; Python files 240/4 under private too
    ("https://255.255.255.255/", "private"),
    ("https://192.0.2.1/", "private"),  # documentation range
    ("https://198.18.0.1/", "private"),  # benchmarking range
    # numeric spellings of 127.0.0.1
    ("https://2130706433/", "numeric spelling"),
    ("https://0x7f.1/", "numeric spelling"),
    ("https://0x7f000001/", "numeric spelling"),
    ("https://127.1/", "numeric spelling"),
    ("https://127.0.1/", "numeric spelling"),
    ("https://0177.0.0.1/", "numeric spelling"),
    ("https://017700000001/", "numeric spelling"),
    ("https://0x7f.0x0.0x0.0x1/", "numeric spelling"),
    ("https://127.0.0.1./", "loopback"),
    # IPv6 and IPv4 inside IPv6
    ("https://[::1]/", "loopback"),
    ("https://[::]/", "unspecified"),
    ("https://[fe80::1]/", "link-local"),
    ("https://[fe80::1%25eth0]/", "zone"),
    ("https://[fc00::1]/", "private"),
    ("https://[fd12:3456::1]/", "private"),
    ("https://[ff02::1]/", "multicast"),
    ("https://[fec0::1]/", "site-local"),
    ("https://[::ffff:127.0.0.1]/", "loopback"),
    ("https://[::ffff:7f00:1]/", "loopback"),
    ("https://[::ffff:169.254.169.254]/", "link-local"),
    ("https://[::ffff:10.0.0.1]/", "private"),
    ("https://[::127.0.0.1]/", "loopback"),  # IPv4-compatible
    ("https://[::10.0.0.1]/", "private"),
    ("https://[2002:7f00:1::]/", "loopback"),  # 6to4 of 127.0.0.1
    ("https://[2002:a9fe:a9fe::]/", "link-local"),  # 6to4 of 169.254.169.254
    ("https://[64:ff9b::127.0.0.1]/", "loopback"),  # NAT64
    ("https://[64:ff9b::a00:1]/", "private"),
    ("https://[64:ff9b:1::a00:1]/", "NAT64"),
    # malformed
    ("https://hooks.example.org\\@127.0.0.1/", "backslash"),
    ("https://hooks example.org/", "spaces"),
    ("https://hooks.exa%6dple.org/", "percent"),
    ("", "empty"),
    ("hooks.example.org/x", "https://"),
]


@pytest.mark.parametrize(("url", "why"), REFUSED, ids=[u or "empty" for u, _ in REFUSED])
async def test_refused_forms(url: str, why: str) -> None:
    resolver = resolving_to("93.184.216.34")
    with pytest.raises(URLRefused) as refused:
        await check_url(url, allow_private=False, resolver=resolver)
    assert why.lower() in refused.value.message.lower()
    assert refused.value.message.startswith("I can't send webhooks to that URL")
    assert "hunter2" not in refused.value.message  # no userinfo echoed back
    assert resolver.calls == []  # type: ignore[attr-defined]  # refused before any DNS


PRIVATE_ANSWERS = [
    ("127.0.0.1", "loopback"),
    ("10.0.0.7", "private"),
    ("169.254.169.254", "link-local"),
    ("100.100.100.200", "carrier-grade NAT"),
    ("::1", "loopback"),
    ("::ffff:192.168.0.1", "private"),
    ("fd00::5", "private"),
    ("0.0.0.0", "unspecified"),
]


@pytest.mark.parametrize(("address", "why"), PRIVATE_ANSWERS)
async def test_a_public_name_resolving_to_a_private_address_is_refused(
    address: str, why: str
) -> None:
    with pytest.raises(URLRefused) as refused:
        await check_url(
            "https://rebind.example.org/hook",
            allow_private=False,
            resolver=resolving_to("93.184.216.34", address),
        )
    assert why.lower() in refused.value.message.lower()
    assert "rebind.example.org" in refused.value.message


async def test_a_public_name_is_pinned_to_the_checked_address() -> None:
    resolver = resolving_to("93.184.216.34", "2606:2800:220:1::1")
    target = await check_url(
        "https://Hooks.Example.org./in/coalition?token=s3cret#frag",
        allow_private=False,
        resolver=resolver,
    )
    assert resolver.calls == [("hooks.example.org", 443)]  # type: ignore[attr-defined]
    assert str(target.request_url) == "https://93.184.216.34/in/coalition?token=s3cret"
    assert target.host_header == "hooks.example.org"
    assert target.extensions == {"sni_hostname": "hooks.example.org"}


async def test_international_names_are_resolved_in_their_ascii_form() -> None:
    resolver = resolving_to("93.184.216.34")
    target = await check_url("https://bücher.example/", allow_private=False, resolver=resolver)
    assert resolver.calls == [("xn--bcher-kva.example", 443)]  # type: ignore[attr-defined]
    assert target.host_header == "xn--bcher-kva.example"


async def test_public_literal_addresses_need_no_lookup() -> None:
    resolver = resolving_to()
    v4 = await check_url("https://93.184.216.34/x", allow_private=False, resolver=resolver)
    v6 = await check_url("https://[2606:4700::1111]/x", allow_private=False, resolver=resolver)
    assert v4.sni_hostname is None and v4.address == "93.184.216.34"
    assert str(v6.request_url) == "https://[2606:4700::1111]/x"
    assert resolver.calls == []  # type: ignore[attr-defined]


async def test_the_setting_allows_http_ports_and_private_addresses() -> None:
    target = await check_url(
        "http://127.0.0.1:8080/hook", allow_private=True, resolver=resolving_to()
    )
    assert str(target.request_url) == "http://127.0.0.1:8080/hook"
    assert target.host_header == "127.0.0.1:8080"
    named = await check_url(
        "http://receiver:9000/h", allow_private=True, resolver=resolving_to("10.0.0.9")
    )
    assert named.host_header == "receiver:9000" and named.address == "10.0.0.9"
    # Userinfo and odd numeric spellings stay refused whatever the setting.
    for url in ("http://u:p@127.0.0.1/", "http://2130706433/", "http://0x7f.1/"):
        with pytest.raises(URLRefused):
            await check_url(url, allow_private=True, resolver=resolving_to())


async def test_a_lookup_failure_is_not_a_refusal() -> None:
    async def failing(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(HostNotFound) as missing:
        await check_url("https://nowhere.example.org/", allow_private=False, resolver=failing)
    assert "nowhere.example.org" in missing.value.message
    with pytest.raises(HostNotFound):
        await check_url(
            "https://nowhere.example.org/", allow_private=False, resolver=resolving_to()
        )


async def test_a_hanging_lookup_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(urls, "DNS_TIMEOUT", 0.05)

    async def hanging(host: str, port: int) -> list[str]:
        await asyncio.Event().wait()
        return []

    with pytest.raises(HostNotFound):
        await check_url("https://slow.example.org/", allow_private=False, resolver=hanging)


async def test_the_default_resolver_uses_the_event_loop_and_answers_numeric_hosts() -> None:
    # A numeric host needs no DNS server, so this runs offline.
    assert await urls.system_resolver("127.0.0.1", 443) == ["127.0.0.1"]


def test_display_host_never_shows_path_query_or_userinfo() -> None:
    assert urls.display_host("https://u:p@hooks.example.org/a/b?token=x") == "hooks.example.org"
    assert urls.display_host("http://[::1]:8080/x") == "[::1]"
