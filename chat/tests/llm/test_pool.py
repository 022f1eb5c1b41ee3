"""One pooled httpx client per event loop (chat.llm.pool)."""

from __future__ import annotations

from chat.llm.pool import loop_client_close, loop_client_get


async def test_one_client_per_loop_until_closed() -> None:
    client = loop_client_get()
    assert loop_client_get() is client

    await loop_client_close()
    assert client.is_closed
    assert loop_client_get() is not client
    await loop_client_close()
    await loop_client_close()  # nothing left to close: no error
