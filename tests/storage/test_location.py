"""Where a shared file sits (RELIABILITY R13): synced folders, shares, removable drives, and the
"conflicted copies" a sync tool leaves beside the file."""

from __future__ import annotations

import pytest

from app.storage.location import DRIVE_REMOTE, DRIVE_REMOVABLE, classify, conflicted_copies

MOUNTS = [
    ("/mnt/partage", "cifs"),
    ("/mnt/nfs", "nfs4"),
    ("/media/agent/CLE USB", "vfat"),
    ("/", "ext4"),
]


@pytest.mark.parametrize(
    ("path", "kind", "provider"),
    [
        (r"C:\Users\agent\OneDrive - Mairie de Val\Achats\achats.sqlite", "synced", "OneDrive"),
        (r"C:\Users\agent\Dropbox\achats.sqlite", "synced", "Dropbox"),
        (r"G:\Mon Drive\achats.sqlite", "synced", "Google Drive"),
        ("/home/agent/Nextcloud/Mairie/achats.sqlite", "synced", "Nextcloud"),
        ("/home/agent/pCloud Drive/achats.sqlite", "synced", "pCloud"),
        ("/Users/agent/Library/Mobile Documents/com~apple~CloudDocs/achats.sqlite", "synced", "iCloud"),
        (r"\\serveur\partage\achats.sqlite", "network", "UNC"),
        ("//serveur/partage/achats.sqlite", "network", "UNC"),
        ("/mnt/partage/achats/achats.sqlite", "network", "cifs"),
        ("/mnt/nfs/achats.sqlite", "network", "nfs4"),
        ("/media/agent/CLE USB/achats.sqlite", "removable", "vfat"),
        ("/home/agent/Documents/achats.sqlite", "local", None),
        ("/home/agent/boxes/megaphone/achats.sqlite", "local", None),  # no false positive on substrings
    ],
)
def test_locations_are_classified(path, kind, provider):
    location = classify(path, mounts=MOUNTS, drive_type=3)
    assert (location.kind, location.provider) == (kind, provider)
    assert location.one_writer_only == (kind in ("synced", "removable"))


def test_windows_drive_types():
    assert classify(r"Z:\achats.sqlite", drive_type=DRIVE_REMOTE).kind == "network"
    assert classify(r"E:\achats.sqlite", drive_type=DRIVE_REMOVABLE).kind == "removable"
    assert classify(r"C:\Achats\achats.sqlite", drive_type=3).kind == "local"


def test_conflicted_copies_are_listed(tmp_path):
    folder = tmp_path / "Dropbox"
    folder.mkdir()
    target = folder / "achats.sqlite"
    names = [
        "achats.sqlite",
        "achats (PC-MAIRIE's conflicted copy 2026-11-30).sqlite",
        "achats (copie en conflit de Marie 2026-11-30).sqlite",
        "achats.sync-conflict-20261130-101010-ABCDEFG.sqlite",
        "achats (conflicted copy 2026-11-30 101010).sqlite",
        "achats.sqlite-journal",
        "achats-2025.sqlite",
        "autre.sqlite",
    ]
    for name in names:
        (folder / name).write_bytes(b"x")
    assert [p.name for p in conflicted_copies(target)] == sorted(names[1:5])


def test_onedrive_pc_name_copies_are_listed(tmp_path):
    folder = tmp_path / "OneDrive - Mairie"
    folder.mkdir()
    for name in ("achats.sqlite", "achats-PC-MAIRIE2.sqlite", "notes.txt"):
        (folder / name).write_bytes(b"x")
    assert [p.name for p in conflicted_copies(folder / "achats.sqlite")] == ["achats-PC-MAIRIE2.sqlite"]
