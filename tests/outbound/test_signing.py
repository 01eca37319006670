"""Standard Webhooks signatures, checked by an independent implementation."""

from __future__ import annotations

import base64

from bot.outbound import signing
from tests.services.webhooks.conftest import independent_verify


def test_generated_secrets_are_whsec_base64_of_32_random_bytes() -> None:
    a, b = signing.generate_secret(), signing.generate_secret()
    assert a != b
    assert a.startswith("whsec_")
    assert len(base64.b64decode(a.removeprefix("whsec_"), validate=True)) == 32


def test_a_whsec_secret_signs_with_its_decoded_bytes() -> None:
    secret = signing.generate_secret()
    body = '{"type":"sign_on","data":{"city":"Zürich"}}'.encode()
    headers = signing.signed_headers(secret, "evt_1", 1_700_000_000, body)
    assert headers["webhook-id"] == "evt_1"
    assert headers["webhook-timestamp"] == "1700000000"
    assert headers["webhook-signature"].startswith("v1,")
    assert independent_verify(secret, headers, body)
    assert not independent_verify(secret, headers, body + b" ")
    tampered = {**headers, "webhook-timestamp": "1700000001"}
    assert not independent_verify(secret, tampered, body)


def test_the_standard_webhooks_reference_vector() -> None:
    # The example from the Standard Webhooks specification's test suite.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert signing.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == expected


def test_a_plain_secret_signs_with_its_utf8_bytes() -> None:
    secret = "my-own-long-secret-value"
    body = b"{}"
    headers = signing.signed_headers(secret, "evt_2", 1, body)
    assert independent_verify(secret, headers, body)
