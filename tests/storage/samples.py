"""Sample files for the storage tests, built in memory."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image
from werkzeug.datastructures import FileStorage

PDF = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
       b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b"<script>alert(1)</script></svg>")


def jpeg(size: tuple[int, int] = (40, 20), color: str = "red", **options) -> bytes:
    """Return a JPEG image of one colour."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", **options)
    return buffer.getvalue()


def png(size: tuple[int, int] = (40, 20), mode: str = "RGB", color="blue", **options) -> bytes:
    """Return a PNG image of one colour."""
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, "PNG", **options)
    return buffer.getvalue()


def huge_png(width: int, height: int) -> bytes:
    """Return a valid 1-bit PNG of the given dimensions: a few KiB on disk, many megapixels decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def upload(data: bytes, filename: str = "file.bin", content_type: str = "application/octet-stream") -> FileStorage:
    """Return a posted file as Flask hands it to a view."""
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type=content_type)


class CountingStream(io.BytesIO):
    """A stream that records how many bytes were read from it."""

    bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data
