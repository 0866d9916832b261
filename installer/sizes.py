"""Size report and budget of the bundle: ``python installer/sizes.py FOLDER ARCHIVE.tar.gz``.

Prints the ten largest parts of FOLDER (a part is a file or a folder; a folder holding more than a
quarter of the bundle is split into its own parts, so PySide6 shows its Qt libraries one by one),
the unpacked size (bytes of the files; a link counts nothing) and the archive's size. Exit 1 when
either is over the budget (``--max-unpacked`` / ``--max-archive``, in MB of 10^6 bytes).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

MB = 1_000_000


def tree_size(path: Path) -> int:
    if path.is_symlink():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(tree_size(child) for child in path.iterdir())


def parts(folder: Path, total: int) -> list[tuple[int, str]]:
    """(size, path relative to folder) of the parts, largest first."""
    found: list[tuple[int, str]] = []
    todo = [folder]
    while todo:
        for child in sorted(todo.pop().iterdir()):
            size = tree_size(child)
            if child.is_dir() and not child.is_symlink() and size > total / 4:
                todo.append(child)
            else:
                found.append((size, child.relative_to(folder).as_posix() + ("/" if child.is_dir() else "")))
    return sorted(found, reverse=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("archive", type=Path)
    parser.add_argument("--max-unpacked", type=float, default=150)
    parser.add_argument("--max-archive", type=float, default=60)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args(argv)

    total = tree_size(args.folder)
    archive = args.archive.stat().st_size
    print(f"Les {args.top} plus grandes parties de {args.folder.name}/ :")
    for size, name in parts(args.folder, total)[: args.top]:
        print(f"  {size / MB:7.1f} Mo  {size / total:5.1%}  {name}")
    over = []
    for label, size, limit in (
        ("décompressé", total, args.max_unpacked),
        (args.archive.name, archive, args.max_archive),
    ):
        verdict = "OK" if size <= limit * MB else "DÉPASSÉ"
        print(f"  {label:>28s} : {size / MB:6.1f} Mo (budget {limit:.0f} Mo) {verdict}")
        if size > limit * MB:
            over.append(label)
    if over:
        print(f"Budget de taille dépassé : {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
