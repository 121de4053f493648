"""Uploaded files kept only up to the photo size limit, so an oversized one costs no disk or memory.

Werkzeug stores each uploaded file in a stream the request class provides. Ours keeps one byte
more than the limit and quietly drops the rest: the form still parses, the resident's other
answers survive, and the file is recognisable as too large. Refusing the whole request instead
(a 413) would lose everything they typed. The request body as a whole is still bounded by
MAX_CONTENT_LENGTH, which must therefore leave room for several photos and the other fields.
"""

import os
import tempfile

from flask import Flask, Request
from werkzeug.datastructures import FileStorage

from .images import photo_byte_limit

# Werkzeug's own choice: files up to this size stay in memory, larger ones go to a temporary file.
_IN_MEMORY_BYTES = 500 * 1024


class CappedFileStream(tempfile.SpooledTemporaryFile):
    """A spooled temporary file that keeps the first ``limit + 1`` bytes written to it."""

    def __init__(self, limit: int):
        super().__init__(max_size=_IN_MEMORY_BYTES, mode="w+b")
        self.limit = limit
        self.kept = 0
        self.received = 0
        self.truncated = False

    def write(self, data) -> int:
        """Keep what fits under the cap, drop the rest, and report it all as written."""
        size = len(data)
        self.received += size
        room = self.limit + 1 - self.kept
        if size > room:
            self.truncated = True
            data = data[: max(room, 0)]
        if len(data):
            super().write(data)
            self.kept += len(data)
        return size

    def writelines(self, lines) -> None:
        """Write each of ``lines`` through the cap."""
        for line in lines:
            self.write(line)

    @property
    def too_large(self) -> bool:
        """Whether the file had more bytes than the limit."""
        return self.kept > self.limit


class PortalRequest(Request):
    """Flask's request, with uploaded files capped at the photo size limit."""

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> CappedFileStream:
        return CappedFileStream(photo_byte_limit())


def upload_too_large(file: FileStorage) -> bool:
    """Whether an uploaded file was over the photo size limit."""
    stream = file.stream
    if isinstance(stream, CappedFileStream):
        return stream.too_large
    # Parsed by another request class: measure the whole file instead.
    position = stream.tell()
    size = stream.seek(0, os.SEEK_END)
    stream.seek(position)
    return size > photo_byte_limit()


def init_app(app: Flask) -> None:
    """Make ``app`` parse its requests with ``PortalRequest``."""
    app.request_class = PortalRequest
