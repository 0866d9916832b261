"""Regenerate the committed demo database: ``python sample_db/generate.py``.

The generator itself is ``app.demo`` (it ships with the application for ``achats-durables
demo``); this script writes ``sample_db/demo.sqlite`` from it. A test checks the committed file holds
exactly what the generator writes at the current schema.
"""

import os
from pathlib import Path

from app.demo.database import write_demo

if __name__ == "__main__":
    target = Path(__file__).resolve().parent / "demo.sqlite"
    tmp = target.with_name(f"demo-{os.getpid()}.sqlite.tmp")
    write_demo(tmp)
    os.replace(tmp, target)  # readers never see a half-written demo
    print(f"wrote {target}")
