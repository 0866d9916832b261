"""Report tables draw plain-text cells as pre-broken strings instead of Paragraphs (ten times
cheaper): the lines must be exactly those a Paragraph of the same style would make, and anything a
string cannot draw the same way (markup, no-break spaces, over-long words, shrunk spaces) must stay a
Paragraph."""

from __future__ import annotations

import random

import pytest
from reportlab.platypus import Paragraph

from app.reports.base import FONT, FONT_BOLD, _plain_lines, data_table, register_fonts, styles

TEXT = (
    "Clause d'insertion sociale critères écologiques et analyse du cycle de vie des produits GES "
    "livraisons fournitures de bureau papier recyclé entretien espaces verts cimetières réservation "
    "ESS SIAE EA ESAT — / ( ) 12 345,67 % a à l'achat"
)
WORDS = TEXT.split(" ")


@pytest.fixture(autouse=True)
def fonts():
    register_fonts()


def paragraph_lines(text: str, width: float, style: str) -> list[str]:
    para = Paragraph(text, styles()[style])
    para.wrap(width, 10_000)
    return [" ".join(words) for _, words in para.blPara.lines]


@pytest.mark.parametrize("seed", range(8))
def test_pre_broken_lines_are_the_paragraph_lines(seed):
    rng = random.Random(seed)
    compared = 0
    for _ in range(300):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 25)))
        width = rng.uniform(25, 260)
        for font, style in ((FONT, "cell"), (FONT_BOLD, "cell_head")):
            plain = _plain_lines(text, width, font)
            if plain is None:
                continue
            compared += 1
            assert plain.split("\n") == paragraph_lines(text, width, style), (text, width)
    assert compared > 300  # most random texts are plain: the comparison really ran


@pytest.mark.parametrize(
    "text",
    [
        "<b>gras</b>",
        "Dupont &amp; fils",
        "12\u202f345,67\u00a0€",  # narrow no-break and no-break spaces must not become breaks
        "deux  espaces",
        " bord",
        "Anticonstitutionnellementanticonstitutionnellement",  # wider than the column: cut by Paragraph
    ],
)
def test_texts_a_string_cannot_draw_like_a_paragraph_stay_paragraphs(text):
    assert _plain_lines(text, 60, FONT) is None


def test_a_line_that_fits_only_with_shrunk_spaces_stays_a_paragraph():
    text = "mot " * 12
    text = text.strip()
    from reportlab.pdfbase.pdfmetrics import stringWidth

    natural = stringWidth(text, FONT, 8)
    assert _plain_lines(text, natural + 0.01, FONT) == text  # fits as is
    assert _plain_lines(text, natural - 0.5, FONT) is None  # a Paragraph would squeeze its spaces


def test_data_table_uses_strings_for_plain_cells_and_paragraphs_for_the_rest():
    table = data_table(
        ("Référence", "Objet"),
        [("A-1", "Texte court"), ("B-2", "Dupont &amp; fils"), (None, 3)],
        (100, 100),
        numeric_columns=(1,),
    )
    cells = table._cellvalues
    assert cells[0] == ["Référence", "Objet"]
    assert cells[1] == ["A-1", "Texte court"]
    assert cells[2][0] == "B-2" and isinstance(cells[2][1], Paragraph)
    assert cells[3] == ["", "3"]
    without_widths = data_table(("A",), [("court",)])
    assert isinstance(without_widths._cellvalues[1][0], Paragraph)  # no width known: wrap as before
