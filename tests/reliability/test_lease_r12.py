"""RELIABILITY R12 — lease and stale lock, on a file in a synced folder (a path under « OneDrive »).

A first process takes the one-writer lease and keeps the file open. While it lives, a second process
sees who holds it and since when, a write command is refused naming them (a read command works),
and neither a migration nor a restore may run. The first process is then killed (SIGKILL: no
goodbye); with the clock moved past three lease heartbeats (injected, no 15-minute sleep) its lease
is offered as stale, and taken only when asked. The file ends intact.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.cli import main
from app.services.organisations import create_organisation
from app.storage import create_database, open_database
from app.storage.in_use import FileInUse, refuse_if_in_use
from app.storage.migrate import HEAD
from app.storage.presence import LEASE_HEARTBEAT_S, LEASE_STALE_AFTER_S, Presence, lease_holder
from app.storage.restore import restore_backup

ROOT = Path(__file__).resolve().parents[2]

HOLDER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from app.storage import open_database
    from app.storage.presence import Presence
    db = open_database({path!r}, backup=False)
    me = Presence(db, user_name="Marie Martin (Commune de Test)", workstation="PC-MAIRIE")
    assert me.take_lease() is None
    print("lease", flush=True)
    time.sleep(600)
    """
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def synced_file(tmp_path):
    folder = tmp_path / "OneDrive - Mairie de Test" / "Achats"
    folder.mkdir(parents=True)
    path = folder / "achats.sqlite"
    db = create_database(path)
    create_organisation(db, "Commune de Test", siret="21250056200013", population=1500)
    db.dispose()
    return path


def test_r12_lease_seen_refused_then_stale_after_a_kill(synced_file, tmp_path, capsys):
    assert LEASE_STALE_AFTER_S == 3 * LEASE_HEARTBEAT_S
    other = tmp_path / "autre.sqlite"
    other_db = create_database(other)
    create_organisation(other_db, "Commune Voisine", population=900)
    other_db.dispose()
    backup = tmp_path / "sauvegarde.sqlite"
    sqlite3.connect(synced_file).backup(con := sqlite3.connect(backup))
    con.close()

    first = subprocess.Popen(
        [sys.executable, "-c", HOLDER.format(root=str(ROOT), path=str(synced_file))],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert first.stdout.readline().strip() == "lease"

        # the second process sees who holds the lease, and since when
        db = open_database(synced_file, backup=False)
        me = Presence(db, user_name="Paul Durand", workstation="PC-ECOLE")
        holder = me.take_lease()
        assert holder is not None and not holder.stale and not me.writer
        since = holder.opened_at.replace(tzinfo=dt.UTC).astimezone().strftime("%H:%M")
        expected = f"Ouvert en modification par Marie Martin (Commune de Test) sur PC-MAIRIE depuis {since}"
        assert holder.describe_lease() == expected
        db.dispose()

        # a write command is refused naming who and since when; a read command works
        code = main(["merge", str(other), "--db", str(synced_file)])
        err = capsys.readouterr().err
        assert code == 1
        assert (
            f"Lecture seule : ouvert en modification par Marie Martin (Commune de Test) sur PC-MAIRIE depuis {since}"
            in err
        )
        assert "dossier synchronisé (OneDrive)" in err
        assert main(["check", "--db", str(synced_file)]) == 0
        assert "Intégrité : correcte" in capsys.readouterr().out

        # neither a restore nor a migration while the lease is fresh
        with pytest.raises(FileInUse, match="restaurer .*ouvert en modification par Marie Martin"):
            restore_backup(backup, synced_file)
        assert main(["restore", "--db", str(synced_file), "--from", str(backup)]) == 1
        assert "Impossible de restaurer" in capsys.readouterr().err
        con = sqlite3.connect(synced_file)
        con.execute("UPDATE alembic_version SET version_num = '0004'")  # as if from an older version
        con.commit()
        con.close()
        stamped = digest(synced_file)
        with pytest.raises(FileInUse, match="mettre à jour .*PC-MAIRIE"):
            open_database(synced_file)
        assert digest(synced_file) == stamped  # no backup-and-upgrade began
        con = sqlite3.connect(synced_file)
        con.execute(f"UPDATE alembic_version SET version_num = '{HEAD}'")
        con.commit()
        con.close()
    finally:
        os.kill(first.pid, signal.SIGKILL)  # no release, no goodbye
        first.wait(30)

    # killed: the lease stays in the file, fresh until three heartbeats have passed
    db = open_database(synced_file, backup=False)
    start = lease_holder(db).heartbeat_at
    almost = start + dt.timedelta(seconds=LEASE_STALE_AFTER_S - 5)
    late = start + dt.timedelta(seconds=LEASE_STALE_AFTER_S + 1)
    assert not Presence(db, user_name="Paul Durand", clock=lambda: almost).take_lease().stale
    with pytest.raises(FileInUse):
        refuse_if_in_use(synced_file, "restaurer", now=almost)
    paul = Presence(db, user_name="Paul Durand", workstation="PC-ECOLE", clock=lambda: late)
    stale = paul.take_lease()
    assert stale is not None and stale.stale and not paul.writer  # offered, not taken
    assert "Marie Martin (Commune de Test) sur PC-MAIRIE" in stale.describe_lease()
    assert "n'a plus donné signe de vie depuis" in stale.describe_lease()
    refuse_if_in_use(synced_file, "restaurer", now=late)  # a stale lease no longer blocks
    assert paul.take_lease(take_over=True) is None and paul.writer  # « reprendre la main »
    assert lease_holder(db, now=late).user_name == "Paul Durand"
    paul.leave()
    assert lease_holder(db, now=late) is None
    db.dispose()

    con = sqlite3.connect(synced_file)
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()
