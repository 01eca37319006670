"""Outbound webhooks: signing, URL safety and the delivery runtime (httpx, no Discord).

- ``signing``: Standard Webhooks signatures (``webhook-id``, ``webhook-timestamp``,
  ``webhook-signature: v1,<base64 HMAC-SHA256>``) and secret generation.
- ``urls``: which URLs may receive deliveries, DNS resolution off the event loop, and the
  pinned request target (connect to the address that was checked, SNI/Host = the hostname).
- ``sender``: one HTTP attempt with a total deadline and a capped response read.
- ``runtime``: the outbox worker: claims due deliveries atomically, retries with backoff,
  marks failures, pauses webhooks that keep failing and tells coordinators.
"""
