"""The client the backends send with (chat.llm.pool)."""

from __future__ import annotations

from chat.llm.pool import loop_client_get, scoped_client


async def test_one_pooled_client_per_loop() -> None:
    client = loop_client_get()

    assert loop_client_get() is client
    await client.aclose()
    assert loop_client_get() is not client  # a closed one is replaced
    await loop_client_get().aclose()


async def test_a_scoped_client_is_used_inside_and_closed_after() -> None:
    pooled = loop_client_get()
    async with scoped_client() as scoped:
        assert loop_client_get() is scoped
    assert scoped.is_closed
    assert loop_client_get() is pooled
    await pooled.aclose()
