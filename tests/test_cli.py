"""The command line as scripts and tests use it: exit codes 0/1/2, JSON on stdout, French errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from app.cli import main
from app.storage.migrate import HEAD


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_then_check_json(tmp_path, capsys):
    db = tmp_path / "d.sqlite"
    assert run(capsys, "demo", "--db", str(db))[0] == 0
    code, out, _ = run(capsys, "check", "--db", str(db), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["ok"] is True
    assert data["schema_version"] == HEAD
    assert data["counts"]["organisation"] == 2
    assert data["counts"]["contract"] >= 80
    assert data["counts"]["purchase_order"] >= 3000


def test_demo_refuses_to_overwrite(tmp_path, capsys):
    db = tmp_path / "d.sqlite"
    db.write_text("mes données")
    code, _, err = run(capsys, "demo", "--db", str(db))
    assert code == 1 and "existe déjà" in err
    assert db.read_text() == "mes données"


@pytest.mark.parametrize("content", [b"pas une base", b"", b"SQLite format 3\x00" + b"\xff" * 200])
def test_check_on_bad_file_exits_1_in_french(tmp_path, capsys, content):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(content)
    code, out, err = run(capsys, "check", "--db", str(bad), "--json")
    assert code == 1
    assert err.startswith("Erreur : ") and "Traceback" not in err
    assert "pas une base" in json.loads(out)["error"] or "vide" in json.loads(out)["error"]
    assert bad.read_bytes() == content


def test_init_creates_organisation_and_validates_siret(tmp_path, capsys):
    db = tmp_path / "c.sqlite"
    code, _, err = run(
        capsys, "init", "--db", str(db), "--org", "Commune de Test", "--siret", "21590163800018"
    )
    assert code == 1 and "clé de contrôle" in err
    code, out, _ = run(
        capsys, "init", "--db", str(db), "--org", "Commune de Test", "--siret", "21590163800019", "--json"
    )
    assert code == 0 and json.loads(out)["organisation_id"]
    code, out, _ = run(capsys, "check", "--db", str(db), "--json")
    counts = json.loads(out)["counts"]
    # Settings are read from the shipped catalogue, never copied into a new file.
    assert counts["organisation"] == 1 and counts["department"] == 6 and counts["setting"] == 0


def test_backup_command(tmp_path, capsys):
    db = tmp_path / "d.sqlite"
    run(capsys, "demo", "--db", str(db))
    code, out, _ = run(capsys, "backup", "--db", str(db), "--to", str(tmp_path / "bk"), "--json")
    assert code == 0
    assert (tmp_path / "bk").exists() and json.loads(out)["backup"].endswith(".sqlite")


def test_bad_usage_exits_2():
    result = subprocess.run(
        [sys.executable, "-m", "app", "check", "--nonsense"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "erreur d'utilisation" in result.stderr


def test_version():
    result = subprocess.run([sys.executable, "-m", "app", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("Achats Durables ")


def test_output_piped_into_a_closed_reader_is_not_an_error(tmp_path):
    """`achats-durables clauses --library --json | head` must not end in "Erreur inattendue"."""
    import fcntl
    import os

    db = tmp_path / "d.sqlite"
    subprocess.run([sys.executable, "-m", "app", "demo", "--db", str(db)], check=True, capture_output=True)
    read_end, write_end = os.pipe()
    fcntl.fcntl(read_end, 1031, 4096)  # F_SETPIPE_SZ: a small pipe, so the ~40 kB of JSON cannot fit
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "clauses", "--library", "--json", "--db", str(db)],
        stdout=write_end,
        stderr=subprocess.PIPE,
    )
    os.close(write_end)
    assert os.read(read_end, 10)
    os.close(read_end)  # the reader goes away, like `| head -c 10`
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert b"inattendue" not in err
