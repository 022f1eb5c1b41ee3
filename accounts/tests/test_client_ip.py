"""The client address is the one the server was given (REMOTE_ADDR), never a request header.

Behind a proxy, gunicorn/uvicorn replace REMOTE_ADDR from X-Forwarded-For only when the peer
is in FORWARDED_ALLOW_IPS (fastopp_site/tests/test_forwarded_boundary.py runs that server).
"""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from accounts.access import client_ip

SPOOFED = {
    "X-Forwarded-For": "203.0.113.9",
    "X-Real-IP": "203.0.113.10",
    "Forwarded": "for=203.0.113.11;proto=https",
    "Fly-Client-IP": "203.0.113.12",
    "X-Envoy-External-Address": "203.0.113.13",
    "True-Client-IP": "203.0.113.14",
    "CF-Connecting-IP": "203.0.113.15",
    "Client-IP": "203.0.113.16",
}


@pytest.mark.parametrize("header", sorted(SPOOFED))
def test_a_client_written_header_does_not_change_the_address(header: str) -> None:
    request = RequestFactory().get("/", headers={header: SPOOFED[header]}, REMOTE_ADDR="192.0.2.7")
    assert client_ip(request) == "192.0.2.7"


def test_all_spoofed_headers_at_once_change_nothing() -> None:
    request = RequestFactory().get("/", headers=SPOOFED, REMOTE_ADDR="2001:db8::7")
    assert client_ip(request) == "2001:db8::7"


def test_no_address_is_one_shared_key_not_a_header() -> None:
    request = RequestFactory().get("/", headers=SPOOFED)
    request.META.pop("REMOTE_ADDR", None)
    assert client_ip(request) == "unknown"
