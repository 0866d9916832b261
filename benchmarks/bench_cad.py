"""CAD dossier speed: 200 presented contracts, each with 11 rated levers and a chart, must be written
in under 2 s. Baseline measured in the same run: a plain reportlab document with the same
number of table pages and no charts. Registered in ``run_all.py``.

    python benchmarks/bench_cad.py
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.reports.cad import (
    CadDossierData,
    LeverLine,
    Member,
    PresentedContract,
    TargetLine,
    build_cad_dossier,
)  # noqa: E402
from app.rules.levers import LEVERS  # noqa: E402
from benchmarks.harness import Context, measure  # noqa: E402

CONTRACTS = 200
LIMIT_S = 2.0


def dossier_data(n: int) -> CadDossierData:
    levers = [
        LeverLine(
            lv.title, i % 4, (i + 1) % 4, (i + 2) % 4, (i * 7) % 101, "Motif pré-rempli : " + lv.title * 2
        )
        for i, lv in enumerate(LEVERS[:11])
    ]
    return CadDossierData(
        organisation="Commune de Val-des-Saules",
        year=2026,
        meeting_date=dt.date(2026, 11, 19),
        place="Salle du conseil",
        members=[Member("Jean Dufour", "Président de la CAO"), Member("Claire Martin", "Acheteuse")],
        contracts=[
            PresentedContract(
                reference=f"VDS-2026-{i:03d}",
                object="Fourniture de petits matériels et consommables de bureau",
                supplier="Bureau Plus Comtois",
                amount=Decimal("12345.67") + i,
                end_date=dt.date(2027, 1 + i % 12, 1),
                family="Fournitures de bureau",
                procedure="Procédure adaptée",
                score=40 + i % 60,
                priority="ABC"[i % 3],
                proposed_actions=[lv.title for lv in LEVERS[:3]],
                levers=levers,
                notes="Observations de l'acheteuse.",
            )
            for i in range(n)
        ],
        targets=[TargetLine(2027, n, n // 2, Decimal("0.6"), Decimal("0.5"), n // 10)],
        bilan=[],
        formula="Formule",
        generated_on=dt.date(2026, 11, 1),
    )


def baseline(out: Path, pages: int) -> int:
    """Plain reportlab: one 12-row table per page, no chart, no custom canvas."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table

    style = getSampleStyleSheet()["BodyText"]
    story = []
    for p in range(pages):
        story.append(Paragraph(f"Page {p}", style))
        story.append(
            Table([[f"Levier {r}", "1", "2", "3", "67", "Motif pré-rempli " * 3] for r in range(12)])
        )
        story.append(PageBreak())
    doc = SimpleDocTemplate(str(out), pagesize=A4)
    doc.build(story)
    return doc.page


def one_round(tmp: Path) -> tuple[int, float, int, float]:
    """(pages, seconds) of the dossier, then of the baseline with as many pages."""
    data = dossier_data(CONTRACTS)
    build_cad_dossier(dossier_data(2), tmp / "warm.pdf")  # fonts registered, modules imported
    t0 = time.perf_counter()
    pages = build_cad_dossier(data, tmp / "cad.pdf")
    dossier_s = time.perf_counter() - t0
    baseline(tmp / "warm-base.pdf", 2)
    t0 = time.perf_counter()
    base_pages = baseline(tmp / "base.pdf", pages)
    base_s = time.perf_counter() - t0
    return pages, dossier_s, base_pages, base_s


@measure(
    f"Dossier CAD, {CONTRACTS} marchés (construction du PDF)",
    target_s=LIMIT_S,
    baseline="tableaux reportlab simples",
)
def cad_dossier(ctx: Context) -> tuple[float, float]:
    _, dossier_s, _, base_s = one_round(ctx.tmp)
    return dossier_s, base_s


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        pages, dossier_s, base_pages, base_s = one_round(Path(tmp))
    print(
        f"CAD dossier: {CONTRACTS} contracts, {pages} pages in {dossier_s:.2f} s ({pages / dossier_s:.0f} pages/s)"
    )
    print(
        f"baseline (plain reportlab tables, no charts): {base_pages} pages in {base_s:.2f} s ({base_pages / base_s:.0f} pages/s)"
    )
    print(
        f"ratio dossier / baseline: {dossier_s / base_s:.1f}x ; limit {LIMIT_S:.0f} s: {'OK' if dossier_s < LIMIT_S else 'TOO SLOW'}"
    )
    return 0 if dossier_s < LIMIT_S else 1


if __name__ == "__main__":
    sys.exit(main())
