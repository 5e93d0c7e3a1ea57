"""Uploaded documents: storage backends, intake checks, serving, and clean-up.

``get_storage()`` returns the backend configured by ``UPLOAD_BACKEND`` (``local``: files under
``UPLOAD_DIR``; ``database``: the StoredBlob table). ``accept_upload()`` checks and stores a posted
file, ``send_document()`` serves one, ``discard()`` and ``cleanup_orphans()`` remove them.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from storage.backends import (
    EXTENSION_KEY,
    BlobCorrupted,
    BlobNotFound,
    DatabaseStorage,
    LocalStorage,
    Storage,
    StorageError,
    get_storage,
    make_storage,
)
from storage.intake import UploadRejected, accept_upload
from storage.lifecycle import cleanup_orphans, discard, sweep_rowless_files
from storage.serving import send_document

__all__ = [
    "BlobCorrupted", "BlobNotFound", "DatabaseStorage", "LocalStorage", "Storage", "StorageError",
    "UploadRejected", "accept_upload", "cleanup_orphans", "discard", "get_storage", "init_app",
    "make_storage", "send_document",
]


def init_app(app: Flask) -> None:
    """Build the backend, create the private upload directory, add `flask storage cleanup`."""
    storage = make_storage(app.config)
    if isinstance(storage, LocalStorage):
        root = storage.root.resolve()
        static = Path(app.static_folder).resolve() if app.static_folder else None
        if static is not None and (root == static or static in root.parents):
            raise RuntimeError(f"UPLOAD_DIR ({root}) must not be inside the static folder ({static})")
        if not root.exists():
            root.parent.mkdir(parents=True, exist_ok=True)
            root.mkdir(mode=0o700, exist_ok=True)
    app.extensions[EXTENSION_KEY] = storage
    app.cli.add_command(storage_cli)


@click.group("storage", help="Uploaded documents.")
def storage_cli() -> None:
    """Group the storage commands."""


@storage_cli.command("cleanup")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Age in days of the orphaned documents to remove (default: DRAFT_TTL_DAYS).")
def cleanup_command(days: int | None) -> None:
    """Remove documents attached to neither a draft nor a request, uploaded more than N days ago."""
    removed = cleanup_orphans(days or current_app.config["DRAFT_TTL_DAYS"])
    click.echo(f"removed {removed} orphaned document(s)")
    swept = sweep_rowless_files()
    click.echo(f"removed {swept} stored file(s) without a document row, over an hour old")
