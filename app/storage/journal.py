"""A hot rollback journal beside a database file: is it this file's own?

SQLite rolls back a hot ``<file>-journal`` into whatever file sits beside it, whichever database it
came from. A sync tool (OneDrive, Nextcloud, a USB stick copied by hand) can leave another file's
journal next to ours; SQLite would then write that database's pages into ours. This module reads the
journal without SQLite (https://www.sqlite.org/fileformat.html §4, « The Rollback Journal ») before
any SQLite connection opens the file, and tells whether it belongs to the file.

Journal layout: segments, each a header padded to the sector size — magic ``d9d505f920a163d7``,
record count (``0xFFFFFFFF``: up to the end of the file), checksum nonce, initial database size in
pages, sector size, page size — then records of (page number, original page, checksum). The
checksum is the nonce plus every 200th byte of the page, from ``page_size - 200`` down to 1.

Why the file change counter (offset 24 of the database header) decides: the journal holds the
ORIGINAL content of every page a transaction changed, so its copy of page 1 carries the counter C
the file had when that transaction began. In rollback mode SQLite increments the counter once per
write transaction (``pager_write_changecounter`` computes C + 1 from the value read at the start of
the transaction, however many times page 1 is written), and only when it writes page 1 to the file
(a cache spill or the commit). So the file beside its own hot journal holds either C (page 1 not
written yet: then the whole page 1 is still byte for byte the journal's copy) or C + 1. Any other
counter, another page size or another ``application_id`` means the journal is another database's.
Two files of ours may share a counter by chance: when the counter is C, the byte-for-byte check of
page 1 catches that too; when it is C + 1 the journal's page 1 is only compared on the header
fields that no transaction changes (page size, application id), which is the residual risk, as is
a file whose page 1 is byte for byte the journal's (same counter, schema and size: typically two
copies of one file): such a journal is left to SQLite, as before this check. The size check assumes
the file's recorded size equals its length when the transaction began, as SQLite keeps it; a file
with trailing bytes beyond its recorded size would have its own journal taken for another's.

When the transaction had not journaled page 1 yet, page 1 of the file is still the one it began
with (SQLite journals a page before it ever writes it), so the database size that header records
must be the journal's « initial database size »; a different size means another database's journal.
A journal without page 1 whose initial size matches, or whose copy of page 1 fails its checksum
(being written right now), cannot be decided: it is left to SQLite as before.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)

JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
HEADER_FIELDS = 28  # magic (8) + five 4-byte integers
COUNTER_OFFSET = 24
SIZE_OFFSET = 28  # database size in pages
VALID_FOR_OFFSET = 92  # the change counter for which the size at offset 28 is valid
APPLICATION_ID_OFFSET = 68
MAX_SEGMENTS = 10_000


@dataclass(frozen=True)
class JournalVerdict:
    belongs: bool | None  # None: cannot be decided
    reason: str


def _u32(data: bytes, offset: int) -> int:
    return int.from_bytes(data[offset : offset + 4], "big")


def _checksum(nonce: int, page: bytes) -> int:
    total = nonce
    i = len(page) - 200
    while i > 0:
        total += page[i]
        i -= 200
    return total & 0xFFFFFFFF


def is_hot_candidate(journal: Path) -> bool:
    """A journal SQLite could roll back: it exists and its header is not zeroed."""
    try:
        with open(journal, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    return len(head) == 8 and head == JOURNAL_MAGIC


@dataclass(frozen=True)
class JournalContent:
    page_size: int
    initial_pages: int  # the database size in pages when the interrupted transaction began
    page_one: bytes | None  # the original page 1, when the transaction journaled it
    torn: bool  # a record of page 1 whose checksum fails: being written, or damaged


def read_journal(journal: Path) -> JournalContent | None:
    """What the hot-journal check needs from a rollback journal, or None when its header is unusable."""
    try:
        data = journal.read_bytes()
    except OSError:
        return None
    offset, first = 0, None
    for _ in range(MAX_SEGMENTS):
        if offset + HEADER_FIELDS > len(data) or data[offset : offset + 8] != JOURNAL_MAGIC:
            break
        count, nonce = _u32(data, offset + 8), _u32(data, offset + 12)
        sector, page_size = _u32(data, offset + 20), _u32(data, offset + 24)
        if sector < HEADER_FIELDS or page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
            break
        if first is None:
            first = (page_size, _u32(data, offset + 16))
        record = page_size + 8
        start = offset + sector
        available = max(0, (len(data) - start) // record)
        count = available if count in (0, 0xFFFFFFFF) else min(count, available)
        for n in range(count):
            at = start + n * record
            if _u32(data, at) == 1:
                page = data[at + 4 : at + 4 + page_size]
                torn = _checksum(nonce, page) != _u32(data, at + 4 + page_size)
                return JournalContent(first[0], first[1], None if torn else page, torn)
        if count == 0:
            break
        end = start + count * record
        offset = -(-end // sector) * sector  # the next segment starts on a sector boundary
    if first is None:
        return None
    return JournalContent(first[0], first[1], None, False)


def journal_belongs(db_path: Path, journal: Path, application_id: int) -> JournalVerdict:
    """Whether ``journal`` is the hot journal of ``db_path`` (see the module docstring)."""
    content = read_journal(journal)
    if content is None:
        return JournalVerdict(None, "en-tête du journal illisible")
    page_size = content.page_size
    try:
        with open(db_path, "rb") as fh:
            current = fh.read(page_size)
    except OSError as exc:
        return JournalVerdict(None, f"fichier illisible ({exc.strerror})")
    if len(current) < 100:
        return JournalVerdict(None, "fichier trop court")
    file_page_size = int.from_bytes(current[16:18], "big")
    file_page_size = 65536 if file_page_size == 1 else file_page_size
    if file_page_size != page_size:
        return JournalVerdict(
            False, f"taille de page {page_size} dans le journal, {file_page_size} dans le fichier"
        )
    if content.torn:
        return JournalVerdict(None, "copie de la page 1 incomplète dans le journal")
    original = content.page_one
    if original is None:
        # Page 1 is journaled before it is ever written, so here the file's page 1 is still the one
        # the transaction began with: its database size (offset 28, valid when offset 92 equals the
        # change counter) must be the journal's initial size. Equal sizes cannot tell two files apart.
        counter, valid_for = _u32(current, COUNTER_OFFSET), _u32(current, VALID_FOR_OFFSET)
        size = _u32(current, SIZE_OFFSET)
        if valid_for == counter and size != content.initial_pages:
            return JournalVerdict(
                False,
                f"{content.initial_pages} pages au début de la transaction du journal, {size} dans le fichier",
            )
        return JournalVerdict(None, "pas de copie de la page 1 dans le journal")
    if _u32(original, APPLICATION_ID_OFFSET) != application_id:
        return JournalVerdict(False, "le journal vient de la base d'un autre programme")
    before, now = _u32(original, COUNTER_OFFSET), _u32(current, COUNTER_OFFSET)
    if now == before:
        if current != original:
            return JournalVerdict(False, f"compteur {now} identique mais page 1 différente")
        return JournalVerdict(True, "page 1 pas encore réécrite")
    if now == (before + 1) & 0xFFFFFFFF:
        return JournalVerdict(True, "page 1 réécrite par la transaction interrompue")
    return JournalVerdict(False, f"compteur de modifications {now} dans le fichier, {before} dans le journal")


def fingerprint(journal: Path) -> tuple[int, int, bytes] | None:
    """Size, modification time and header of the journal: what changes when a writer uses it."""
    try:
        info = journal.stat()
        with open(journal, "rb") as fh:
            head = fh.read(HEADER_FIELDS)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, head


def set_aside(journal: Path) -> Path:
    """Rename a foreign journal beside the file (never deleted: it is someone's data)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = journal.with_name(f"{journal.name}.etranger-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = journal.with_name(f"{journal.name}.etranger-{stamp}-{n}")
    journal.rename(target)
    return target


def foreign_journal_message(name: str, moved: Path) -> str:
    return (
        f"Un fichier journal qui n'appartient pas à cette base (il vient sans doute d'une autre base, "
        f"recopiée par un outil de synchronisation) se trouvait à côté de « {name} ». SQLite l'aurait "
        f"appliqué à votre fichier et l'aurait abîmé : il a été mis de côté sans être appliqué "
        f"(« {moved.name} »). Votre fichier a été ouvert normalement ; vous pouvez supprimer ce journal "
        "mis de côté si personne ne le réclame."
    )
