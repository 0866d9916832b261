"""Export use cases: contracts, orders and suppliers to Excel (or French CSV) with the import
templates' columns (so that an exported file re-imports to the same data), DECP 2.0.3 JSON, and
each template's example file."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from app import format as fmt
from app.errors import UserError
from app.io import xlsx_writer
from app.io.templates import Template, export_value, template
from app.model import Organisation
from app.queries import exports as queries
from app.storage.database import Database

EXPORT_KINDS = ("contracts", "orders", "suppliers", "decp")


@dataclass
class ExportResult:
    kind: str
    path: Path
    rows: int
    skipped: list[tuple[str, list[str]]] = field(default_factory=list)  # DECP: reference, what is missing
    below_threshold: int = 0

    def summary(self) -> str:
        lines = [f"{fmt.count(self.rows, 'ligne exportée', 'lignes exportées')} dans {self.path}."]
        if self.below_threshold:
            below = fmt.count(self.below_threshold, "marché", "marchés")
            left = fmt.plural(self.below_threshold, "laissé")
            lines.append(f"{below} sous le seuil de publication DECP {left} de côté.")
        if self.skipped:
            skipped = fmt.count(len(self.skipped), "marché non exporté", "marchés non exportés")
            lines.append(f"{skipped}, données incomplètes :")
            lines.extend(f"  - {ref} : {', '.join(missing)}" for ref, missing in self.skipped)
        return "\n".join(lines)


def _check_target(out: Path, suffixes: tuple[str, ...]) -> Path:
    out = Path(out)
    if out.suffix.lower() not in suffixes:
        raise UserError(f"Le fichier « {out.name} » doit avoir l'extension {' ou '.join(suffixes)}.")
    if not out.parent.exists():
        raise UserError(f"Le dossier « {out.parent} » n'existe pas.")
    return out


def export_table(db: Database, organisation_id: uuid.UUID, kind: str, out: Path) -> ExportResult:
    """Contracts, orders or suppliers to .xlsx (one sheet, template columns) or .csv."""
    out = _check_target(out, (".xlsx", ".csv"))
    tpl = template(kind)
    with db.read() as session:
        rows = queries.table_rows(session, kind, organisation_id)
    return ExportResult(kind, out, write_rows(tpl, rows, out))


def write_rows(tpl: Template, rows: list[dict], out: Path) -> int:
    values = ([export_value(col, row.get(col.key)) for col in tpl.columns] for row in rows)
    if out.suffix.lower() == ".csv":
        return xlsx_writer.write_csv(out, tpl.labels, values)
    sheet = xlsx_writer.SheetSpec(
        title=tpl.sheet,
        headers=tpl.labels,
        kinds=[c.kind for c in tpl.columns],
        widths=[c.width for c in tpl.columns],
        rows=values,
    )
    return xlsx_writer.write_xlsx(out, [sheet])


def save_template(kind: str, out: Path) -> ExportResult:
    """The example file of a template: its columns, one example row, and a help sheet."""
    out = _check_target(out, (".xlsx",))
    tpl = template(kind)
    example = [export_value(c, c.example) if c.example is not None else None for c in tpl.columns]
    help_rows = [
        [c.label, "oui" if c.required else "non", c.expected or "texte libre", " ; ".join(c.synonyms)]
        for c in tpl.columns
    ]
    sheets = [
        xlsx_writer.SheetSpec(
            tpl.sheet, tpl.labels, [c.kind for c in tpl.columns], [c.width for c in tpl.columns], [example]
        ),
        xlsx_writer.SheetSpec(
            "Aide",
            ["Colonne", "Obligatoire", "Valeur attendue", "Autres noms reconnus"],
            ["text"] * 4,
            [28, 12, 60, 60],
            help_rows,
        ),
    ]
    xlsx_writer.write_xlsx(out, sheets)
    return ExportResult(kind, out, 1)


def export_decp(
    db: Database,
    organisation_id: uuid.UUID,
    out: Path,
    *,
    include_all: bool = False,
    today: dt.date | None = None,
) -> ExportResult:
    """The organisation's contracts as DECP 2.0.3 JSON. Contracts below the publication threshold
    (setting ``K.DECP_PUBLICATION``) are left out unless ``include_all``; incomplete ones are
    listed with what they miss, never published with invented values."""
    from app.io.decp import DecpContract, to_decp, write_decp
    from app.queries.contracts import contracts_facts
    from app.queries.organisation_settings import settings_for
    from app.rules.dated_settings import MissingSetting
    from app.rules.settings_catalogue import K
    from app.services.clauses import contract_considerations

    out = _check_target(out, (".json",))
    today = today or dt.date.today()
    result = ExportResult("decp", out, 0)
    marches: list[dict] = []
    with db.read() as session:
        org = session.get(Organisation, organisation_id)
        if org is None:
            raise UserError("La collectivité choisie n'existe plus dans ce fichier.")
        if not org.siret:
            raise UserError(
                f"« {org.name} » n'a pas de SIRET : il est obligatoire pour publier les données essentielles."
            )
        settings = settings_for(session, organisation_id)
        facts = {f.id: f for f in contracts_facts(session, organisation_id, settings=settings, today=today)}
        for c in queries.contracts_by_notification(session, organisation_id):
            f = facts[c.id]
            amount = f.publication_amount
            if not include_all:
                on = c.notification_date or today
                try:
                    threshold = settings.get(K.DECP_PUBLICATION, on)
                except MissingSetting:
                    threshold = None  # before the 2.0 format: no threshold recorded
                if threshold is not None and (amount is None or amount < threshold):
                    result.below_threshold += 1
                    continue
            social, environmental = (
                list(c.social_considerations or []),
                list(c.environmental_considerations or []),
            )
            if not social or not environmental:
                # What the clause checklist put in the contract counts, so nobody enters it twice.
                from_checklist = contract_considerations(session, c.id)
                social = social or from_checklist[0]
                environmental = environmental or from_checklist[1]
            contract = DecpContract(
                reference=c.reference, decp_id=c.decp_id, object=c.object, decp_nature=c.decp_nature,
                procedure=f.procedure, cpv_code=f.cpv_code, techniques=list(c.techniques or []),
                execution_modes=list(c.execution_modes or []), is_framework=c.is_framework,
                innovative=c.innovative, ccag=c.ccag, offers_received=c.offers_received,
                advance_granted=c.advance_granted, advance_rate=c.advance_rate,
                operator_grouping=c.operator_grouping, place_code=f.place_code,
                place_type=f.place_type, duration_months=f.duration_months, start_date=c.start_date,
                end_date=c.end_date, notification_date=c.notification_date, publication_date=c.publication_date,
                amount=amount, price_types=list(c.price_types or []), price_form=c.price_form,
                subcontracting_declared=c.subcontracting_declared, supplier_siret=f.supplier_siret,
                social_considerations=social, environmental_considerations=environmental,
            )  # fmt: skip
            marche, missing = to_decp(contract, org.siret, today)
            if marche is None:
                result.skipped.append((c.reference, missing))
            else:
                marches.append(marche)
    write_decp(marches, out)
    result.rows = len(marches)
    return result
