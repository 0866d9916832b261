"""Checks done on a file before any parser sees it (RELIABILITY R16–R19).

What the bytes say wins over the extension: a CSV renamed .xlsx, a PDF, an encrypted workbook
(an OLE2 container holding ``EncryptedPackage``), an empty file, a file over 200 MB, a zip bomb
(members checked before decompression: count, sizes, ratio) or an XML bomb (a DTD in a workbook part;
real OOXML never has one) are refused with a French message.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from app.errors import ImportRejected

MAX_FILE_BYTES = 200 * 1024 * 1024
# Rows of one import: refused above it before the file is read (rows counted in the compressed XML or
# while scanning the text), so that an import's peak memory stays under 600 MB. Measured
# (benchmarks/bench_import_limits.py): 250,000 orders peak at about 530 MB from a French CSV and
# 510 MB from an .xlsx; 300,000 already reached 610 MB. A bigger file is split by the user.
MAX_ROWS = 250_000
MAX_ZIP_MEMBERS = 2_000
MAX_MEMBER_BYTES = 400 * 1024 * 1024
MAX_TOTAL_BYTES = 600 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECK_FROM = 1024 * 1024  # tiny members compress absurdly well and are harmless
DTD_SCAN_BYTES = 64 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_FORMAT_NAMES = {
    b"%PDF": "un document PDF",
    b"\x89PNG": "une image PNG",
    b"\xff\xd8\xff": "une image JPEG",
    b"GIF8": "une image GIF",
    b"SQLite format 3": "une base de données SQLite",
    b"{\\rtf": "un document RTF",
}


def ensure_defusedxml() -> None:
    """openpyxl must parse XML through defusedxml (billion laughs, quadratic blowup)."""
    import openpyxl.xml

    if not openpyxl.xml.DEFUSEDXML:
        raise RuntimeError("openpyxl is not protected by defusedxml (OPENPYXL_DEFUSEDXML or missing package)")


def _rejected(path: Path, reason: str) -> ImportRejected:
    return ImportRejected(f"Le fichier « {path.name} » ne peut pas être importé : {reason}")


def sniff_kind(path: Path) -> str:
    """'xlsx', 'csv' or 'json' from the bytes, after the size checks; raises ImportRejected otherwise."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise ImportRejected(f"Le fichier « {path} » n'existe pas.") from exc
    except OSError as exc:
        raise ImportRejected(f"Le fichier « {path} » ne peut pas être lu ({exc.strerror}).") from exc
    if path.is_dir():
        raise ImportRejected(f"« {path} » est un dossier, pas un fichier.")
    if size == 0:
        raise _rejected(path, "il est vide.")
    if size > MAX_FILE_BYTES:
        raise _rejected(
            path,
            f"il pèse {size / 1024 / 1024:.0f} Mo, au-delà de la limite de {MAX_FILE_BYTES // 1024 // 1024} Mo.",
        )
    with open(path, "rb") as fh:
        head = fh.read(4096)
    suffix = path.suffix.lower()
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE2_MAGIC):
        with open(path, "rb") as fh:
            blob = fh.read(min(size, 4 * 1024 * 1024))
        if "EncryptedPackage".encode("utf-16-le") in blob:
            raise _rejected(
                path,
                "le classeur est protégé par un mot de passe (chiffré). Ouvrez-le dans votre tableur, "
                "retirez le mot de passe (Fichier › Informations › Protéger le classeur), enregistrez-le "
                "puis importez-le à nouveau.",
            )
        raise _rejected(
            path,
            "c'est un classeur Excel 97-2003 (.xls). Ouvrez-le dans votre tableur et enregistrez-le "
            "au format « Classeur Excel (.xlsx) » ou « CSV ».",
        )
    for magic, name in _FORMAT_NAMES.items():
        if head.startswith(magic):
            raise _rejected(path, f"c'est {name}, pas un tableau (.xlsx ou .csv).")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _rejected(path, "son contenu n'est ni un classeur Excel (.xlsx) ni un fichier texte CSV.")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"{", b"[")) and suffix in (".json", ""):
        return "json"
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise _rejected(
            path,
            f"son extension est « {suffix} » mais ce n'est pas un classeur Excel : c'est un fichier texte. "
            "Renommez-le en .csv s'il s'agit d'un export CSV.",
        )
    if suffix == ".json" or stripped.startswith((b"{", b"[")):
        return "json"
    return "csv"


def check_zip(path: Path) -> None:
    """Refuse a zip bomb or a DTD-carrying workbook before any XML parser opens it."""
    try:
        archive = zipfile.ZipFile(path)
    except Exception as exc:  # BadZipFile, NotImplementedError (odd versions), struct.error, ...
        raise _rejected(path, "le classeur est endommagé (archive .xlsx illisible).") from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise _rejected(path, f"le classeur contient {len(members)} parties, un nombre anormal.")
        total = 0
        for info in members:
            total += info.file_size
            if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                raise _rejected(
                    path, "une fois décompressé, il dépasserait la taille admise (archive piégée ?)."
                )
            if info.file_size > RATIO_CHECK_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _rejected(
                    path,
                    "il est anormalement compressé (archive piégée, « zip bomb ») : il n'a pas été ouvert.",
                )
        names = {info.filename for info in members}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            if any(n.startswith(("word/", "ppt/")) for n in names):
                raise _rejected(path, "c'est un document Word ou PowerPoint, pas un classeur Excel.")
            if "content.xml" in names:
                raise _rejected(
                    path, "c'est un classeur OpenDocument (.ods) : enregistrez-le au format .xlsx ou .csv."
                )
            raise _rejected(path, "c'est une archive .zip, pas un classeur Excel (.xlsx).")
        for info in members:
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(info) as fh:
                    start = fh.read(DTD_SCAN_BYTES)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
                raise _rejected(path, "le classeur est endommagé (partie illisible).") from exc
            except Exception as exc:  # zlib.error and friends on a truncated member
                raise _rejected(path, "le classeur est endommagé (partie illisible).") from exc
            if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
                raise _rejected(
                    path,
                    "il contient des définitions XML interdites (attaque « XML bomb » possible) : "
                    "il n'a pas été ouvert.",
                )


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_PLAIN_ROW_TAGS = tuple(
    b"<row" + bytes([c]) for c in b" \t\n\r\x0b\x0c>/"
)  # what _ROW_TAG matches unprefixed
ROW_SCAN_CHUNK = 1 << 20


def _count_row_tags(data: bytes) -> int:
    """``len(_ROW_TAG.findall(data))``, with ``bytes.count`` (8 times faster) when no tag can carry a
    namespace prefix."""
    if b":row" in data:
        return len(_ROW_TAG.findall(data))
    return sum(data.count(tag) for tag in _PLAIN_ROW_TAGS)


def worksheet_rows(path: Path) -> dict[str, int]:
    """``<row>`` elements of each worksheet part, counted while decompressing 1 MiB at a time:
    a million-row workbook is refused before any reader holds it in memory. Call after
    ``check_zip``."""
    counts: dict[str, int] = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name = info.filename
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            total, tail = 0, b""
            try:
                with archive.open(info) as fh:
                    while chunk := fh.read(ROW_SCAN_CHUNK):
                        data = tail + chunk
                        total += _count_row_tags(data)
                        # keep the last bytes for a tag cut by the chunk, minus any tag already counted
                        keep = data[-32:]
                        match = None
                        for match in _ROW_TAG.finditer(keep):  # noqa: B007
                            pass
                        tail = keep[match.end() :] if match else keep
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, zlib.error) as exc:
                raise _rejected(path, "le classeur est endommagé (partie illisible).") from exc
            counts[name] = total
    return counts
