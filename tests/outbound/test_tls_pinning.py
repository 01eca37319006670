"""The request goes to the checked address, while TLS still verifies the hostname (SNI)."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from bot.outbound import sender, signing
from bot.outbound.urls import check_url

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl CLI")

HOST = "hooks.example.test"


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl(
        "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=Webhook Test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=d,
    )  # fmt: skip
    _openssl("req", *ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", f"/CN={HOST}", cwd=d)
    (d / "ext.cnf").write_text(f"subjectAltName=DNS:{HOST}\n")
    _openssl(
        "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "leaf.pem", "-days", "2", "-extfile", "ext.cnf",
        cwd=d,
    )  # fmt: skip
    return d


@pytest.fixture
async def tls_server(certs: Path) -> AsyncIterator[tuple[int, list[dict[str, str | None]]]]:
    seen: list[dict[str, str | None]] = []
    sni: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certs / "leaf.pem", certs / "leaf.key")
    context.sni_callback = lambda _sock, name, _ctx: sni.append(name)  # type: ignore[assignment]

    async def handle(request: web.Request) -> web.Response:
        seen.append({"host": request.headers.get("Host"), "sni": sni[-1] if sni else None})
        return web.Response(status=202)

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield port, seen
    finally:
        await runner.cleanup()


async def _post(certs: Path, url: str, answer: str) -> sender.AttemptResult:
    async def resolver(host: str, port: int) -> list[str]:
        return [answer]

    # allow_private: the test server listens on 127.0.0.1 and a non-default port.
    target = await check_url(url, allow_private=True, resolver=resolver)
    assert target.address == answer
    body = b"{}"
    headers = signing.signed_headers(signing.generate_secret(), "evt_tls", 1, body)
    verify = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    async with httpx.AsyncClient(verify=verify, trust_env=False) as client:
        return await sender.post(client, target, headers, body, deadline=5)


async def test_the_pinned_address_is_used_with_host_and_sni_of_the_name(certs, tls_server) -> None:
    port, seen = tls_server
    result = await _post(certs, f"https://{HOST}:{port}/hook", "127.0.0.1")
    assert result.ok and result.status_code == 202
    assert seen == [{"host": f"{HOST}:{port}", "sni": HOST}]


async def test_the_certificate_must_match_the_hostname_not_the_address(certs, tls_server) -> None:
    port, seen = tls_server
    result = await _post(certs, f"https://other.example.test:{port}/hook", "127.0.0.1")
    assert not result.ok and result.status_code is None and result.retryable
    assert seen == []
