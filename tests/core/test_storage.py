"""Local file storage: random keys, whole-or-nothing writes, and keys that cannot leave the root."""

import os
import re
from pathlib import Path

import pytest
from flask import Flask

from portal import storage
from portal.storage import LocalStorage, get_storage

KEY_SHAPE = re.compile(r"([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{32})\.jpg")
GOOD_NAME = "0123456789abcdef0123456789abcdef"


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_saved_bytes_read_back_under_a_fanned_out_random_key(tmp_path):
    store = LocalStorage(tmp_path / "store")

    key = store.save(b"photo bytes")
    other = store.save(b"photo bytes")

    match = KEY_SHAPE.fullmatch(key)
    assert match
    assert match[3].startswith(match[1] + match[2])
    assert other != key
    assert store.read(key) == b"photo bytes"
    assert store.exists(key)
    assert (tmp_path / "store" / key).read_bytes() == b"photo bytes"


def test_delete_removes_the_file_and_a_missing_one_is_fine(tmp_path):
    store = LocalStorage(tmp_path)
    key = store.save(b"x")

    store.delete(key)
    store.delete(key)

    assert not store.exists(key)
    with pytest.raises(FileNotFoundError):
        store.read(key)


@pytest.mark.parametrize("suffix", [".png", ""])
def test_other_suffixes_make_readable_keys(tmp_path, suffix):
    store = LocalStorage(tmp_path)

    key = store.save(b"x", suffix=suffix)

    assert re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{32}" + re.escape(suffix), key)
    assert store.read(key) == b"x"


@pytest.mark.parametrize("suffix", ["/../../x", ".JPG", "jpg", ".j/g", ".jpg\n"])
def test_a_suffix_that_could_change_the_path_is_refused(tmp_path, suffix):
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).save(b"x", suffix=suffix)
    assert files_under(tmp_path) == []


def test_a_write_is_renamed_into_place_only_once_complete(tmp_path, monkeypatch):
    store = LocalStorage(tmp_path)
    data = os.urandom(200_000)
    seen = {}
    real_replace = os.replace

    def replace(source, target):
        seen["source"] = Path(source).read_bytes()
        seen["target_existed"] = Path(target).exists()
        seen["source_dir"] = Path(source).parent
        real_replace(source, target)

    monkeypatch.setattr(storage.os, "replace", replace)

    key = store.save(data)

    assert seen["source"] == data
    assert seen["target_existed"] is False
    assert seen["source_dir"] == (tmp_path / key).parent  # same filesystem: rename is atomic
    assert files_under(tmp_path) == [tmp_path / key]


def test_a_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    def replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(storage.os, "replace", replace)

    with pytest.raises(OSError, match="disk full"):
        LocalStorage(tmp_path).save(b"half a photo")
    assert files_under(tmp_path) == []


@pytest.mark.parametrize(
    "key",
    [
        "../secret.txt",
        "../../etc/passwd",
        "/etc/passwd",
        "01/23/../../../secret.txt",
        f"01/23/{GOOD_NAME}.jpg/../../../../secret.txt",
        f"01/23/{GOOD_NAME}.jpg\n",
        f"01\\23\\{GOOD_NAME}.jpg",
        f"01/23/{GOOD_NAME.upper()}.jpg",
        f"./01/23/{GOOD_NAME}.jpg",
        f"01//23/{GOOD_NAME}.jpg",
        "",
    ],
)
def test_a_key_that_could_leave_the_root_is_refused(tmp_path, key):
    root = tmp_path / "store"
    (tmp_path / "secret.txt").write_text("not yours")
    store = LocalStorage(root)

    for operation in (store.read, store.exists, store.delete):
        with pytest.raises(ValueError):
            operation(key)
    assert (tmp_path / "secret.txt").exists()


def test_an_absolute_key_inside_the_root_is_still_refused(tmp_path):
    store = LocalStorage(tmp_path)
    key = store.save(b"x")

    with pytest.raises(ValueError):
        store.read(str(tmp_path / key))


def test_init_app_keeps_the_store_in_the_instance_folder_by_default(tmp_path):
    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    storage.init_app(app)

    with app.app_context():
        store = get_storage()
        key = store.save(b"x")

    assert isinstance(store, LocalStorage)
    assert (tmp_path / "instance" / "storage" / key).read_bytes() == b"x"


def test_init_app_uses_storage_dir_when_set(tmp_path):
    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    app.config["STORAGE_DIR"] = str(tmp_path / "elsewhere")
    storage.init_app(app)

    with app.app_context():
        key = get_storage().save(b"x")

    assert (tmp_path / "elsewhere" / key).read_bytes() == b"x"


def test_get_storage_says_when_init_app_was_not_called(tmp_path):
    app = Flask(__name__, instance_path=str(tmp_path))

    with app.app_context(), pytest.raises(RuntimeError, match="init_app"):
        get_storage()
