from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest


class PhotoSizeLimitHandler(FileUploadHandler):
    """Stops a multipart upload as soon as a file passes ``PHOTO_MAX_BYTES``.

    Installed first, it passes chunks on to Django's usual handlers until the cap is
    crossed; then nothing more is kept, and the view reports "too large" from ``exceeded``.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit: int = settings.PHOTO_MAX_BYTES
        self.exceeded = False
        self._received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self._received += len(raw_data)
        if self._received > self.limit:
            self.exceeded = True
            # connection_reset=False: Django drains the (already capped) body and answers.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
