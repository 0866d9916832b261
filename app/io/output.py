"""The one way to write a file for the user (PDF, xlsx, CSV, JSON, TOML, database copy).

The file is written aside (``<name>.part`` in the same folder, so the rename stays on one file
system), flushed to disk, then renamed over the target in one step: a reader (Excel, a PDF viewer,
a colleague on the share) sees the old file or the new one, never half of one, and a failure leaves
the old file as it was. What the system refuses is said in French, naming the file::

    with output_path(out) as part:
        workbook.save(part)

``tests/test_architecture.py`` fails when a module writes a file outside such a block.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path

from app.errors import UserError

PART_SUFFIX = ".part"


class OutputNotWritten(UserError):
    """A file for the user could not be written (open in another program, read-only, disk full...)."""


def _reason(exc: OSError) -> str:
    code = exc.errno
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM, errno.EBUSY):
        return (
            "le fichier est peut-être ouvert dans un autre programme (Excel, lecteur PDF…), ou vous n'avez "
            "pas le droit d'écrire dans ce dossier. Fermez le fichier, ou choisissez un autre dossier, "
            "puis recommencez"
        )
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "le disque est plein. Libérez de la place ou choisissez un autre emplacement, puis recommencez"
    if code == errno.EROFS:
        return "le support est en lecture seule. Choisissez un autre emplacement"
    if code == errno.ENOENT:
        return "le dossier n'existe pas (ou plus). Choisissez un autre emplacement"
    if code == errno.ENAMETOOLONG:
        return "le nom du fichier est trop long. Choisissez un nom ou un dossier plus court"
    return f"le système a refusé l'écriture ({exc.strerror or exc})"


def not_written(target: Path, exc: OSError) -> OutputNotWritten:
    """The French error for ``exc`` raised while writing ``target``."""
    return OutputNotWritten(f"Impossible d'écrire « {target} » : {_reason(exc)}.", details=repr(exc))


def _fsync(path: Path) -> None:
    # The writer closed its handle; reopening reaches the same file. For update, not read-only:
    # on Windows fsync is FlushFileBuffers, which refuses a handle without write access.
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows cannot open a folder, and NTFS journals it)."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def output_path(target: Path | str) -> Iterator[Path]:
    """Yield the path to write instead of ``target``; on a normal exit, make it ``target`` atomically.

    On an error inside the block, or while syncing and renaming, the part file is removed and
    ``target`` is left as it was; an ``OSError`` becomes an ``OutputNotWritten`` naming ``target``."""
    target = Path(target)
    if not target.parent.is_dir():
        raise OutputNotWritten(
            f"Impossible d'écrire « {target} » : le dossier « {target.parent} » n'existe pas. "
            "Choisissez un autre emplacement."
        )
    part = target.with_name(target.name + PART_SUFFIX)
    try:
        yield part
        _fsync(part)
        os.replace(part, target)
    except OSError as exc:
        raise not_written(target, exc) from exc
    finally:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
    _fsync_folder(target.parent)


def write_text(target: Path | str, text: str, *, encoding: str = "utf-8") -> Path:
    """``text`` to ``target`` through ``output_path``."""
    with output_path(target) as part:
        part.write_text(text, encoding=encoding)
    return Path(target)
