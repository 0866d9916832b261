"""Where a database file sits, and what that means for sharing it (RELIABILITY.md §2, R13).

- ``synced``: a folder kept in step by OneDrive, Dropbox, Google Drive, Nextcloud, iCloud... Each PC
  writes its own copy and no lock crosses machines: one writer at a time, others read.
- ``removable``: a USB stick or memory card: one writer at a time, and eject it safely.
- ``network``: a real share (UNC path, SMB/NFS mount, mapped network drive): SQLite's locks work
  there, so several people may write at once (at the user's risk, SQLite says).
- ``local``: a disk of this PC.

Detection is by path (as Zotero's ``isCloudStorageFolder`` does) plus, where the system tells, the
mount's file-system type (Linux ``/proc/mounts``) or the drive type (Windows). Pure functions over
injectable facts, so tests need none of these systems.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath, PureWindowsPath

# Folder names (compared case-insensitively with the start of each path component).
SYNC_PROVIDERS = (
    ("OneDrive", ("onedrive",)),
    ("Dropbox", ("dropbox",)),
    (
        "Google Drive",
        ("google drive", "googledrive", "my drive", "mon drive", "drive partagés", "shared drives"),
    ),
    ("Nextcloud", ("nextcloud",)),
    ("ownCloud", ("owncloud",)),
    ("pCloud", ("pcloud",)),
    ("iCloud", ("mobile documents", "icloud drive", "iclouddrive")),
    ("Box", ("box sync",)),
    ("Synology Drive", ("synologydrive", "synology drive")),
    ("Seafile", ("seafile",)),
    ("kDrive", ("kdrive",)),
    ("Tresorit", ("tresorit",)),
)
EXACT_SYNC_FOLDERS = {"box": "Box", "mega": "MEGA", "megasync": "MEGA"}
NETWORK_FS = {"cifs", "smb3", "smbfs", "nfs", "nfs4", "afpfs", "webdav", "davfs", "fuse.sshfs", "9p"}
REMOVABLE_FS = {"vfat", "exfat", "msdos", "fuseblk"}
REMOVABLE_ROOTS = ("/media/", "/run/media/", "/mnt/usb", "/volumes/")
CONFLICT_WORDS = ("conflict", "conflit", "sync-conflict", "copie en conflit")
DRIVE_REMOVABLE, DRIVE_REMOTE = 2, 4


@dataclass(frozen=True)
class Location:
    kind: str  # "local", "synced", "removable" or "network"
    provider: str | None = None  # "OneDrive"... for a synced folder, the file system for a mount

    @property
    def one_writer_only(self) -> bool:
        """Locks do not cross machines here: one person writes, the others open read-only."""
        return self.kind in ("synced", "removable")

    def where(self) -> str:
        """Where the file is, in a French phrase: « dans un dossier synchronisé (OneDrive) »."""
        if self.kind == "synced":
            return (
                f"dans un dossier synchronisé ({self.provider})"
                if self.provider
                else "dans un dossier synchronisé"
            )
        if self.kind == "removable":
            return "sur un disque amovible (clé USB, carte mémoire)"
        if self.kind == "network":
            return "sur un partage réseau"
        return "sur un disque de ce poste"


def _sync_provider(parts: Iterable[str]) -> str | None:
    for part in parts:
        low = part.lower()
        if low in EXACT_SYNC_FOLDERS:
            return EXACT_SYNC_FOLDERS[low]
        for provider, prefixes in SYNC_PROVIDERS:
            if low.startswith(prefixes):
                return provider
    return None


def read_mounts(mounts_file: Path = Path("/proc/mounts")) -> list[tuple[str, str]]:
    """(mount point, file-system type) of this machine, longest mount point first ([] elsewhere)."""
    try:
        lines = mounts_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    mounts = []
    for line in lines:
        fields = line.split()
        if len(fields) >= 3:
            mounts.append((fields[1].replace("\\040", " "), fields[2]))
    return sorted(mounts, key=lambda m: len(m[0]), reverse=True)


def _mount_of(path: str, mounts: list[tuple[str, str]]) -> tuple[str, str] | None:
    for point, fs in mounts:
        if path == point or path.startswith(point.rstrip("/") + "/"):
            return point, fs
    return None


def _windows_drive_type(path: str) -> int | None:  # pragma: no cover - Windows only
    if os.name != "nt":
        return None
    import ctypes

    drive = PureWindowsPath(path).drive
    return ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") if drive else None


def classify(
    path: Path | str,
    *,
    mounts: list[tuple[str, str]] | None = None,
    drive_type: int | None = None,
) -> Location:
    """Where ``path`` sits. ``mounts`` and ``drive_type`` default to what this machine reports."""
    text = str(path)
    windows_like = text.startswith("\\\\") or re.match(r"^[A-Za-z]:[\\/]", text) is not None
    pure: PurePath = PureWindowsPath(text) if windows_like else PurePath(text)
    provider = _sync_provider(pure.parts)
    if provider:
        return Location("synced", provider)
    if text.startswith(("\\\\", "//")):
        return Location("network", "UNC")
    if windows_like:
        kind = _windows_drive_type(text) if drive_type is None else drive_type
        if kind == DRIVE_REMOTE:
            return Location("network", "lecteur réseau")
        if kind == DRIVE_REMOVABLE:
            return Location("removable")
        return Location("local")
    mount = _mount_of(text, read_mounts() if mounts is None else mounts)
    if mount is not None:
        point, fs = mount
        if fs in NETWORK_FS or fs.startswith("fuse.rclone"):
            return Location("network", fs)
        if fs in REMOVABLE_FS or (point + "/").lower().startswith(REMOVABLE_ROOTS):
            return Location("removable", fs)
    if text.lower().startswith(REMOVABLE_ROOTS):
        return Location("removable")
    return Location("local")


def conflicted_copies(path: Path | str) -> list[Path]:
    """Sibling files a sync tool made when two PCs changed the file at once ("conflicted copy",
    Syncthing's ``.sync-conflict-``, OneDrive's ``name-PCNAME``): each may hold someone's work."""
    path = Path(path)
    try:
        siblings = list(path.parent.iterdir())
    except OSError:
        return []
    onedrive = classify(path, mounts=[]).provider == "OneDrive"
    stem, suffix = path.stem.lower(), path.suffix.lower()
    found = []
    for other in siblings:
        name = other.name.lower()
        if other == path or not name.startswith(stem) or not other.is_file():
            continue
        if name.endswith(("-journal", "-wal", "-shm")):
            continue
        rest = name[len(stem) : len(name) - len(suffix)] if name.endswith(suffix) else name[len(stem) :]
        if any(word in rest for word in CONFLICT_WORDS) or (
            onedrive and name.endswith(suffix) and re.fullmatch(r"-[a-z0-9][a-z0-9_-]{1,14}", rest)
        ):
            found.append(other)
    return sorted(found)
