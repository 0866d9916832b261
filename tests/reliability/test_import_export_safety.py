"""RELIABILITY R16–R19 through the services, on a real file: hostile workbooks are refused quickly,
with little memory, and leave the database byte for byte as it was; exported text that looks like a
formula is escaped with one apostrophe, and the apostrophe goes away again, exactly one, on re-import.
Each test ends with ``integrity_check`` and ``foreign_key_check``."""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from app.errors import ImportRejected
from app.services.exports import export_table
from app.services.imports import import_file
from tests.io.test_safety import minimal_xlsx
from tests.sqlite_checks import assert_sound

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "io"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def xml_bomb(path: Path) -> Path:
    """The 4.9 KB billion-laughs workbook of R16 (one cell of 1,000,000 characters once expanded)."""
    entities = '<!ENTITY a0 "dix caractères">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 7)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&a6;</t></is></c></row></sheetData></worksheet>'
    )
    return minimal_xlsx(path, sheet)


def zip_bomb(path: Path, megabytes: int = 110) -> Path:
    """A workbook with a member of ``megabytes`` MB of zeros (ratio about 1000:1, over 100 MB)."""
    return minimal_xlsx(path, "<worksheet/>", {"xl/worksheets/sheet2.xml": b"0" * (megabytes * 1024 * 1024)})


def test_r16_xml_bomb_is_refused_in_under_a_second_and_the_file_is_unchanged(new_db, tmp_path):
    bomb = xml_bomb(tmp_path / "bombe-xml.xlsx")
    assert bomb.stat().st_size < 6000
    new_db.dispose()
    before = digest(new_db.path)
    start = time.perf_counter()
    with pytest.raises(ImportRejected) as info:
        import_file(new_db, new_db.organisation_id, bomb, "orders")
    seconds = time.perf_counter() - start
    print(f"R16: XML bomb refused in {seconds * 1000:.0f} ms (limit 1 s)")
    assert seconds < 1 and "XML" in info.value.message
    new_db.dispose()
    assert digest(new_db.path) == before
    assert_sound(new_db.path)


PROBE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from app.errors import ImportRejected
from app.io.readers import open_table
from app.io.templates import template
tpl = template("orders")
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MB (Linux: kB)
import app.io.safety, app.io.readers  # noqa: loaded first: their size is not the bomb's doing
before = peak()
start = time.perf_counter()
try:
    open_table(Path({bomb!r}), tpl)
    message = None
except ImportRejected as exc:
    message = exc.message
print(json.dumps([message, time.perf_counter() - start, peak() - before]))
"""


def test_r17_zip_bomb_is_refused_quickly_with_little_memory(new_db, tmp_path):
    bomb = zip_bomb(tmp_path / "bombe-zip.xlsx")
    assert bomb.stat().st_size < 1024 * 1024
    code = PROBE.format(root=str(ROOT), bomb=str(bomb))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    message, seconds, growth = json.loads(run.stdout.splitlines()[-1])
    print(
        f"R17: zip bomb (110 MB member) refused in {seconds * 1000:.0f} ms, peak RSS growth {growth:.1f} MB"
    )
    assert message and "zip bomb" in message
    assert seconds < 1 and growth < 50
    new_db.dispose()
    before = digest(new_db.path)
    with pytest.raises(ImportRejected):
        import_file(new_db, new_db.organisation_id, bomb, "orders")
    new_db.dispose()
    assert digest(new_db.path) == before
    assert_sound(new_db.path)


def _mutant(source: bytes, rng: random.Random, suffix: str) -> bytes:
    """Byte flips, truncation, a missing part (xlsx), or a removed/duplicated chunk."""
    blob = bytearray(source)
    choice = rng.randrange(5 if suffix == ".xlsx" else 4)
    if choice == 0:
        for _ in range(rng.randint(1, 30)):
            blob[rng.randrange(len(blob))] = rng.randrange(256)
    elif choice == 1:
        blob = blob[: rng.randrange(1, len(blob))]
    elif choice == 2:
        start = rng.randrange(len(blob))
        del blob[start : start + rng.randint(1, 600)]
    elif choice == 3:
        start = rng.randrange(len(blob))
        blob[start:start] = blob[start : start + rng.randint(1, 600)]
    else:  # a part of the package removed
        import io

        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(bytes(blob))) as zin, zipfile.ZipFile(out, "w") as zout:
            names = zin.namelist()
            dropped = rng.choice(names)
            for name in names:
                if name != dropped:
                    zout.writestr(name, zin.read(name))
        blob = bytearray(out.getvalue())
    return bytes(blob)


SOURCES = ["commandes_mairie.xlsx", "commandes_erreurs.xlsx", "marches_cp1252.csv"]


@pytest.mark.parametrize("seed", range(0, 200, 5))
def test_r18_mutated_files_are_refused_or_imported_whole_each_under_5_s(new_db, tmp_path, seed):
    """Through the import service (40 of the 200 seeds of tests/fuzz here, every seed there): only
    ``ImportRejected`` escapes, a refused file leaves the database byte for byte as it was, and each
    file takes under 5 s."""
    rng = random.Random(seed)
    source = FIXTURES / rng.choice(SOURCES)
    path = tmp_path / f"mutant-{seed}{source.suffix}"
    path.write_bytes(_mutant(source.read_bytes(), rng, source.suffix))
    kind = "contracts" if source.suffix == ".csv" else "orders"
    new_db.dispose()
    before = digest(new_db.path)
    start = time.perf_counter()
    try:
        report = import_file(new_db, new_db.organisation_id, path, kind, skip_invalid=True)
    except ImportRejected as exc:
        assert exc.message
        new_db.dispose()
        assert digest(new_db.path) == before, "a refused import changed the file"
    else:
        assert report.created + report.updated >= 0
    assert time.perf_counter() - start < 5
    new_db.dispose()
    assert_sound(new_db.path)


PAYLOADS = [
    "=1+1",
    "+33 1 23 45 67 89",
    "-2",
    "@SUM(A1)",
    "\tTabulation",
    "\rRetour",
    "=cmd|'/c calc'!A1",
    '=HYPERLINK("http://x","y")',
    "'déjà une apostrophe",
    "''=deux apostrophes",
    "Fournitures ordinaires",
]


def _orders_csv(path: Path) -> None:
    def quoted(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    lines = ["N° BC;Date;Montant;Service;Désignation"]
    lines += [f"BC-{i:02d};01/02/2026;10;Mairie;{quoted(p)}" for i, p in enumerate(PAYLOADS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _descriptions(db_path: Path) -> dict[str, str]:
    con = sqlite3.connect(db_path)
    try:
        return dict(con.execute("SELECT number, description FROM purchase_order"))
    finally:
        con.close()


TRIGGERS = ("=", "+", "-", "@")


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_r19_formulas_are_escaped_on_export_and_exactly_one_apostrophe_goes_on_reimport(
    new_db, tmp_path, suffix
):
    source = tmp_path / "entree.csv"
    _orders_csv(source)
    import_file(new_db, new_db.organisation_id, source, "orders")
    stored = _descriptions(new_db.path)
    # the import trims spaces, tabs and line breaks around a value, and keeps the rest as typed
    assert stored == {f"BC-{i:02d}": p.strip() for i, p in enumerate(PAYLOADS)}
    out = tmp_path / f"sortie{suffix}"
    export_table(new_db, new_db.organisation_id, "orders", out)
    if suffix == ".xlsx":
        sheet = openpyxl.load_workbook(out).active
        column = [c.value for c in sheet[1]].index("Désignation") + 1
        cells = {sheet.cell(r, 1).value: sheet.cell(r, column) for r in range(2, sheet.max_row + 1)}
        for number, text in stored.items():
            cell = cells[number]
            assert cell.data_type == "s", (number, cell.data_type)  # text, never a live formula
            assert cell.value == ("'" + text if text.startswith(TRIGGERS) else text)
    else:
        raw = out.read_bytes().decode("utf-8-sig")
        lines = {line.split(";", 1)[0]: line for line in raw.split("\r\n") if line}
        for number, text in stored.items():
            if text.startswith(TRIGGERS) and '"' not in text:
                assert lines[number].endswith(";'" + text)
        assert lines["BC-07"].endswith(
            ';"\'=HYPERLINK(""http://x"",""y"")"'
        )  # RFC 4180: quoted, quotes doubled
    # re-imported elsewhere: the same values, exactly one apostrophe removed where one was added
    other = tmp_path / "autre.sqlite"
    from app.services.organisations import create_organisation
    from app.storage import create_database

    db = create_database(other)
    org = create_organisation(db, "Commune Destinataire")
    import_file(db, org, out, "orders")
    db.dispose()
    assert _descriptions(other) == stored
    assert_sound(new_db.path)
    assert_sound(other)


@pytest.mark.parametrize(
    ("text", "written"), [("\0=1+1", "'=1+1"), ("\0", ""), ("a\0b", "ab"), ("=\0x", "'=x")]
)
def test_r19_a_null_character_never_reaches_the_file_nor_hides_a_formula(tmp_path, text, written):
    """``\\0`` cannot be stored in a worksheet's XML: it is dropped, and a formula behind it is still
    escaped (both formats go through the same escape)."""
    from app.io.xlsx_writer import SheetSpec, escape_formula, write_csv, write_xlsx

    assert escape_formula(text) == written
    out = tmp_path / "nul.xlsx"
    write_xlsx(out, [SheetSpec("F", ["Texte"], ["text"], [20], [[text]])])
    cell = openpyxl.load_workbook(out).active["A2"]
    assert (cell.value or "") == written and cell.data_type != "f"  # never a live formula
    csv_out = tmp_path / "nul.csv"
    write_csv(csv_out, ["Texte"], [[text]])
    assert "\0" not in csv_out.read_text(encoding="utf-8-sig")
