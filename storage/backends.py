"""Where document bytes live: a local directory or the StoredBlob table, behind one small interface."""

from __future__ import annotations

import abc
import contextlib
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Any

from flask import current_app

from core.models import StoredBlob

KEY_PATTERN = re.compile(r"[0-9a-f]{32}")
EXTENSION_KEY = "mikhak.storage"


class StorageError(Exception):
    """A stored blob cannot be used."""


class BlobNotFound(StorageError, LookupError):
    """No blob is stored under the key."""


class BlobCorrupted(StorageError):
    """A blob's bytes no longer match the SHA-256 recorded when it was stored."""


def new_key() -> str:
    """Return a fresh storage key: 128 random bits as 32 lowercase hex digits."""
    return secrets.token_hex(16)


def check_key(key: str) -> str:
    """Return ``key`` if it is a key this module generates; raise ValueError otherwise."""
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise ValueError("invalid storage key")
    return key


class Storage(abc.ABC):
    """Blob storage: bytes in, a generated key out. Keys never come from a client."""

    @abc.abstractmethod
    def save(self, data: bytes) -> str:
        """Store ``data`` under a new key and return the key."""

    @abc.abstractmethod
    def open(self, key: str) -> bytes:
        """Return the bytes stored under ``key``; raise BlobNotFound if there are none."""

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Remove the blob stored under ``key``; removing a missing blob is not an error."""

    @abc.abstractmethod
    def exists(self, key: str) -> bool:
        """Return whether a blob is stored under ``key``."""


class LocalStorage(Storage):
    """Files in a private directory, sharded as ``ab/cd/abcd…``, written atomically with mode 0600."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """Return the file path of ``key`` (two levels of 256 shards each)."""
        check_key(key)
        return self.root / key[:2] / key[2:4] / key

    def save(self, data: bytes) -> str:
        """Write to a temporary file in the shard, fsync it, then rename it into place."""
        key = new_key()
        target = self.path(key)
        for directory in (target.parent.parent, target.parent):
            with contextlib.suppress(FileExistsError):
                directory.mkdir(mode=0o700)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                os.fchmod(handle.fileno(), 0o600)
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        _fsync_directory(target.parent)
        return key

    def open(self, key: str) -> bytes:
        """Read the whole file (documents are at most a few MiB)."""
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            raise BlobNotFound(key) from None

    def delete(self, key: str) -> None:
        """Unlink the file if it is there."""
        self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        """Return whether the file is there."""
        return self.path(key).is_file()


class DatabaseStorage(Storage):
    """Rows of the StoredBlob table, for several hosts that share only the database."""

    def save(self, data: bytes) -> str:
        """Insert a row (inside the caller's transaction, if any)."""
        key = new_key()
        StoredBlob.create(key=key, data=data)
        return key

    def open(self, key: str) -> bytes:
        """Select the row's bytes."""
        row = StoredBlob.select(StoredBlob.data).where(StoredBlob.key == check_key(key)).first()
        if row is None:
            raise BlobNotFound(key)
        return bytes(row.data)

    def delete(self, key: str) -> None:
        """Delete the row if it is there."""
        StoredBlob.delete().where(StoredBlob.key == check_key(key)).execute()

    def exists(self, key: str) -> bool:
        """Return whether the row is there."""
        return StoredBlob.select().where(StoredBlob.key == check_key(key)).exists()


def make_storage(config: dict[str, Any]) -> Storage:
    """Build the backend named by ``UPLOAD_BACKEND``; an unknown name is an error."""
    backend = config.get("UPLOAD_BACKEND", "local")
    if backend == "local":
        return LocalStorage(config["UPLOAD_DIR"])
    if backend == "database":
        return DatabaseStorage()
    raise ValueError(f"UPLOAD_BACKEND must be 'local' or 'database', not {backend!r}")


def get_storage() -> Storage:
    """Return the configured backend of the current app."""
    storage = current_app.extensions.get(EXTENSION_KEY)
    if storage is None:
        storage = current_app.extensions[EXTENSION_KEY] = make_storage(current_app.config)
    return storage


def _fsync_directory(directory: Path) -> None:
    """Make a rename durable (best effort: some filesystems cannot fsync a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
