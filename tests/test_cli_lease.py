"""Commands on a file in one-writer mode (synced folder, USB stick): while another window holds a
fresh lease, read commands work and write commands are refused naming who and since when; a stale
lease (its PC went silent) no longer blocks a command, and a command never takes the lease."""

from __future__ import annotations

import datetime as dt

from app.cli import main
from app.model import utcnow
from app.services.organisations import create_organisation
from app.storage import create_database, open_database
from app.storage.presence import LEASE_STALE_AFTER_S, Presence, lease_holder


def make(path, name: str):  # noqa: ANN001
    path.parent.mkdir(parents=True, exist_ok=True)
    db = create_database(path)
    create_organisation(db, name)
    db.dispose()
    return path


def hold(path, *, clock=utcnow):  # noqa: ANN001
    db = open_database(path, backup=False)
    assert Presence(db, user_name="Marie Martin", workstation="PC-MAIRIE", clock=clock).take_lease() is None
    return db


def test_fresh_lease_refuses_writes_and_allows_reads(tmp_path, capsys):
    target = make(tmp_path / "Dropbox" / "achats.sqlite", "Commune A")
    other = make(tmp_path / "autre.sqlite", "Commune B")
    holder = hold(target)
    assert main(["merge", str(other), "--db", str(target), "--json"]) == 1
    out, err = capsys.readouterr()
    assert "Lecture seule : ouvert en modification par Marie Martin sur PC-MAIRIE depuis" in err
    assert "dossier synchronisé (Dropbox)" in err and '"kind": "DatabaseReadOnly"' in out
    assert main(["check", "--db", str(target)]) == 0
    assert main(["export", "contracts", "--out", str(tmp_path / "x.xlsx"), "--db", str(target)]) == 0
    assert lease_holder(holder).user_name == "Marie Martin"  # commands never take it
    holder.dispose()


def test_stale_lease_no_longer_blocks_a_command(tmp_path, capsys):
    target = make(tmp_path / "Dropbox" / "achats.sqlite", "Commune A")
    other = make(tmp_path / "autre.sqlite", "Commune B")
    long_ago = utcnow() - dt.timedelta(seconds=LEASE_STALE_AFTER_S + 1)
    hold(target, clock=lambda: long_ago).dispose()
    assert main(["merge", str(other), "--db", str(target)]) == 0, capsys.readouterr().err
