"""Both storage backends: round trip, generated keys, private atomic files, configuration."""

from __future__ import annotations

import os
import stat

import pytest
from flask import Flask

import storage
from core.models import StoredBlob
from storage import BlobNotFound, DatabaseStorage, LocalStorage, get_storage, make_storage
from storage.backends import KEY_PATTERN


@pytest.mark.parametrize("upload_backend", ["local", "database"])
def test_round_trip(ctx, upload_backend: str) -> None:
    storage = get_storage()
    assert type(storage) is {"local": LocalStorage, "database": DatabaseStorage}[upload_backend]
    data = bytes(range(256)) * 1000
    key = storage.save(data)
    assert KEY_PATTERN.fullmatch(key)
    assert storage.exists(key)
    assert storage.open(key) == data
    assert storage.save(data) != key
    storage.delete(key)
    assert not storage.exists(key)
    with pytest.raises(BlobNotFound):
        storage.open(key)
    storage.delete(key)  # deleting twice is not an error


@pytest.mark.parametrize("upload_backend", ["local", "database"])
@pytest.mark.parametrize("key", ["../../etc/passwd", "A" * 32, "", "0" * 31, "0" * 32 + "/x", "0" * 33])
def test_keys_not_generated_here_are_refused(ctx, upload_backend: str, key: str) -> None:
    storage = get_storage()
    for operation in (storage.open, storage.delete, storage.exists):
        with pytest.raises(ValueError, match="invalid storage key"):
            operation(key)


@pytest.mark.parametrize("upload_backend", ["database"])
def test_database_backend_keeps_bytes_in_stored_blob(ctx, upload_backend: str) -> None:
    key = get_storage().save(b"\x00\xffbinary")
    assert bytes(StoredBlob.get(StoredBlob.key == key).data) == b"\x00\xffbinary"


def test_local_files_are_private_sharded_and_atomic(ctx) -> None:
    storage = get_storage()
    assert stat.S_IMODE(storage.root.stat().st_mode) == 0o700
    key = storage.save(b"content")
    path = storage.path(key)
    assert path == storage.root / key[:2] / key[2:4] / key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == [key]  # no temporary file left behind


def test_local_save_failure_leaves_no_partial_file(ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    storage = get_storage()

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        storage.save(b"content")
    assert [p for p in storage.root.rglob("*") if p.is_file()] == []


def test_upload_dir_inside_static_is_refused(tmp_path) -> None:
    bare = Flask(__name__, static_folder=str(tmp_path / "static"))
    bare.config.update(UPLOAD_BACKEND="local", UPLOAD_DIR=str(tmp_path / "static" / "uploads"))
    with pytest.raises(RuntimeError, match="must not be inside the static folder"):
        storage.init_app(bare)
    assert not (tmp_path / "static" / "uploads").exists()


def test_init_app_creates_a_private_upload_dir(tmp_path) -> None:
    bare = Flask(__name__)
    bare.config.update(UPLOAD_BACKEND="local", UPLOAD_DIR=str(tmp_path / "instance" / "uploads"))
    storage.init_app(bare)
    assert stat.S_IMODE((tmp_path / "instance" / "uploads").stat().st_mode) == 0o700


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="UPLOAD_BACKEND must be 'local' or 'database'"):
        make_storage({"UPLOAD_BACKEND": "s3", "UPLOAD_DIR": "never-used"})
