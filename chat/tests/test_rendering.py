from __future__ import annotations

import pytest

from chat.rendering import markdown_render
from chat.tests.helpers import assert_no_active_content

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "![x](javascript:alert(1))",
    "<iframe src=//evil.example></iframe>",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markdown_render_neutralises_xss(payload: str) -> None:
    html = markdown_render(text=f"Hello {payload} world")

    assert_no_active_content(html)
    assert "<script" not in html


def test_markdown_render_keeps_formatting_and_code_blocks() -> None:
    html = markdown_render(
        text="# Title\n\n**bold** [ok](https://example.com)\n\n```python\nx = 1\n```"
    )

    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">ok</a>' in html
    assert '<pre><code class="language-python">x = 1' in html
