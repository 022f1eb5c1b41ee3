from __future__ import annotations

from io import StringIO

from django.core.management import call_command


def _run(*args, **kwargs) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


def test_gensecret_prints_a_long_random_value():
    first, second = _run("gensecret").strip(), _run("gensecret").strip()
    assert len(first) >= 50
    assert first != second
