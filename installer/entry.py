"""Entry point of the bundled executables (installer/achats-durables.spec).

Invoked as ``achats-durables-cli`` (console executable on Windows, a link on Linux): the command
line, exactly as ``python -m app``. Invoked as ``achats-durables`` (windowed on Windows, no
console): the application; with one existing file as argument (a double-click on a database, the
file association, ``Exec=... %f``) it opens that file, and other arguments go to the command line
as they are, so ``achats-durables selftest`` still works from a Linux terminal.
"""

import os
import sys
from pathlib import PurePath


def arguments(program: str, argv: list[str]) -> list[str]:
    if PurePath(program).stem.lower().endswith("-cli"):
        return argv
    if len(argv) == 1 and not argv[0].startswith("-") and os.path.isfile(argv[0]):
        return ["gui", "--db", argv[0]]
    return argv


def main() -> int:
    # A windowed Windows executable has no console: print() and error reports must not fail.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    from app.cli import main as cli_main

    return cli_main(arguments(sys.argv[0], sys.argv[1:]))


if __name__ == "__main__":
    sys.exit(main())
