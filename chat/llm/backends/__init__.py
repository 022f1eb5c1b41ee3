"""Backends that answer the chat, one per module, chosen by ``CHAT_BACKEND``."""
