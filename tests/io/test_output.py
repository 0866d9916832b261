"""The one output helper: aside, synced, renamed; the old file kept on failure; French errors."""

from __future__ import annotations

import errno
import os

import pytest

from app.io import output
from app.io.output import OutputNotWritten, output_path, write_text


def test_the_target_appears_whole_and_no_part_file_stays(tmp_path):
    out = tmp_path / "rapport.pdf"
    with output_path(out) as part:
        assert part == tmp_path / "rapport.pdf.part"
        part.write_bytes(b"new")
        assert not out.exists()  # nobody sees the file before it is complete
    assert out.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.pdf"]


def test_a_failure_inside_the_block_keeps_the_old_file(tmp_path):
    out = tmp_path / "export.csv"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(ValueError), output_path(out) as part:
        part.write_text("half", encoding="utf-8")
        raise ValueError("writer crashed")
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]


def test_a_file_open_in_another_program_is_named_in_french(tmp_path, monkeypatch):
    out = tmp_path / "classeur.xlsx"
    out.write_text("old", encoding="utf-8")

    def refused(src, dst):  # noqa: ANN001 - what Windows says when Excel holds the file
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr(output.os, "replace", refused)
    with pytest.raises(OutputNotWritten) as caught:
        write_text(out, "new")
    assert f"« {out} »" in caught.value.message
    assert "ouvert dans un autre programme" in caught.value.message
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["classeur.xlsx"]


def test_a_full_disk_is_said_in_french(tmp_path):
    out = tmp_path / "decp.json"
    with pytest.raises(OutputNotWritten, match="le disque est plein"), output_path(out):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert not list(tmp_path.iterdir())


def test_a_missing_folder_is_refused_before_writing(tmp_path):
    with pytest.raises(OutputNotWritten, match="n'existe pas"), output_path(tmp_path / "absent" / "x.pdf"):
        pytest.fail("the block must not run")


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_folder_is_said_in_french(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputNotWritten, match="droit d'écrire"):
            write_text(folder / "x.json", "{}")
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["group-orders", "--year", "2025", "--out"], "commandes.xlsx"),
        (["report", "grouping", "--year", "2025", "--out"], "mutualisation.pdf"),
        (["export", "orders", "--out"], "commandes.csv"),
        (["export", "decp", "--out"], "decp.json"),
    ],
)
def test_every_kind_of_output_keeps_the_old_file_and_names_it(
    demo_db, tmp_path, monkeypatch, capsys, command, name
):
    """Excel or a PDF viewer holding the file (PermissionError on the rename, as on Windows): the
    command fails with the French message naming the file, and the file the user had is intact."""
    from app.cli import main

    out = tmp_path / name
    out.write_bytes(b"the user's previous file")

    def refused(src, dst):  # noqa: ANN001
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr(output.os, "replace", refused)
    code = main([*command, str(out), "--db", str(demo_db.path), "--org", "Commune de Val-des-Saules"])
    assert code == 1
    assert f"Impossible d'écrire « {out} »" in capsys.readouterr().err
    assert out.read_bytes() == b"the user's previous file"
    assert not list(tmp_path.glob("*.part"))
