"""Bad input that used to get through or mislead: NUL bytes deep in a CSV, a CSV mixing UTF-8 and
Windows-1252, calamine's English errors, files over the row limit, and control characters on
their way out to Excel."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.errors import ImportRejected
from app.io import readers, safety
from app.io.readers import open_table, read_csv, read_xlsx
from app.io.templates import template
from app.io.validate import validate

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "io"
HEADER = "N° de marché;Objet du marché;Nature;Mode de passation;Service;Titulaire;SIRET;CPV;Montant € HT;Début;Échéance;Récurrent"
ENGLISH = ("unrecognized", "cannot", "decode", "invalid", "error", "field larger", "expected")


def contract_line(n: int, object_text: str = "Entretien des espaces verts") -> str:
    return (
        f"2024-{n:03d};{object_text};Services;MAPA;Espaces verts;Jardins & Paysages;73282932000074;"
        "77310000;45 600,00;01/03/2024;28/02/2027;oui"
    )


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


# ---- NUL bytes ------------------------------------------------------------------------------------
def test_nul_after_the_first_4_kib_is_a_problem_on_its_row_and_column(tmp_path):
    lines = [HEADER] + [contract_line(n) for n in range(1, 80)]
    lines[60] = contract_line(60, "Balayage\x00 des rues")
    path = write_csv(tmp_path / "marches.csv", lines)
    assert path.read_bytes().index(b"\x00") > 4096  # past safety.sniff_kind's first look
    tpl = template("contracts")
    result = validate(open_table(path, tpl), tpl)
    assert [(p.row, p.column) for p in result.problems] == [(61, "Objet")]
    assert "caractère nul" in result.problems[0].message
    assert 61 not in [r.row for r in result.rows]


def test_nul_is_never_stored_and_exports_stay_clean(new_db, tmp_path):
    from app.services.exports import export_table
    from app.services.imports import import_file

    lines = [HEADER] + [contract_line(n) for n in range(1, 80)]
    lines[70] = contract_line(70, "Tonte\x00")
    path = write_csv(tmp_path / "marches.csv", lines)
    with pytest.raises(ImportRejected) as info:
        import_file(new_db, new_db.organisation_id, path, "contracts")
    assert any("caractère nul" in p.message for p in info.value.problems)
    report = import_file(new_db, new_db.organisation_id, path, "contracts", skip_invalid=True)
    assert (report.created, report.skipped_invalid) == (78, 1)
    export_table(new_db, new_db.organisation_id, "contracts", tmp_path / "export.csv")
    assert b"\x00" not in (tmp_path / "export.csv").read_bytes()
    export_table(new_db, new_db.organisation_id, "contracts", tmp_path / "export.xlsx")
    assert load_workbook(tmp_path / "export.xlsx").active.max_row == 79


@pytest.mark.parametrize(
    ("char", "words"),
    [("\x0b", "code 11"), ("\x1f", "code 31"), ("\udc80", "Unicode incomplet")],
)
def test_other_invisible_characters_are_refused_in_french(char, words):
    from app.io.cells import CellError, parse_text

    with pytest.raises(CellError, match=words):
        parse_text(f"a{char}b")
    assert parse_text("deux\nlignes\tet tab") == "deux\nlignes\tet tab"


# ---- encodings ------------------------------------------------------------------------------------
def test_csv_mixing_utf8_and_cp1252_names_the_encoding_problem(tmp_path):
    utf8_part = "\r\n".join([HEADER, contract_line(1, "Réfection de la toiture")]).encode()
    cp1252_part = contract_line(2, "Déneigement des écoles").encode("cp1252")
    path = tmp_path / "colle.csv"
    path.write_bytes(utf8_part + b"\r\n" + cp1252_part + b"\r\n")
    with pytest.raises(ImportRejected) as info:
        open_table(path, template("contracts"))
    message = info.value.message
    assert "mélange deux encodages" in message
    assert "ligne 1 est en UTF-8" in message and "ligne 3 en Windows-1252" in message
    assert "colonne" not in message


def test_mixed_encoding_found_far_into_a_large_file(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "SCAN_CHUNK", 4096)  # several chunks, lines cut across them
    body = [contract_line(n, "Élagage") for n in range(1, 400)]
    data = "\r\n".join([HEADER, *body]).encode("cp1252") + b"\r\n"
    data += contract_line(400, "Entretien — été").encode() + b"\r\n"
    path = tmp_path / "gros.csv"
    path.write_bytes(data)
    with pytest.raises(ImportRejected, match="la ligne 401 est en UTF-8 et la ligne 1 en Windows-1252"):
        read_csv(path)


def test_cp1252_that_looks_like_utf8_in_one_line_is_still_cp1252(tmp_path):
    # "É" + no-break space is a valid UTF-8 pair (U+0260) in cp1252 bytes: not evidence of UTF-8.
    lines = [HEADER, contract_line(1, "CAFÉ\xa0»"), contract_line(2, "CAFÉ\xa0")]
    path = write_csv(tmp_path / "cafe.csv", lines, "cp1252")
    rows = read_csv(path)[0].rows
    assert rows[2][1] == "CAFÉ\xa0"
    assert rows[0][0] == "N° de marché"


def test_pure_utf8_and_pure_cp1252_files_still_read(tmp_path):
    for encoding in ("utf-8", "utf-8-sig", "cp1252", "utf-16"):
        path = write_csv(
            tmp_path / f"m-{encoding}.csv", [HEADER, contract_line(1, "Réfection — été")], encoding
        )
        rows = read_csv(path)[0].rows
        assert rows[0][0] == "N° de marché", encoding
        assert rows[1][1] == "Réfection — été", encoding


# ---- calamine and csv errors in French -----------------------------------------------------------
def _broken_workbook(tmp_path: Path, title: bytes) -> Path:
    """The messy orders workbook with its title cell's text replaced by ``title`` (raw XML bytes)."""
    good = FIXTURES / "commandes_mairie.xlsx"
    out = tmp_path / "abime.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace("Commune de Test — Bons de commande 2024".encode(), title)
            dst.writestr(info, data)
    return out


@pytest.mark.parametrize(
    ("title", "reason"),
    [(b"&inconnu;", "code XML inconnu"), (b"Mairie \xff\xfe\xfa", "encodage illisible")],
)
def test_calamine_errors_become_a_french_sentence_naming_the_file(tmp_path, title, reason):
    path = _broken_workbook(tmp_path, title)
    with pytest.raises(ImportRejected) as info:
        read_xlsx(path)
    message = info.value.message
    assert message.startswith("Le classeur « abime.xlsx » ne peut pas être lu : ")
    assert reason in message
    assert not any(word in message.lower() for word in ENGLISH), message


def test_unclosed_quote_is_explained_in_french(tmp_path):
    path = tmp_path / "guillemet.csv"
    path.write_text(HEADER + '\r\n2024-001;"Objet jamais fermé' + "x" * 200_000 + "\r\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        read_csv(path)
    assert "guillemet" in info.value.message and "guillemet.csv" in info.value.message
    assert "field larger" not in info.value.message


# ---- row limit ---------------------------------------------------------------------------------
def test_csv_over_the_row_limit_is_refused_without_keeping_its_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "MAX_ROWS", 100)
    path = write_csv(tmp_path / "long.csv", [HEADER] + [contract_line(n) for n in range(1, 200)])
    kept = []
    monkeypatch.setattr(readers, "RawSheet", lambda name, rows: kept.append(rows))
    with pytest.raises(ImportRejected, match="plus de 100 lignes"):
        read_csv(path)
    assert kept == []


def test_quoted_line_breaks_do_not_count_as_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "MAX_ROWS", 100)
    lines = [HEADER] + [contract_line(n, '"Entretien\r\nsur\r\ntrois lignes"') for n in range(1, 60)]
    path = write_csv(tmp_path / "multilignes.csv", lines)
    assert path.read_bytes().count(b"\n") > 130  # more lines than the limit…
    rows = read_csv(path)[0].rows
    assert len(rows) == 60  # …but fewer rows
    assert rows[1][1] == "Entretien\r\nsur\r\ntrois lignes"


def test_xlsx_over_the_row_limit_is_refused_before_calamine_loads_it(tmp_path, monkeypatch):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Commandes")
    for n in range(250):
        ws.append([f"C-{n}", n])
    path = tmp_path / "long.xlsx"
    wb.save(path)
    assert safety.worksheet_rows(path) == {"xl/worksheets/sheet1.xml": 250}
    monkeypatch.setattr(safety, "MAX_ROWS", 200)
    monkeypatch.setattr(safety, "ROW_SCAN_CHUNK", 64)  # tags cut across chunks are counted once

    import python_calamine

    def not_loaded(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("calamine opened a workbook over the limit")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", not_loaded)
    with pytest.raises(ImportRejected, match="plus de 200 lignes"):
        read_xlsx(path)
    assert safety.worksheet_rows(path) == {"xl/worksheets/sheet1.xml": 250}


# ---- writers ---------------------------------------------------------------------------------------
def test_control_characters_do_not_crash_the_xlsx_export(tmp_path):
    from app.io.xlsx_writer import SheetSpec, write_csv, write_xlsx

    values = ["Tonte\x00 des pelouses", "=\x0bSOMME(A1)", "\x00=1+1", "ok\udc80", "deux\nlignes"]
    spec = SheetSpec("Marchés", ["Objet"], ["text"], [30], [[v] for v in values])
    write_xlsx(tmp_path / "out.xlsx", [spec])
    cells = [row[0].value for row in load_workbook(tmp_path / "out.xlsx").active.iter_rows(min_row=2)]
    assert cells == ["Tonte des pelouses", "'=SOMME(A1)", "'=1+1", "ok", "deux\nlignes"]
    write_csv(tmp_path / "out.csv", ["Objet"], [[v] for v in values])
    data = (tmp_path / "out.csv").read_bytes()
    assert b"\x00" not in data and b"\x0b" not in data
    assert "Tonte des pelouses" in data.decode("utf-8-sig")
