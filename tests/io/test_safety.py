"""Bad input (RELIABILITY R16–R18): each gets a clear French ``ImportRejected`` before any parser."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from app.errors import ImportRejected
from app.io import safety
from app.io.readers import open_table
from app.io.templates import template

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "io"
ORDERS = template("orders")


def rejected(path: Path) -> str:
    with pytest.raises(ImportRejected) as info:
        open_table(path, ORDERS)
    return info.value.message


def minimal_xlsx(path: Path, sheet_xml: str, extra: dict[str, bytes] | None = None) -> Path:
    """A hand-built workbook (so that its XML is exactly what the test says)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="F" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def test_csv_named_xlsx(tmp_path):
    path = tmp_path / "commandes.xlsx"
    path.write_text("N° BC;Date;Montant\nA;01/01/2024;1\n", encoding="utf-8")
    assert "son extension est « .xlsx » mais ce n'est pas un classeur Excel" in rejected(path)


def test_pdf(tmp_path):
    path = tmp_path / "commandes.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    assert "c'est un document PDF" in rejected(path)


def test_encrypted_workbook_is_an_ole2_container(tmp_path):
    path = tmp_path / "protege.xlsx"
    # What Excel writes for a password-protected workbook: a CFB container with an EncryptedPackage stream.
    body = bytearray(4096)
    body[:8] = safety.OLE2_MAGIC
    name = "EncryptedPackage".encode("utf-16-le")
    body[1024 : 1024 + len(name)] = name
    path.write_bytes(bytes(body))
    assert "protégé par un mot de passe" in rejected(path)


def test_old_xls_is_refused_with_the_way_out(tmp_path):
    path = tmp_path / "ancien.xls"
    path.write_bytes(safety.OLE2_MAGIC + bytes(4000))
    assert "Excel 97-2003 (.xls)" in rejected(path)


def test_empty_file(tmp_path):
    path = tmp_path / "vide.csv"
    path.write_bytes(b"")
    assert rejected(path).endswith("il est vide.")


def test_file_over_the_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "gros.csv"
    path.write_text("N° BC;Date;Montant\n" + "A;01/01/2024;1\n" * 200, encoding="utf-8")
    assert "au-delà de la limite" in rejected(path)


def test_too_many_rows_csv_and_xlsx(tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "MAX_ROWS", 50)
    csv_path = tmp_path / "long.csv"
    csv_path.write_text("N° BC;Date;Montant\n" + "A;01/01/2024;1\n" * 100, encoding="utf-8")
    assert "plus de 50 lignes" in rejected(csv_path)
    xlsx = tmp_path / "long.xlsx"
    rows = "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>x</t></is></c></row>' for i in range(1, 120)
    )
    minimal_xlsx(
        xlsx,
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>',
    )
    assert "plus de 50 lignes" in rejected(xlsx)


def test_zip_bomb_rejected_before_any_parser_quickly(tmp_path):
    path = tmp_path / "bombe.xlsx"
    zeros = b"0" * (60 * 1024 * 1024)  # 60 MB of zeros compress ~1000:1
    minimal_xlsx(path, "<worksheet/>", {"xl/worksheets/sheet2.xml": zeros})
    del zeros
    assert path.stat().st_size < 1024 * 1024
    start = time.perf_counter()
    message = rejected(path)
    assert time.perf_counter() - start < 1
    assert "zip bomb" in message


def test_member_too_large_even_if_stored(tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "MAX_MEMBER_BYTES", 10_000)
    path = tmp_path / "gros.xlsx"
    minimal_xlsx(path, "<worksheet>" + "<x/>" * 5000 + "</worksheet>")
    assert "taille admise" in rejected(path)


def test_xml_bomb_rejected(tmp_path):
    # The 4.9 KB billion-laughs workbook of RELIABILITY R16.
    entities = '<!ENTITY a0 "dix caractères">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 7)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&a6;</t></is></c></row></sheetData></worksheet>'
    )
    path = minimal_xlsx(tmp_path / "xmlbomb.xlsx", sheet)
    start = time.perf_counter()
    assert "XML bomb" in rejected(path)
    assert time.perf_counter() - start < 1


def test_openpyxl_is_guarded_by_defusedxml():
    import openpyxl.xml

    safety.ensure_defusedxml()
    assert openpyxl.xml.DEFUSEDXML is True


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "bonjour")
    assert "archive .zip, pas un classeur" in rejected(path)


def test_truncated_workbook(tmp_path):
    path = tmp_path / "tronque.xlsx"
    path.write_bytes((FIXTURES / "commandes_mairie.xlsx").read_bytes()[:1500])
    assert "endommagé" in rejected(path)


def test_no_recognisable_header(tmp_path):
    path = tmp_path / "autre.csv"
    path.write_text("Nom;Prénom;Âge\nDupont;Jean;42\n", encoding="utf-8")
    message = rejected(path)
    assert message.startswith("Aucune ligne d'en-tête reconnue dans « autre.csv »")
    assert "« N° de commande », « Date de commande », « Montant HT »" in message


def test_blank_file_with_only_separators(tmp_path):
    path = tmp_path / "blanc.csv"
    path.write_text(";;;\n;;;\n", encoding="utf-8")
    assert rejected(path) == "Le fichier « blanc.csv » ne contient aucune donnée."


def test_missing_file(tmp_path):
    assert "n'existe pas" in rejected(tmp_path / "absent.xlsx")
