"""Regenerate the committed demo database: ``python sample_db/generate.py``.

The generator itself is ``app.services.demo`` (it ships with the application for ``achats-durables
demo``); this script writes ``sample_db/demo.sqlite`` from it. A test checks the committed file holds
exactly what the generator writes at the current schema.
"""

from pathlib import Path

from app.services.demo import write_demo

if __name__ == "__main__":
    target = Path(__file__).resolve().parent / "demo.sqlite"
    write_demo(target)
    print(f"wrote {target}")
