"""Where uploaded files live: a key-to-bytes store, on local disk unless an object store takes over.

Callers keep only the key that ``save`` returns. Keys are made here, from random hex, and any key
handed back is checked against that shape, so no key can name a file outside the store.
"""

import os
import re
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

EXTENSION_KEY = "portal.storage"

# "ab/cd/<32 hex>.jpg": two levels of fan-out keep directories small.
_KEY = re.compile(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{32}(?:\.[a-z0-9]{1,10})?")
_SUFFIX = re.compile(r"(?:\.[a-z0-9]{1,10})?")


class Storage(Protocol):
    """What the portal needs from a file store; ``LocalStorage`` is the default."""

    def save(self, data: bytes, *, suffix: str = ".jpg") -> str: ...

    def read(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...

    def keys_older_than(self, seconds: float) -> Iterator[str]: ...


class LocalStorage:
    """Files under one directory, each written whole or not at all."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def save(self, data: bytes, *, suffix: str = ".jpg") -> str:
        """Store ``data`` under a new random key and return the key."""
        if not _SUFFIX.fullmatch(suffix):
            raise ValueError(f"Invalid storage suffix: {suffix!r}")
        name = uuid.uuid4().hex
        key = f"{name[:2]}/{name[2:4]}/{name}{suffix}"
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside its final place and renamed: a reader sees the whole file or none.
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return key

    def read(self, key: str) -> bytes:
        """Return the bytes stored under ``key``; FileNotFoundError if there are none."""
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        """Remove the file stored under ``key``, if there is one."""
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        """Whether a file is stored under ``key``."""
        return self._path(key).is_file()

    def keys_older_than(self, seconds: float) -> Iterator[str]:
        """The keys of files stored more than ``seconds`` ago (to find the ones nobody kept)."""
        limit = time.time() - seconds
        for path in self.root.glob("??/??/*"):
            key = path.relative_to(self.root).as_posix()
            if _KEY.fullmatch(key) and path.stat().st_mtime < limit:
                yield key

    def _path(self, key: str) -> Path:
        """The file for ``key``, after checking that the key is one ``save`` could have made."""
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise ValueError(f"Invalid storage key: {key!r}")
        return self.root / key


def init_app(app: Flask) -> None:
    """Give ``app`` a local store, in STORAGE_DIR or the instance folder."""
    root = app.config.get("STORAGE_DIR") or Path(app.instance_path) / "storage"
    app.extensions[EXTENSION_KEY] = LocalStorage(Path(root))


def get_storage() -> Storage:
    """Return the current application's store."""
    try:
        return current_app.extensions[EXTENSION_KEY]
    except KeyError:
        raise RuntimeError("portal.storage.init_app(app) was not called") from None
