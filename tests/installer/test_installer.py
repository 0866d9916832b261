"""The installer's small parts, without building the bundle (that is installer/build.sh, run by .ci/run):
the entry point's argument handling, the size budget, the Linux menu shortcut and the Windows script."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import tarfile
from pathlib import Path

import pytest

INSTALLER = Path(__file__).resolve().parents[2] / "installer"


def load(name: str):  # noqa: ANN201
    spec = importlib.util.spec_from_file_location(f"installer_{name}", INSTALLER / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


entry = load("entry")
sizes = load("sizes")


def test_windowed_entry_opens_a_file_given_alone(tmp_path):
    db = tmp_path / "mairie.sqlite"
    db.write_bytes(b"")
    assert entry.arguments("achats-durables", [str(db)]) == ["gui", "--db", str(db)]
    assert entry.arguments(r"C:\Programmes\Achats Durables\achats-durables.exe", [str(db)])[0] == "gui"


def test_windowed_entry_passes_commands_and_missing_files_through(tmp_path):
    assert entry.arguments("achats-durables", []) == []
    assert entry.arguments("achats-durables", ["selftest"]) == ["selftest"]
    missing = str(tmp_path / "absent.sqlite")
    assert entry.arguments("achats-durables", [missing]) == [missing]


def test_console_entry_is_the_command_line(tmp_path):
    db = tmp_path / "mairie.sqlite"
    db.write_bytes(b"")
    for program in ("achats-durables-cli", "/opt/ad/achats-durables-cli", r"C:\AD\achats-durables-cli.exe"):
        assert entry.arguments(program, [str(db)]) == [str(db)]
        assert entry.arguments(program, ["backup", "--db", str(db)]) == ["backup", "--db", str(db)]


def bundle(tmp_path: Path, sizes_mb: dict[str, float]) -> tuple[Path, Path]:
    folder = tmp_path / "achats-durables"
    for name, size in sizes_mb.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(int(size * sizes.MB)))  # random: the archive does not shrink it
    archive = tmp_path / "bundle.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=1) as tar:
        tar.add(folder, arcname=folder.name)
    return folder, archive


def test_size_table_splits_the_dominant_folder_and_passes_within_budget(tmp_path, capsys):
    folder, archive = bundle(tmp_path, {"lib/big.so": 2.0, "lib/small.so": 0.5, "exe": 1.0, "data.bin": 0.2})
    (folder / "exe-cli").symlink_to("exe")
    assert sizes.main([str(folder), str(archive), "--max-unpacked", "4", "--max-archive", "4"]) == 0
    out = capsys.readouterr().out
    rows = [line.split()[-1] for line in out.splitlines() if "Mo " in line and "%" in line]
    assert rows == ["lib/big.so", "exe", "lib/small.so", "data.bin", "exe-cli"]
    assert re.search(r"décompressé :\s+3\.7 Mo \(budget 4 Mo\) OK", out)


@pytest.mark.parametrize(("unpacked", "archive", "over"), [(3, 10, "décompressé"), (10, 3, "bundle.tar.gz")])
def test_size_budget_fails_when_exceeded(tmp_path, capsys, unpacked, archive, over):
    folder, tarball = bundle(tmp_path, {"a.bin": 3.5})
    args = [str(folder), str(tarball), "--max-unpacked", str(unpacked), "--max-archive", str(archive)]
    assert sizes.main(args) == 1
    assert f"Budget de taille dépassé : {over}" in capsys.readouterr().err


def test_linux_shortcut_points_to_the_folder_wherever_it_is_and_is_removed(tmp_path):
    folder = tmp_path / "Mes programmes & co" / "achats-durables"
    folder.mkdir(parents=True)
    for name in ("install-shortcut.sh", "achats-durables.desktop"):
        (folder / name).write_bytes((INSTALLER / "linux" / name).read_bytes())
    (folder / "achats-durables.png").write_bytes(b"png")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")}
    subprocess.run(["sh", str(folder / "install-shortcut.sh")], env=env, check=True, capture_output=True)
    desktop = tmp_path / "home/.local/share/applications/achats-durables.desktop"
    text = desktop.read_text(encoding="utf-8")
    assert f'Exec="{folder}/achats-durables" %f' in text.splitlines()
    assert "Icon=achats-durables" in text and "MimeType=application/vnd.sqlite3;" in text
    assert (tmp_path / "home/.local/share/icons/hicolor/256x256/apps/achats-durables.png").exists()
    subprocess.run(
        ["sh", str(folder / "install-shortcut.sh"), "--remove"], env=env, check=True, capture_output=True
    )
    assert not desktop.exists()


def test_windows_script_is_per_user_french_and_never_points_to_this_machine():
    iss = (INSTALLER / "achats-durables.iss").read_text(encoding="utf-8")
    assert re.search(r"^PrivilegesRequired=lowest$", iss, re.M)
    assert 'MessagesFile: "compiler:Languages\\French.isl"' in iss
    assert not re.search(r"/(work|root|home|tmp)/|[A-Z]:\\", iss)
    assert not re.search(r"^\[UninstallDelete\]", iss, re.M)  # it removes only what it installed
    assert re.search(r'^Root: HKA; Subkey: "Software\\Classes\\\.sqlite"', iss, re.M)
