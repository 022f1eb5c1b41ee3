"""The chat's language-model client: errors, message types, configuration, and the backends.

The backend answering the chat is chosen by ``CHAT_BACKEND`` (``chat.llm.config.llm_backend``),
as Django chooses its e-mail backend by ``EMAIL_BACKEND``.
"""
