"""The probe measures loopback servers only (bench.probe)."""

from __future__ import annotations

import argparse

import pytest

# The harness needs pyproject's bench group (`make bench-deps`; CI installs it); without it
# these tests are skipped, saying which package is missing.
pytest.importorskip("aiohttp")

from bench.probe import loopback_only


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/", "http://localhost:8000", "http://[::1]:8000"]
)
def test_probe_accepts_loopback_servers(url: str) -> None:
    assert loopback_only(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url", ["http://10.0.0.5:8000", "https://example.com", "http://127.0.0.1.nip.io"]
)
def test_probe_refuses_anything_but_loopback(url: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        loopback_only(url)
