"""Presence with heartbeat, the data_version watcher, and the one-writer lease (RELIABILITY R12, R15)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app import errors
from app.model import Department, utcnow
from app.storage import open_database
from app.storage.presence import (
    LEASE_STALE_AFTER_S,
    STALE_AFTER_S,
    ChangeWatcher,
    Presence,
    lease_holder,
    who_is_here,
)

ROOT = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: int) -> None:
        self.now += dt.timedelta(seconds=seconds)


def second_window(db):
    """Another window on the same file (its own engine and connections)."""
    return open_database(db.path, backup=False) if db.path is not None else open_database(db.url)


@pytest.mark.both_backends
def test_two_windows_see_each_other_and_a_crashed_one_expires(new_db):
    other_db = second_window(new_db)
    clock = Clock()
    marie = Presence(new_db, user_name="Marie", workstation="PC-MAIRIE", clock=clock)
    paul = Presence(other_db, user_name="Paul", workstation="PC-ECOLE", clock=clock)
    assert marie.join() and paul.join()
    assert [e.user_name for e in marie.others()] == ["Paul"]
    assert [(e.user_name, e.workstation) for e in paul.others()] == [("Marie", "PC-MAIRIE")]
    assert "Marie sur PC-MAIRIE depuis" in paul.others()[0].describe()

    clock.advance(STALE_AFTER_S - 10)
    assert marie.beat()  # Paul's window was killed: no more beats from it
    clock.advance(20)
    assert marie.others() == []  # stale: older than three beats
    assert [e.user_name for e in who_is_here(new_db, now=clock.now)] == ["Marie"]

    clock.advance(5)
    newcomer = Presence(new_db, user_name="Léa", workstation="PC-3", clock=clock)
    newcomer.join()  # removes the stale entries
    with new_db.session(write=False) as s:
        from sqlalchemy import func, select

        from app.model import Presence as Row

        assert s.scalar(select(func.count()).select_from(Row)) == 2
    marie.leave()
    assert [e.user_name for e in newcomer.others()] == []
    other_db.dispose()


@pytest.mark.both_backends
def test_a_beat_after_being_cleaned_up_joins_again(new_db):
    clock = Clock()
    sleeper = Presence(new_db, user_name="Dort", clock=clock)
    sleeper.join()
    clock.advance(STALE_AFTER_S + 60)  # the PC slept
    Presence(new_db, user_name="Autre", clock=clock).join()  # cleans the stale entry
    assert sleeper.beat()
    assert {e.user_name for e in who_is_here(new_db, now=clock.now)} == {"Dort", "Autre"}


@pytest.mark.both_backends
def test_one_writer_lease(new_db):
    other_db = second_window(new_db)
    clock = Clock()
    first = Presence(new_db, user_name="Marie", workstation="PC-MAIRIE", clock=clock)
    second = Presence(other_db, user_name="Paul", workstation="PC-ECOLE", clock=clock)
    first.join()
    second.join()
    assert first.take_lease() is None and first.writer
    holder = second.take_lease()
    assert holder is not None and not second.writer
    assert holder.user_name == "Marie" and holder.writer
    assert first.take_lease() is None  # asking again keeps it

    first.release_lease()
    assert second.take_lease() is None and second.writer
    assert first.take_lease().user_name == "Paul"

    clock.advance(STALE_AFTER_S + 1)  # Paul's lease beats every 5 min: still fresh at 91 s
    assert who_is_here(new_db, now=clock.now)[0].user_name == "Paul"
    holder = first.take_lease()
    assert holder.user_name == "Paul" and not holder.stale and not first.writer

    clock.advance(LEASE_STALE_AFTER_S)  # Paul's PC crashed while holding the lease
    holder = first.take_lease()
    assert holder.user_name == "Paul" and holder.stale and not first.writer  # offered, not taken
    assert "n'a plus donné signe de vie" in holder.describe_lease()
    assert first.take_lease(take_over=True) is None and first.writer  # the user agreed
    second.beat()  # Paul's PC wakes up: the lease is no longer his
    assert not second.writer
    assert second.lease_lost
    assert lease_holder(new_db, now=clock.now).user_name == "Marie"
    other_db.dispose()


def test_presence_on_a_read_only_file_is_skipped_not_an_error(new_db):
    path = new_db.path
    new_db.dispose()
    os.chmod(path, 0o444)
    try:
        db = open_database(path, backup=False)
        if not db.read_only:  # running as root: the mode bits do not stop writes
            pytest.skip("l'administrateur peut écrire dans un fichier en lecture seule")
        me = Presence(db, user_name="Lecteur")
        assert me.join() is False and me.beat() is False
        with pytest.raises(errors.DatabaseReadOnly):
            me.take_lease()
        db.dispose()
    finally:
        os.chmod(path, 0o644)


WRITER = textwrap.dedent(
    """
    import sys, uuid
    sys.path.insert(0, {root!r})
    from app.model import Department
    from app.storage import open_database
    db = open_database({target!r}, backup=False)
    with db.session() as s:
        s.add(Department(organisation_id=uuid.UUID({org!r}), name="Ajouté par un autre poste"))
    db.dispose()
    """
)


@pytest.mark.both_backends
def test_watcher_sees_another_process_commit_but_not_a_heartbeat(new_db):
    watcher = ChangeWatcher(new_db)
    try:
        assert watcher.changed() is False
        me = Presence(second_window(new_db), user_name="Quelqu'un")
        me.join()
        me.beat()
        assert watcher.changed() is False  # presence only: no reload
        target = str(new_db.path) if new_db.path is not None else new_db.url
        code = WRITER.format(root=str(ROOT), target=target, org=str(new_db.organisation_id))
        subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
        assert watcher.changed() is True
        assert watcher.changed() is False  # once per change
        with new_db.session() as s:
            s.add(Department(organisation_id=new_db.organisation_id, name="Ici"))
        assert watcher.changed() is True  # another connection of this process counts too
        me.leave()
        me.db.dispose()
    finally:
        watcher.close()


def test_lease_needed_only_where_locks_do_not_cross_machines(new_db, monkeypatch):
    from app.storage import location, presence

    assert presence.needs_lease(new_db) is False  # a local disk
    monkeypatch.setattr(location, "classify", lambda path: location.Location("synced", "OneDrive"))
    assert presence.needs_lease(new_db) is True


CRASHING_HOLDER = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from app.storage import open_database
    from app.storage.presence import Presence
    db = open_database({path!r}, backup=False)
    assert Presence(db, user_name="Marie Martin").take_lease() is None  # this PC's name
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_a_lease_left_by_a_crashed_window_of_this_pc_is_offered_at_once(new_db):
    """The app crashed and is opened again on the same PC: its lease is offered as stale at once
    (its process is gone), without waiting three beats; another PC's lease still waits for the clock."""
    if new_db.path is None:
        pytest.skip("a file")
    code = CRASHING_HOLDER.format(root=str(ROOT), path=str(new_db.path))
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == -9
    holder = Presence(new_db, user_name="Marie Martin").take_lease()
    assert holder is not None and holder.stale and holder.heartbeat_at >= utcnow() - dt.timedelta(seconds=60)
    from app.storage.in_use import occupants

    assert occupants(new_db.path) == []  # nor does it block a restore or a migration
