"""Whether another window or command has a database file open right now, read from the file's
``presence`` table with plain ``sqlite3`` (read-only), whatever the file's schema revision: the gate
that keeps a migration or a restore from changing a file under someone's feet (RELIABILITY R12, §2.7).

Freshness is per kind of entry (``app.storage.presence`` writes them):

- an ordinary presence entry beats every ``HEARTBEAT_S`` (30 s) and is stale after three beats;
- the one-writer lease on a synced folder or a removable drive beats every ``LEASE_HEARTBEAT_S``.
  Each beat is a write, and each write makes the sync tool upload the *whole* file to every PC
  sharing the folder: a 20 MB file beating every 30 s would be 40 MB a minute, all day, and every
  upload is one more chance for the sync tool to make a « conflicted copy ». Five minutes keeps it
  to 12 uploads an hour, only while the holder has the file open, and a holder whose PC crashed is
  still offered as stale (« reprendre la main ? ») a quarter of an hour later. The other PCs see
  the lease only once the sync tool has brought the file anyway, which takes seconds to minutes.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app import errors

HEARTBEAT_S = 30
STALE_AFTER_S = 3 * HEARTBEAT_S
LEASE_HEARTBEAT_S = 300
LEASE_STALE_AFTER_S = 3 * LEASE_HEARTBEAT_S


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def is_fresh(
    heartbeat_at: dt.datetime, writer: bool, now: dt.datetime, *, workstation: str = "", pid: int = 0
) -> bool:
    """Whether an entry still counts: it beat recently enough, and it is not a window of this very PC
    whose process is gone (the app crashed and is opened again: no need to wait a quarter of an hour)."""
    limit = LEASE_STALE_AFTER_S if writer else STALE_AFTER_S
    if heartbeat_at < now - dt.timedelta(seconds=limit):
        return False
    return not (workstation and workstation == this_workstation() and not process_alive(pid))


def this_workstation() -> str:
    return (socket.gethostname() or "?")[:120]


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this PC (a recycled id counts as alive: the clock decides then)."""
    if pid <= 0:
        return True
    if os.name == "nt":  # pragma: no cover - Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # access denied: it exists
        code = ctypes.c_ulong()
        try:
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        finally:
            kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def local_time(stamp: dt.datetime, *, with_day: bool = False) -> str:
    """A naive UTC time from the file, in this PC's local time: « 10:42 » (« 01/12 à 10:42 »)."""
    local = stamp.replace(tzinfo=dt.UTC).astimezone()
    return f"{local:%d/%m} à {local:%H:%M}" if with_day else f"{local:%H:%M}"


@dataclass(frozen=True)
class Occupant:
    user_name: str
    workstation: str
    opened_at: dt.datetime
    writer: bool

    def describe(self) -> str:
        """« ouvert en modification par Marie Martin (Mairie de X) sur PC-MAIRIE depuis 10:42 »."""
        how = "ouvert en modification" if self.writer else "ouvert"
        return f"{how} par {self.user_name} sur {self.workstation} depuis {local_time(self.opened_at)}"


class FileInUse(errors.UserError):
    """Someone else has the file open: a migration or a restore must wait until they close it."""


def occupants(path: Path, *, now: dt.datetime | None = None) -> list[Occupant]:
    """Fresh entries of the file's ``presence`` table, oldest first; [] when the file has no such
    table (older schema) or cannot be read (damaged: nobody can be using it)."""
    now = now or utc_now()
    uri = Path(path).resolve().as_uri().replace("file://", "file:", 1) + "?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=10)
    except sqlite3.Error:
        return []
    try:
        con.execute("PRAGMA trusted_schema=OFF")
        rows = con.execute(
            "SELECT user_name, workstation, opened_at, heartbeat_at, writer, pid FROM presence ORDER BY opened_at"
        ).fetchall()
    except sqlite3.Error:
        return []
    finally:
        con.close()
    found = []
    for user, workstation, opened, beat, writer, pid in rows:
        try:
            opened_at, beat_at = dt.datetime.fromisoformat(str(opened)), dt.datetime.fromisoformat(str(beat))
        except ValueError:
            continue
        if is_fresh(beat_at, bool(writer), now, workstation=str(workstation), pid=int(pid or 0)):
            found.append(Occupant(str(user), str(workstation), opened_at, bool(writer)))
    return found


def refuse_if_in_use(path: Path, action: str, *, now: dt.datetime | None = None) -> None:
    """Raise ``FileInUse`` naming who has ``path`` open, for ``action`` (« mettre à jour », « restaurer »)."""
    others = occupants(path, now=now)
    if not others:
        return
    who = "; ".join(o.describe() for o in others)
    raise FileInUse(
        f"Impossible de {action} « {Path(path).name} » maintenant : le fichier est {who}. "
        f"Demandez-{'lui' if len(others) == 1 else 'leur'} de le fermer, puis recommencez ; le fichier n'a pas été modifié. "
        "(Une fenêtre fermée brutalement cesse de compter au bout de quelques minutes.)"
    )
