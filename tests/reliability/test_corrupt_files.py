"""A corpus of damaged files: the app answers with a French UserError or opens a file SQLite finds
sound, never crashes, and never writes to the damaged file (RELIABILITY R9)."""

from __future__ import annotations

import hashlib
import random
import shutil

import pytest

from app.errors import UserError
from app.storage import open_database
from app.storage.integrity import check_database
from tests.conftest import DEMO


@pytest.mark.parametrize("seed", range(30))
def test_byte_flips_never_crash_and_never_write(tmp_path, seed):
    rng = random.Random(seed)
    path = tmp_path / f"flip{seed}.sqlite"
    shutil.copyfile(DEMO, path)
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for _ in range(rng.choice((1, 5, 50))):
        region = rng.choice(("header", "first-pages", "anywhere"))
        if region == "header":
            offset = rng.randrange(0, 100)
        elif region == "first-pages":
            offset = rng.randrange(100, page * 4)
        else:
            offset = rng.randrange(100, len(data))
        data[offset] = rng.randrange(256)
    if seed % 5 == 0:
        data = data[: rng.randrange(100, len(data))]  # truncated file
    path.write_bytes(bytes(data))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        db = open_database(path)
    except UserError as exc:
        assert exc.message and "Traceback" not in exc.message
    else:
        try:
            check_database(db)  # reading everything may reveal damage: still only a UserError or a report
        except UserError:
            pass
        finally:
            db.dispose()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
