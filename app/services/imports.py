"""Import use cases: spreadsheets of contracts, orders and suppliers, and DECP JSON files.

All-or-nothing by default: one invalid row rejects the file (``ImportRejected`` listing every
problem) and nothing is written. ``skip_invalid`` imports the valid rows; ``dry_run`` reports
without writing. Re-importing a file updates the rows it created (orders matched on number,
contracts on reference, per organisation) and never duplicates them. Unknown departments, purchase
families, suppliers and delivery sites are created on the fly and listed in the report.

Each kind of spreadsheet is an ``Importer`` in ``IMPORTERS`` (template, row mapping, key, existing
keys, pre-checks): a new kind is one more entry. The file is read, validated and resolved against a
read snapshot, and the inserts built, BEFORE the write lock is taken; then ONE short unit of work
re-reads what another writer may have changed, writes with Core ``executemany``, records the
import batch and its audit entry: a failure or a cancel writes nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    Numeric,
    Uuid,
    bindparam,
    insert,
    update,
)
from sqlalchemy.orm import Session

from app import format as fmt
from app.enums import ContractStatus
from app.errors import ImportRejected, UserError
from app.io.cells import key_of
from app.io.decp import DecpRecord, read_decp
from app.io.readers import Table, open_table
from app.io.templates import Template, template
from app.io.validate import Problem, Validation, ValidRow, validate
from app.model import (
    Contract,
    DeliverySite,
    Department,
    ImportBatch,
    Order,
    Organisation,
    PurchaseFamily,
    Supplier,
    utcnow,
)
from app.queries import imports as queries
from app.queries.grouping import gc_paused
from app.rules.contract import FACT_LABELS, Source
from app.services import audit
from app.services.text import normalize_name
from app.storage.database import Database, backup_before

KINDS = ("contracts", "orders", "suppliers", "decp")
TEMPLATE_KINDS = ("contracts", "orders", "suppliers")
KIND_LABELS = {
    "contracts": "Marchés",
    "orders": "Commandes",
    "suppliers": "Fournisseurs",
    "decp": "Données essentielles (DECP)",
}
CHUNK = 5000
MISSING_DEPARTMENT = "service manquant"

ProgressFn = Callable[[int, int, str], None]
CancelFn = Callable[[], bool]


class ImportCancelled(UserError):
    """The user cancelled an import: nothing was written."""

    def __init__(self) -> None:
        super().__init__("Import annulé : rien n'a été enregistré.")


@dataclass
class ImportReport:
    kind: str
    file: str
    dry_run: bool
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    skipped_invalid: int = 0
    blank_rows: int = 0
    total_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    new_departments: list[str] = field(default_factory=list)
    new_families: list[str] = field(default_factory=list)
    new_suppliers: list[str] = field(default_factory=list)
    new_delivery_sites: list[str] = field(default_factory=list)
    other_buyers_skipped: int = 0
    duplicates_skipped: int = 0
    batch_id: uuid.UUID | None = None  # the recorded import, for « Annuler cet import »
    defaulted: dict[str, int] = field(default_factory=dict)  # French column label -> rows given the default

    def summary(self) -> str:
        """French summary for the CLI and the GUI."""
        if self.dry_run:
            created = (
                f"{fmt.number(self.created)} {fmt.plural(self.created, 'serait créée', 'seraient créées')}"
            )
            updated = f"{fmt.number(self.updated)} {fmt.plural(self.updated, 'serait mise', 'seraient mises')} à jour"
        else:
            created = fmt.count(self.created, "créée")
            updated = fmt.count(self.updated, "mise à jour", "mises à jour")
        invalid = fmt.count(self.skipped_invalid, "ligne invalide ignorée", "lignes invalides ignorées")
        lines = [
            f"{KIND_LABELS[self.kind]} : {fmt.count(self.rows_read, 'ligne lue', 'lignes lues')} ; "
            f"{created}, {updated}" + (f", {invalid}" if self.skipped_invalid else "") + "."
        ]
        if self.dry_run:
            lines.append("Essai à blanc : rien n'a été enregistré.")
        for label, names in (
            ("Services créés", self.new_departments),
            ("Familles d'achat créées", self.new_families),
            ("Fournisseurs créés", self.new_suppliers),
            ("Lieux de livraison créés", self.new_delivery_sites),
        ):
            if names:
                shown = ", ".join(names[:20]) + (
                    f" et {fmt.count(len(names) - 20, 'autre')}" if len(names) > 20 else ""
                )
                lines.append(f"{label} ({len(names)}) : {shown}.")
        for label, count in self.defaulted.items():
            rows = fmt.count(count, "ligne qui n'en avait pas", "lignes qui n'en avaient pas")
            lines.append(f"Valeur choisie pour tout le fichier, « {label} » : {rows}.")
        if self.blank_rows or self.total_rows:
            lines.append(
                f"Lignes vides ignorées : {self.blank_rows} ; lignes de total ignorées : {self.total_rows}."
            )
        if self.duplicates_skipped:
            lines.append(
                f"Marchés publiés deux fois à l'identique, gardés une fois : {self.duplicates_skipped}."
            )
        if self.other_buyers_skipped:
            lines.append(f"Marchés d'autres acheteurs laissés de côté : {self.other_buyers_skipped}.")
        return "\n".join(lines)


@dataclass
class ImportPreview:
    kind: str
    sheet: str
    header_row: int  # 1-based
    headers: list[str]
    columns: dict[int, str]  # cell index -> template column key
    unmatched: list[tuple[int, str]]
    missing_required: list[str]
    sample: list[list[str]]  # first rows as text, aligned on ``headers``
    data_rows: int
    problems: list[Problem]
    valid_rows: int


def _table(path: Path, kind: str, mapping: dict[str, str] | None) -> tuple[Template, Table]:
    if kind not in ("contracts", "orders", "suppliers"):
        raise ValueError(kind)
    tpl = template(kind)
    return tpl, open_table(Path(path), tpl, mapping)


@gc_paused
def preview_import(
    path: Path, kind: str, mapping: dict[str, str] | None = None, sample: int = 50
) -> ImportPreview:
    """What the file holds and what is wrong with it, without touching any database."""
    from app.io.cells import parse_text

    tpl, table = _table(path, kind, mapping)
    checked = validate(table, tpl)
    rows = table.rows[table.header_row + 1 : table.header_row + 1 + sample]

    def text(cell: object) -> str:
        try:
            return parse_text(cell)
        except ValueError:
            return "?"

    return ImportPreview(
        kind=kind,
        sheet=table.sheet,
        header_row=table.header_row + 1,
        headers=table.headers,
        columns=table.columns,
        unmatched=table.unmatched,
        missing_required=table.missing_required,
        sample=[[text(c) for c in row] for row in rows],
        data_rows=table.data_rows,
        problems=checked.problems,
        valid_rows=len(checked.rows),
    )


# ------------------------------------------------------------------------------------ resolution

_REFERENCES = ("department_id", "family_id", "delivery_site_id", "supplier_id", "contract_id")


def _contracts_by_reference(session: Session, org_id: uuid.UUID) -> dict[str, uuid.UUID]:
    return {ref.casefold(): id_ for id_, ref in queries.contract_references(session, org_id)}


class _Resolver:
    """Finds or plans departments, families, suppliers, sites and contracts named in a file."""

    def __init__(self, session: Session, org_id: uuid.UUID, now: dt.datetime) -> None:
        self.org_id = org_id
        self.now = now
        self.departments = {key_of(name): id_ for id_, name in queries.department_names(session, org_id)}
        self.sites = {key_of(name): id_ for id_, name in queries.site_names(session, org_id)}
        self.families: dict[str, uuid.UUID] = {}
        self.family_codes: set[str] = set()
        for id_, code, label in queries.family_codes_and_labels(session, org_id):
            self.families.setdefault(key_of(label), id_)
            self.families.setdefault(key_of(code), id_)
            self.family_codes.add(code.upper())
        self.suppliers_by_siret: dict[str, uuid.UUID] = {}
        self.suppliers_by_name: dict[str, uuid.UUID] = {}
        self.suppliers_without_siret: set[uuid.UUID] = set()
        for id_, siret, normalized in queries.supplier_keys(session):
            if siret:
                self.suppliers_by_siret[siret] = id_
            else:
                self.suppliers_without_siret.add(id_)
            self.suppliers_by_name.setdefault(normalized, id_)
        self.contracts = _contracts_by_reference(session, org_id)
        self.new_rows: dict[type, list[dict]] = {
            Department: [],
            DeliverySite: [],
            PurchaseFamily: [],
            Supplier: [],
        }
        self.new_names: dict[type, list[str]] = {
            Department: [],
            DeliverySite: [],
            PurchaseFamily: [],
            Supplier: [],
        }
        self.siret_fills: list[dict] = []
        self._memo: dict[tuple, uuid.UUID | None] = {}

    def _stamp(self) -> dict:
        return {"id": uuid.uuid4(), "created_at": self.now, "updated_at": self.now, "version": 1}

    def _memoised(self, kind: str, name: str | None, resolve) -> uuid.UUID | None:  # noqa: ANN001
        """The id for ``name`` (found or created once per import), the same raw text never looked up twice."""
        if not name:
            return None
        found = self._memo.get((kind, name))
        if found is None:
            found = self._memo[(kind, name)] = resolve(name)
        return found

    def department(self, name: str | None) -> uuid.UUID | None:
        return self._memoised("d", name, self._department)

    def _named(self, known: dict, model: type, name: str, **extra: object) -> uuid.UUID:
        """The id of the organisation's ``model`` row called ``name``, created (and reported) if new."""
        key = key_of(name)
        if key not in known:
            row = self._stamp() | {"organisation_id": self.org_id, "name": name.strip()[:120], **extra}
            known[key] = row["id"]
            self.new_rows[model].append(row)
            self.new_names[model].append(row["name"])
        return known[key]

    def _department(self, name: str) -> uuid.UUID:
        return self._named(self.departments, Department, name)

    def site(self, name: str | None) -> uuid.UUID | None:
        return self._memoised("s", name, self._site)

    def _site(self, name: str) -> uuid.UUID:
        return self._named(self.sites, DeliverySite, name, is_central=False)

    def family(self, label: str | None) -> uuid.UUID | None:
        return self._memoised("f", label, self._family)

    def _family(self, label: str) -> uuid.UUID:
        key = key_of(label)
        if key not in self.families:
            base = re.sub(r"[^A-Z0-9]+", "-", key.upper()).strip("-")[:16] or "FAM"
            code, n = base, 2
            while code in self.family_codes:
                code = f"{base[:16]}-{n}"
                n += 1
            self.family_codes.add(code)
            row = self._stamp() | {
                "organisation_id": self.org_id,
                "code": code,
                "label": label.strip()[:200],
                "cpv_codes": [],
                "grouping_eligible": True,
                "max_delay_days": 14,
                "fair_trade_relevant": False,
            }
            self.families[key] = row["id"]
            self.new_rows[PurchaseFamily].append(row)
            self.new_names[PurchaseFamily].append(row["label"])
        return self.families[key]

    def supplier(self, name: str | None, siret: str | None) -> uuid.UUID | None:
        """SIRET first, then the normalised name; created when unknown."""
        memo_key = ("p", name, siret)
        if memo_key in self._memo:
            return self._memo[memo_key]
        self._memo[memo_key] = found = self._supplier(name, siret)
        return found

    def _supplier(self, name: str | None, siret: str | None) -> uuid.UUID | None:
        if siret and siret in self.suppliers_by_siret:
            return self.suppliers_by_siret[siret]
        normalized = normalize_name(name) if name else ""
        if normalized and normalized in self.suppliers_by_name:
            found = self.suppliers_by_name[normalized]
            if not siret:
                return found
            if found in self.suppliers_without_siret:
                # The same firm, now with its SIRET.
                self.suppliers_without_siret.discard(found)
                self.suppliers_by_siret[siret] = found
                self.siret_fills.append({"b_id": found, "p_siret": siret, "p_updated_at": self.now})
                return found
        if not name and not siret:
            return None
        display = (name or f"Titulaire SIRET {siret}").strip()[:200]
        row = self._stamp() | {
            "name": display,
            "normalized_name": normalize_name(display),
            "siret": siret or None,
            "size": "unknown",
            "social_economy": "none",
        }
        if siret:
            self.suppliers_by_siret[siret] = row["id"]
        self.suppliers_by_name.setdefault(row["normalized_name"], row["id"])
        self.new_rows[Supplier].append(row)
        self.new_names[Supplier].append(display)
        return row["id"]

    def known_ids(self) -> set[uuid.UUID]:
        """Every id this resolver found in the database."""
        return {
            *self.departments.values(),
            *self.sites.values(),
            *self.families.values(),
            *self.suppliers_by_siret.values(),
            *self.suppliers_by_name.values(),
            *self.suppliers_without_siret,
            *self.contracts.values(),
        }

    def planned_ids(self) -> set[uuid.UUID]:
        return {row["id"] for rows in self.new_rows.values() for row in rows}

    def recheck(self, session: Session, rows: list[dict], referenced: set[uuid.UUID]) -> bool:
        """Under the write lock: what another writer did since the rows were prepared. A department,
        family, site or supplier it created meanwhile under a name the file uses is reused, not
        created twice; a row the file refers to (``referenced``) that it deleted meanwhile rejects
        the import. True when rows were changed (ids of rows created meanwhile)."""
        fresh = _Resolver(session, self.org_id, self.now)
        planned = self.planned_ids()
        remap: dict[uuid.UUID, uuid.UUID] = {}
        for model, find in (
            (Department, lambda r: fresh.departments.get(key_of(r["name"]))),
            (DeliverySite, lambda r: fresh.sites.get(key_of(r["name"]))),
            (PurchaseFamily, lambda r: fresh.families.get(key_of(r["label"]))),
            (
                Supplier,
                lambda r: (
                    (r["siret"] and fresh.suppliers_by_siret.get(r["siret"]))
                    or (not r["siret"] and fresh.suppliers_by_name.get(r["normalized_name"]))
                    or None
                ),
            ),
        ):
            kept = [
                (row, name) for row, name in zip(self.new_rows[model], self.new_names[model], strict=True)
            ]
            for row, _name in kept:
                found = find(row)
                if found is not None:
                    remap[row["id"]] = found
            self.new_rows[model] = [row for row, _name in kept if row["id"] not in remap]
            self.new_names[model] = [name for row, name in kept if row["id"] not in remap]
        self.siret_fills = [
            fill
            for fill in self.siret_fills
            if fill["b_id"] in fresh.suppliers_without_siret
            and fill["p_siret"] not in fresh.suppliers_by_siret
        ]
        if remap:
            for row in rows:
                for column in _REFERENCES:
                    if row.get(column) in remap:
                        row[column] = remap[row[column]]
        if referenced - planned - fresh.known_ids():
            raise ImportRejected(
                "Un service, une famille, un fournisseur, un lieu ou un marché que nomme le fichier a été "
                "supprimé sur un autre poste pendant la préparation de l'import. Rien n'a été enregistré : "
                "importez le fichier de nouveau."
            )
        return bool(remap)

    def write_new(self, session: Session) -> None:
        for model in (Department, DeliverySite, PurchaseFamily, Supplier):
            rows = self.new_rows[model]
            if rows:
                session.connection().execute(insert(model.__table__), rows)
        if self.siret_fills:
            session.connection().execute(
                update(Supplier.__table__)
                .where(Supplier.__table__.c.id == bindparam("b_id"))
                .values(
                    siret=bindparam("p_siret"),
                    updated_at=bindparam("p_updated_at"),
                    version=Supplier.__table__.c.version + 1,
                ),
                self.siret_fills,
            )

    def remember_created(self, undo: dict) -> None:
        created = undo.setdefault("created", {})
        for model, rows in self.new_rows.items():
            if rows:
                created.setdefault(model.__tablename__, []).extend(r["id"].hex for r in rows)
        if self.siret_fills:
            undo.setdefault("siret_filled", []).extend(f["b_id"].hex for f in self.siret_fills)

    def fill_report(self, report: ImportReport) -> None:
        report.new_departments = self.new_names[Department]
        report.new_families = self.new_names[PurchaseFamily]
        report.new_suppliers = self.new_names[Supplier]
        report.new_delivery_sites = self.new_names[DeliverySite]


# ---------------------------------------------------------------------------------- row mapping


_CONTRACT_FIELDS = (
    "reference", "object", "nature", "procedure", "cpv_code", "notified_amount", "estimated_amount",
    "max_amount", "notification_date", "start_date", "end_date", "duration_months", "recurrent",
    "is_framework", "renewable", "status", "price_form", "price_types", "ccag", "offers_received",
    "social_considerations", "environmental_considerations", "notes", "place_code", "publication_date",
    "advance_granted", "advance_rate", "innovative", "subcontracting_declared", "operator_grouping",
    "techniques", "execution_modes",
)  # fmt: skip


def parse_defaults(kind: str, pairs: list[str]) -> dict[str, object]:
    """``["Service=Mairie", "Procédure=MAPA"]`` -> ``{"department": "Mairie", "procedure": Procedure.ADAPTED}``."""
    from app.io.cells import CellError
    from app.io.templates import header_index
    from app.io.validate import parse_cell

    if not pairs:
        return {}
    if kind not in TEMPLATE_KINDS:
        raise UserError(
            "--default ne s'applique qu'aux fichiers de marchés, de commandes ou de fournisseurs."
        )
    tpl = template(kind)
    index = header_index(tpl)
    out: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        key = index.get(key_of(name)) or (name if name in {c.key for c in tpl.columns} else None)
        if not sep or key is None:
            raise UserError(
                f"« {pair} » : attendu COLONNE=VALEUR avec une colonne du modèle ({', '.join(tpl.labels[:8])}…)."
            )
        column = tpl.column(key)
        try:
            out[key] = parse_cell(column, value)
        except (CellError, ValueError) as exc:
            raise UserError(f"« {pair} » : {exc} ; attendu : {column.expected or 'une valeur'}.") from exc
    return out


def _apply_defaults(
    tpl: Template, checked: Validation, defaults: dict[str, object], report: ImportReport
) -> None:
    """Give rows without a value the file-wide default the buyer chose in the assistant."""
    for key, value in defaults.items():
        if value in (None, ""):
            continue
        label = tpl.column(key).label
        for row in checked.rows:
            if row.values.get(key) in (None, ""):
                row.values[key] = value
                report.defaulted[label] = report.defaulted.get(label, 0) + 1


_ORDER_FIELDS = ("number", "order_date", "amount", "weight_kg", "latest_delivery_date", "description")
_SUPPLIER_FIELDS = ("name", "siret", "size", "social_economy", "postcode", "commune", "distance_km", "notes")


def _contract_row(
    values: dict, resolver: _Resolver, today: dt.date, given_by_default: set[str] = frozenset()
) -> dict:
    row = {k: values[k] for k in _CONTRACT_FIELDS if k in values}
    # What the file said is "imported"; what the buyer chose for the whole file is "confirmed". Nature,
    # procedure and the rest are derived when read (app.rules.contract), never stored as guesses.
    row["fact_sources"] = {
        k: (Source.CONFIRMED if k in given_by_default else Source.IMPORTED).value
        for k in FACT_LABELS
        if row.get(k) is not None
    }
    if "department" in values:
        row["department_id"] = resolver.department(values["department"])
    if "family" in values:
        row["family_id"] = resolver.family(values["family"])
    if "supplier" in values or "supplier_siret" in values:
        row["supplier_id"] = resolver.supplier(values.get("supplier"), values.get("supplier_siret"))
    return row


def _order_rows(valid: list[ValidRow], resolver: _Resolver) -> list[dict]:
    """The orders' column values; each distinct department, family, site and supplier named in the
    file is resolved once, in the order the file first names it (the order they are created in)."""
    lookups = (
        ("department", "department_id", {}, resolver.department),
        ("family", "family_id", {}, resolver.family),
        ("delivery_site", "delivery_site_id", {}, resolver.site),
    )
    suppliers: dict[tuple, uuid.UUID | None] = {}
    contracts = resolver.contracts
    rows = []
    for valid_row in valid:
        values = valid_row.values
        row = {k: values[k] for k in _ORDER_FIELDS if k in values}
        for field_name, id_name, known, resolve in lookups:
            if field_name in values:
                name = values[field_name]
                found = known.get(name, _UNSEEN)
                if found is _UNSEEN:
                    found = known[name] = resolve(name)
                row[id_name] = found
        if "supplier" in values or "supplier_siret" in values:
            pair = (values.get("supplier"), values.get("supplier_siret"))
            found = suppliers.get(pair, _UNSEEN)
            if found is _UNSEEN:
                found = suppliers[pair] = resolver.supplier(*pair)
            row["supplier_id"] = found
        if "contract_reference" in values:
            row["contract_id"] = contracts.get(values["contract_reference"].casefold())
        rows.append(row)
    return rows


_UNSEEN = object()


def _reject(report: ImportReport, problems: list[Problem], path: Path) -> ImportRejected:
    rows = len({p.row for p in problems if p.row})
    hint = ""
    without_department = sum(1 for p in problems if p.message == MISSING_DEPARTMENT)
    if without_department:
        orders = fmt.count(without_department, "commande n'a", "commandes n'ont")
        give = "donnez-lui-en un" if without_department < 2 else "donnez-leur-en un pour toutes à la fois"
        hint = (
            f" {orders} pas de service : {give} "
            "(« Valeurs pour toutes les lignes » dans l'assistant, ou --default Service=NOM en ligne de commande)."
        )
    return ImportRejected(
        f"Le fichier « {path.name} » n'a pas été importé : {fmt.count(len(problems), 'problème')} "
        f"sur {fmt.count(rows, 'ligne')}. "
        f"Corrigez-{fmt.plural(len(problems), 'le', 'les')} puis importez à nouveau, ou importez seulement les lignes valides "
        "(option « ignorer les lignes invalides »)." + hint + " Rien n'a été enregistré.",
        problems=problems,
    )


def _stored_uuid(value: uuid.UUID) -> str:
    return value.hex  # what Uuid(as_uuid=True) stores on SQLite, without re-checking our own ids


@dataclass
class _Inserts:
    """Every prepared row as it would be inserted (ids given, stamps and defaults filled in), built
    before the write lock is taken: under the lock, inserting is only the driver's executemany.

    On SQLite the values go column by column through each column type's public bind processor
    (``dialect_impl(dialect).bind_processor``: the exact stored form a typed insert writes) and the
    rows go straight to the driver: SQLAlchemy's per-row parameter compilation costs more than the
    insert itself for 100,000 rows. Other databases get the typed Core insert of plain dicts."""

    ids: list[str]  # the new rows' ids, as hex
    params: list  # one tuple (SQLite) or dict (others) per prepared row
    sql: str | None  # the driver-level INSERT on SQLite

    def execute(self, session: Session, table, indexes: list[int]) -> None:  # noqa: ANN001
        params = [self.params[i] for i in indexes]
        if self.sql is None:
            session.connection().execute(insert(table), params)
        else:
            session.connection().exec_driver_sql(self.sql, params)


def _new_ids(count: int) -> list[str]:
    """``count`` random (version 4) UUIDs as hex, as ``uuid.uuid4().hex`` but without building
    100,000 UUID objects: 16 random bytes each, with the version and variant bits set. Sorted, so
    that rows inserted in the file's order fill the primary key's index in its own order (about a
    fifth less work for SQLite than scattered keys); they are no less random."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = bytes((b & 0x0F) | 0x40 for b in raw[6::16])
    raw[8::16] = bytes((b & 0x3F) | 0x80 for b in raw[8::16])
    text = raw.hex()
    return sorted(text[i : i + 32] for i in range(0, 32 * count, 32))


def _prepare_inserts(db: Database, table, rows: list[dict], base: dict, now: dt.datetime) -> _Inserts:  # noqa: ANN001
    ids = _new_ids(len(rows))
    stamps = {"created_at": now, "updated_at": now, "version": 1}
    row_keys = set(itertools.chain.from_iterable(rows))  # every key some row has
    dialect = db.engine.dialect
    names: list[str] = []
    columns: list[list[object]] = []
    for column in table.c:
        key = column.key
        if key == "id":
            values: list[object] = [uuid.UUID(h) for h in ids] if dialect.name != "sqlite" else list(ids)
        elif key in stamps:
            values = [stamps[key]] * len(rows)
        elif key in row_keys:
            fallback = base.get(key)
            values = list(map(dict.get, rows, itertools.repeat(key), itertools.repeat(fallback)))
        elif key in base:
            values = [base[key]] * len(rows)
        elif column.default is not None:  # Python-side default (JSON lists, flags) a typed insert fills in
            arg = column.default.arg
            values = [arg(None) if column.default.is_callable else arg] * len(rows)
        else:
            continue
        names.append(column.name)
        columns.append(values)
    if dialect.name != "sqlite":
        return _Inserts(ids, [dict(zip(names, v, strict=True)) for v in zip(*columns, strict=True)], None)
    for n, column_name in enumerate(names):
        column = table.c[column_name]
        if column_name == "id":
            continue  # already the stored hex
        if isinstance(column.type, Uuid):
            process = _stored_uuid
        else:
            process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            if type(column.type) is Date:  # the file's dates: equal values, often distinct objects
                columns[n] = _processed_by_value(columns[n], process)
            else:
                columns[n] = _processed(columns[n], process, memo=not isinstance(column.type, Numeric))
    quoted = ", ".join(f'"{n}"' for n in names)
    marks = ", ".join("?" for _ in names)
    sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})'
    return _Inserts(ids, list(zip(*columns, strict=True)), sql)


def _processed(values: list, process: Callable[[object], object], *, memo: bool) -> list:
    """``values`` in their stored form; a column's repeated values (ids of a few departments, the
    same dates, one timestamp) are converted once."""
    if not memo:
        return [None if v is None else process(v) for v in values]
    # Keyed by identity: repeated values are the same objects (the resolver's ids, the parser's
    # remembered cells), and every value stays alive in ``values`` meanwhile, so no id is reused.
    identities = list(map(id, values))
    distinct = dict(zip(identities, values, strict=True))
    done = {key: None if v is None else process(v) for key, v in distinct.items()}
    return list(map(done.__getitem__, identities))


def _processed_by_value(values: list, process: Callable[[object], object]) -> list:
    """``values`` in their stored form, each distinct value converted once."""
    done: dict[object, object] = {None: None}
    for v in values:
        if v not in done:
            done[v] = process(v)
    return list(map(done.__getitem__, values))


def _as_uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _upsert(
    session: Session,
    model: type,
    rows: list[dict],
    prepared: _Inserts,
    existing: dict[str, object],
    key: Callable[[dict], str | None],
    now: dt.datetime,
    report: ImportReport,
    progress: ProgressFn | None,
    cancelled: CancelFn | None,
    undo: dict | None = None,
) -> None:
    """Insert new rows and update existing ones (same key), by chunks of executemany. The ids it
    creates and the values it overwrites go to ``undo`` (the import batch), so the import can be undone."""
    table = model.__table__  # type: ignore[attr-defined]
    inserts: list[int] = []
    updates: dict[tuple[str, ...], list[dict]] = {}
    for i, row in enumerate(rows):
        k = key(row) or ""
        found = existing.get(k)
        if found is None:
            inserts.append(i)
            if k:
                existing[k] = prepared.ids[i]
        else:
            cols = tuple(sorted(row))
            updates.setdefault(cols, []).append(
                {f"p_{c}": v for c, v in row.items()} | {"b_id": _as_uuid(found), "p_updated_at": now}
            )
    total = len(inserts) + sum(len(v) for v in updates.values())
    done = 0

    def tick() -> None:
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        if progress is not None:
            progress(done, total, f"Enregistrement : {done} / {total}")

    tick()
    if undo is not None:
        undo.setdefault("created", {}).setdefault(table.name, []).extend(prepared.ids[i] for i in inserts)
        for cols, params in updates.items():
            _remember_before(session, table, cols, [p["b_id"] for p in params], undo)
    for start in range(0, len(inserts), CHUNK):
        chunk = inserts[start : start + CHUNK]
        prepared.execute(session, table, chunk)
        done += len(chunk)
        tick()
    for cols, params in updates.items():
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                {c: bindparam(f"p_{c}") for c in cols}
                | {"updated_at": bindparam("p_updated_at"), "version": table.c.version + 1}
            )
        )
        for start in range(0, len(params), CHUNK):
            chunk = params[start : start + CHUNK]
            session.connection().execute(stmt, chunk)
            done += len(chunk)
            tick()
    report.created += len(inserts)
    report.updated += total - len(inserts)


# ---------------------------------------------------------------------------------- import batches


def _json_safe(value: object) -> object:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):  # datetime too
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _from_json(column, value: object) -> object:  # noqa: ANN001
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, Uuid):
        return uuid.UUID(value)  # type: ignore[arg-type]
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        return Decimal(value)  # type: ignore[arg-type]
    if isinstance(kind, DateTime):
        return dt.datetime.fromisoformat(value)  # type: ignore[arg-type]
    if isinstance(kind, Date):
        return dt.date.fromisoformat(value)  # type: ignore[arg-type]
    return value


def _remember_before(session: Session, table, cols: tuple[str, ...], ids: list, undo: dict) -> None:  # noqa: ANN001
    """The values an update is about to overwrite, JSON-safe, for « Annuler cet import »."""
    wanted = [c for c in cols if c in table.c]
    kept = undo.setdefault("updated", {}).setdefault(table.name, [])
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in queries.rows_by_id(session, table, wanted, chunk):
            kept.append({k: _json_safe(v) for k, v in row.items()})


def _record_batch(
    session: Session,
    organisation_id: uuid.UUID,
    kind: str,
    path: Path,
    report: ImportReport,
    undo: dict,
    user: str,
) -> None:
    batch = ImportBatch(
        # To the microsecond: two imports within one second must still be told apart and ordered.
        created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        organisation_id=organisation_id,
        kind=kind,
        file_name=path.name[:260],
        user_name=user[:120],
        created_count=report.created,
        updated_count=report.updated,
        undo=undo,
    )
    session.add(batch)
    session.flush()
    report.batch_id = batch.id


@dataclass(frozen=True)
class BatchRow:
    id: uuid.UUID
    kind: str
    file_name: str
    at: dt.datetime
    user_name: str
    created: int
    updated: int
    undone_at: dt.datetime | None

    @property
    def description(self) -> str:
        when = self.at.strftime("%d/%m/%Y %H:%M")
        return (
            f"{KIND_LABELS.get(self.kind, self.kind)} — « {self.file_name} », le {when} (UTC) : "
            f"{fmt.count(self.created, 'créé')}, {fmt.count(self.updated, 'mis à jour', 'mis à jour')}"
            + (" — annulé" if self.undone_at else "")
        )


def import_batches(db: Database, organisation_id: uuid.UUID) -> list[BatchRow]:
    """The organisation's imports, newest first."""
    with db.read() as session:
        return [
            BatchRow(
                b.id,
                b.kind,
                b.file_name,
                b.created_at,
                b.user_name,
                b.created_count,
                b.updated_count,
                b.undone_at,
            )
            for b in queries.batches(session, organisation_id)
        ]


# Created rows are removed children first; the shared look-ups last and only when nothing uses them.
_UNDO_ORDER = ("purchase_order", "contract", "supplier", "delivery_site", "purchase_family", "department")


@dataclass(frozen=True)
class UndoResult:
    removed: int
    restored: int
    kept_in_use: int  # rows the import created that other data uses now: kept

    def sentence(self) -> str:
        text = (
            f"Import annulé : {fmt.count(self.removed, 'ligne retirée', 'lignes retirées')}, "
            f"{fmt.count(self.restored, 'remise dans son', 'remises dans leur')} état d'avant."
        )
        if self.kept_in_use:
            kept = fmt.count(
                self.kept_in_use,
                "élément créé par l'import est gardé",
                "éléments créés par l'import sont gardés",
            )
            text += f" {kept} car d'autres données s'en servent."
        return text


def undo_import(db: Database, batch_id: uuid.UUID, *, user_name: str = "") -> UndoResult:
    """« Annuler cet import »: remove what the import created and restore what it updated, in one
    transaction, after a backup. A later import that changed the same rows must be undone first."""
    from sqlalchemy import delete

    from app.model import Base
    from app.services import audit

    tables = Base.metadata.tables
    with db.read() as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            raise UserError("Cet import n'existe plus dans ce fichier.")
        if batch.undone_at is not None:
            raise UserError(f"L'import de « {batch.file_name} » a déjà été annulé.")
        later = queries.later_batch_file(session, batch)
    if later is not None:
        raise UserError(
            f"Un import plus récent (« {later} ») a eu lieu depuis : annulez-le d'abord, "
            "pour que chaque import retrouve les données telles qu'il les avait laissées."
        )
    if db.path is not None:
        from app.storage.database import backup_database

        backup_database(db, reason="avant-annulation-import")
    removed = restored = kept = 0
    with db.write() as session:
        batch = session.get(ImportBatch, batch_id)
        undo = batch.undo or {}
        for name, rows in (undo.get("updated") or {}).items():
            table = tables[name]
            for row in rows:
                values = {k: _from_json(table.c[k], v) for k, v in row.items() if k != "id"}
                session.execute(
                    update(table)
                    .where(table.c.id == uuid.UUID(row["id"]))
                    .values(values | {"version": table.c.version + 1, "updated_at": utcnow()})
                )
                restored += 1
        supplier = tables["supplier"]
        for hex_id in undo.get("siret_filled") or ():  # a SIRET the import gave a known supplier
            session.execute(
                update(supplier)
                .where(supplier.c.id == uuid.UUID(hex_id))
                .values(siret=None, version=supplier.c.version + 1, updated_at=utcnow())
            )
            restored += 1
        created = undo.get("created") or {}
        for name in _UNDO_ORDER:
            ids = [uuid.UUID(h) for h in created.get(name, ())]
            if not ids:
                continue
            table = tables[name]
            if name in ("purchase_order", "contract"):
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    removed += session.execute(delete(table).where(table.c.id.in_(chunk))).rowcount or 0
                continue
            users = [
                (other, fk.parent)
                for other in tables.values()
                for fk in other.foreign_keys
                if fk.column.table is table and other.name != name
            ]
            for row_id in ids:
                if any(queries.is_referenced(session, col, row_id) for _t, col in users):
                    kept += 1
                    continue
                removed += session.execute(delete(table).where(table.c.id == row_id)).rowcount or 0
        batch.undone_at = utcnow()
        audit.record(
            session,
            "import_batch",
            batch.id,
            "undo",
            {"fichier": batch.file_name, "retirées": removed},
            user_name,
        )
    return UndoResult(removed, restored, kept)


# ------------------------------------------------------------------------------ one importer per kind


@dataclass(frozen=True)
class _Options:
    organisation_id: uuid.UUID
    today: dt.date
    defaults: dict[str, object]


@dataclass(frozen=True)
class Importer:
    """How one kind of spreadsheet becomes rows of one table.

    ``precheck`` drops the rows the database refuses (problems added to the file's); ``build`` turns
    valid rows into column values, resolving names through the resolver; ``existing`` maps the keys
    of rows already in the database to their ids (read again under the write lock); ``base`` gives
    the columns of created rows that the file does not."""

    kind: str
    model: type
    key: Callable[[dict], str]
    build: Callable[[list, _Resolver, _Options], list[dict]]  # valid rows (DECP: records) -> rows
    existing: Callable[[Session, uuid.UUID, list[dict]], dict[str, object]]  # key -> id (or its stored form)
    base: Callable[[_Options], dict]
    precheck: Callable[[list[ValidRow], Template, _Resolver], tuple[list[ValidRow], list[Problem]]] | None = (
        None
    )
    lists_created_rows: bool = False  # the report names the rows created (suppliers), not the looked-up ones

    @property
    def template(self) -> Template:
        return template(self.kind)


def _order_precheck(
    valid: list[ValidRow], tpl: Template, resolver: _Resolver
) -> tuple[list[ValidRow], list[Problem]]:
    kept: list[ValidRow] = []
    problems: list[Problem] = []
    for row in valid:
        ref = row.values.get("contract_reference")
        if not row.values.get("department"):
            # The census of orders is per department: an order without one is not counted.
            problems.append(
                Problem(
                    row.row,
                    tpl.column("department").label,
                    "",
                    MISSING_DEPARTMENT,
                    "le service qui a passé la commande (ou un service pour toutes les lignes "
                    "choisi dans l'assistant d'import)",
                )
            )
        elif ref and ref.casefold() not in resolver.contracts:
            problems.append(
                Problem(
                    row.row,
                    tpl.column("contract_reference").label,
                    ref,
                    "aucun marché de ce nom dans le registre",
                    "la référence d'un marché existant (importez d'abord les marchés)",
                )
            )
        else:
            kept.append(row)
    return kept, problems


def _existing_orders(session: Session, org_id: uuid.UUID, rows: list[dict]) -> dict[str, object]:
    """The file's order numbers already in the register (compared case-insensitively) -> their id
    as stored (made a UUID only for the rows the import updates). Read under the write lock: every
    number of the register first, then the ids of the ones the file holds."""
    wanted = {row["number"].casefold() for row in rows}
    known = [n for n in queries.order_numbers(session, org_id) if n.casefold() in wanted]
    return {n.casefold(): i for i, n in queries.order_ids(session, org_id, known)}


def _existing_contracts(session: Session, org_id: uuid.UUID, rows: list[dict]) -> dict[str, uuid.UUID]:
    return _contracts_by_reference(session, org_id)


def _contract_rows(valid: list[ValidRow], resolver: _Resolver, options: _Options) -> list[dict]:
    given = set(options.defaults)
    rows = [_contract_row(r.values, resolver, options.today, given_by_default=given) for r in valid]
    for r in rows:
        if "status" not in r and r.get("end_date") and r["end_date"] < options.today:
            r["status"] = ContractStatus.ENDED
    return rows


def _supplier_key(row: dict) -> str:
    return row.get("siret") or f"name:{row['normalized_name']}"


def _supplier_rows(valid: list[ValidRow], resolver: _Resolver, options: _Options) -> list[dict]:
    rows = []
    for r in valid:
        row = {k: r.values[k] for k in _SUPPLIER_FIELDS if k in r.values}
        if "distance_km" in row:
            row["distance_km"] = float(row["distance_km"])
        row["normalized_name"] = normalize_name(row["name"])
        rows.append(row)
    return rows


def _existing_suppliers(session: Session, org_id: uuid.UUID, rows: list[dict]) -> dict[str, uuid.UUID]:
    """The existing suppliers the rows match: SIRET first, then the normalised name (a supplier
    known without SIRET gets the file's SIRET)."""
    by_siret: dict[str, uuid.UUID] = {}
    by_name_without_siret: dict[str, uuid.UUID] = {}
    by_name: dict[str, uuid.UUID] = {}
    for id_, siret, normalized in queries.supplier_keys(session):
        if siret:
            by_siret[siret] = id_
        else:
            by_name_without_siret.setdefault(normalized, id_)
        by_name.setdefault(normalized, id_)
    existing: dict[str, uuid.UUID] = {}
    for row in rows:
        siret = row.get("siret")
        if siret:
            found = by_siret.get(siret) or by_name_without_siret.pop(row["normalized_name"], None)
        else:
            found = by_name.get(row["normalized_name"])
        if found is not None:
            existing[_supplier_key(row)] = found
    return existing


def _by_folded(field_name: str) -> Callable[[dict], str]:
    return lambda row: row[field_name].casefold()


IMPORTERS: dict[str, Importer] = {
    "orders": Importer(
        kind="orders",
        model=Order,
        key=_by_folded("number"),
        build=lambda valid, resolver, _options: _order_rows(valid, resolver),
        existing=_existing_orders,
        base=lambda options: {"organisation_id": options.organisation_id},
        precheck=_order_precheck,
    ),
    "contracts": Importer(
        kind="contracts",
        model=Contract,
        key=_by_folded("reference"),
        build=_contract_rows,
        existing=_existing_contracts,
        base=lambda options: {"organisation_id": options.organisation_id, "status": ContractStatus.ACTIVE},
    ),
    "suppliers": Importer(
        kind="suppliers",
        model=Supplier,
        key=_supplier_key,
        build=_supplier_rows,
        existing=_existing_suppliers,
        base=lambda _options: {"size": "unknown", "social_economy": "none"},
        lists_created_rows=True,
    ),
}


def _referenced_ids(rows: list[dict]) -> set[uuid.UUID]:
    """The ids of other rows (departments, suppliers, contracts…) that ``rows`` refer to."""
    found: set[uuid.UUID] = set()
    for column in _REFERENCES:
        # The rows share a few id objects: told apart by identity first (UUIDs hash in Python).
        values = list(map(dict.get, rows, itertools.repeat(column)))
        found.update(dict(zip(map(id, values), values, strict=True)).values())
    found.discard(None)
    return found


def _hold_dirty_pages(session: Session, rows: int) -> None:
    """On SQLite, a page cache big enough for the whole write: when the default 2 MB cache spills,
    SQLite takes the EXCLUSIVE lock early, and readers wait from that moment until COMMIT instead of
    only during it. Per connection (closed after the unit of work); bounded to keep memory low."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        kib = min(max(rows // 2, 2000), 131072)  # ~0.5 KiB of table and index pages per row, at most 128 MiB
        connection.exec_driver_sql(f"PRAGMA cache_size=-{kib}")


def _write(
    db: Database,
    importer: Importer,
    options: _Options,
    path: Path,
    rows: list[dict],
    resolver: _Resolver,
    report: ImportReport,
    progress: ProgressFn | None,
    cancelled: CancelFn | None,
    user_name: str,
) -> None:
    """The one short write transaction of an import: everything was read, checked and resolved
    before it. Under the lock it only re-reads what another writer may have changed meanwhile
    (look-ups, existing keys), then inserts, updates and records the batch and its audit entry."""
    now = resolver.now
    table = importer.model.__table__  # type: ignore[attr-defined]
    prepared = _prepare_inserts(db, table, rows, importer.base(options), now)
    referenced = _referenced_ids(rows)
    with db.write() as session:
        if session.get(Organisation, options.organisation_id) is None:
            raise UserError("La collectivité choisie n'existe plus dans ce fichier.")
        if resolver.recheck(session, rows, referenced):  # another writer created a name the file uses: rare
            prepared = _prepare_inserts(db, table, rows, importer.base(options), now)
        existing = importer.existing(session, options.organisation_id, rows)
        if importer.lists_created_rows:
            report.new_suppliers.extend(r["name"] for r in rows if importer.key(r) not in existing)
        _hold_dirty_pages(session, len(prepared.params))
        resolver.write_new(session)
        undo: dict = {}
        _upsert(
            session,
            importer.model,
            rows,
            prepared,
            existing,
            importer.key,
            now,
            report,
            progress,
            cancelled,
            undo,
        )
        resolver.remember_created(undo)
        _record_batch(session, options.organisation_id, importer.kind, path, report, undo, user_name)
        audit.record(
            session,
            "import_batch",
            report.batch_id,
            "create",
            {
                "fichier": path.name,
                "import": KIND_LABELS[importer.kind],
                "créées": report.created,
                "mises à jour": report.updated,
            },
            user_name,
        )
        if cancelled and cancelled():
            raise ImportCancelled()


def _count_dry_run(importer: Importer, rows: list[dict], existing: dict, report: ImportReport) -> None:
    for row in rows:
        if importer.key(row) in existing:
            report.updated += 1
        else:
            report.created += 1
            existing[importer.key(row)] = uuid.uuid4()
            if importer.lists_created_rows:
                report.new_suppliers.append(row["name"])


@gc_paused  # a file's cells and rows: a million acyclic objects the collector would scan again and again
def import_file(
    db: Database,
    organisation_id: uuid.UUID,
    path: Path,
    kind: str,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    mapping: dict[str, str] | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    today: dt.date | None = None,
    defaults: dict[str, object] | None = None,
    user_name: str = "",
) -> ImportReport:
    """Import a spreadsheet or CSV of ``kind`` (contracts, orders, suppliers) into an organisation;
    ``decp`` goes to ``import_decp``.

    ``defaults`` gives a value for every row that has none (the assistant's « Procédure pour toutes
    les lignes », « Service pour toutes les commandes »), keyed by template column. The file is
    read, checked and resolved against a read snapshot; only then is the write lock taken, for one
    short transaction (``_write``)."""
    importer = IMPORTERS.get(kind)
    if importer is None:
        if kind not in KINDS:
            raise ValueError(kind)
        return import_decp(
            db,
            organisation_id,
            path,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            progress=progress,
            cancelled=cancelled,
            today=today,
            user_name=user_name,
        )
    path = Path(path)
    options = _Options(organisation_id, today or dt.date.today(), dict(defaults or {}))
    if progress:
        progress(0, 0, "Lecture du fichier…")
    tpl, table = _table(path, kind, mapping)
    report = ImportReport(kind=kind, file=str(path), dry_run=dry_run)
    if table.missing_required:
        problems = validate(table, tpl).problems[: len(table.missing_required)]
        raise ImportRejected(
            f"Le fichier « {path.name} » n'a pas été importé : "
            + fmt.plural(
                len(table.missing_required), "colonne obligatoire absente", "colonnes obligatoires absentes"
            )
            + " : "
            + ", ".join(f"« {c} »" for c in table.missing_required)
            + ". Renommez l'en-tête de la colonne ou associez-la dans l'assistant d'import.",
            problems=problems,
        )
    if cancelled and cancelled():
        raise ImportCancelled()
    if progress:
        progress(0, 0, "Vérification des lignes…")
    checked: Validation = validate(table, tpl)
    del table  # the cells: the checked values are all that is needed from here
    _apply_defaults(tpl, checked, options.defaults, report)
    report.rows_read = len(checked.rows) + checked.invalid_rows
    report.blank_rows, report.total_rows = checked.blank_rows, checked.total_rows
    with db.read() as session:  # a read snapshot: no lock is held while preparing
        if session.get(Organisation, organisation_id) is None:
            raise UserError("La collectivité choisie n'existe plus dans ce fichier.")
        resolver = _Resolver(session, organisation_id, utcnow())
        problems = list(checked.problems)
        valid = checked.rows
        if importer.precheck is not None:
            valid, refused = importer.precheck(valid, tpl, resolver)
            problems.extend(refused)
        invalid_rows = len({p.row for p in problems if p.row})
        report.problems = sorted(problems, key=lambda p: (p.row, p.column))
        if problems and not skip_invalid:
            raise _reject(report, report.problems, path)
        report.skipped_invalid = invalid_rows
        rows = importer.build(valid, resolver, options)
        del checked, valid
        if dry_run:
            _count_dry_run(importer, rows, importer.existing(session, organisation_id, rows), report)
    if not dry_run:
        if cancelled and cancelled():
            raise ImportCancelled()
        backup_before(db, "import")
        _write(db, importer, options, path, rows, resolver, report, progress, cancelled, user_name)
    if not importer.lists_created_rows:
        resolver.fill_report(report)
    return report


# ------------------------------------------------------------------------------------------ DECP


def _decp_contract_row(record: DecpRecord, resolver: _Resolver, today: dt.date) -> dict:
    holder = record.holders[0] if record.holders else None
    supplier_id = None
    if holder is not None:
        siret = holder.identifier if holder.id_type == "SIRET" and len(holder.identifier) == 14 else None
        from app.rules.values import siret_problem

        if siret and siret_problem(siret):
            siret = None
        supplier_id = resolver.supplier(holder.name or None, siret)
    status = ContractStatus.ENDED if record.end_date and record.end_date < today else ContractStatus.ACTIVE
    return {
        "reference": record.reference[:60],
        "decp_id": record.decp_id[:40] or None,
        "object": record.object or "(sans objet)",
        "nature": record.nature,
        "decp_nature": record.decp_nature,
        "procedure": record.procedure,
        "status": status,
        "cpv_code": record.cpv_code,
        "notified_amount": record.amount,
        "is_framework": record.is_framework,
        "notification_date": record.notification_date,
        "publication_date": record.publication_date,
        "start_date": record.notification_date,
        "end_date": record.end_date,
        "duration_months": record.duration_months,
        "place_code": (record.place_code or "")[:10] or None,
        "place_type": record.place_type,
        "price_form": record.price_form,
        "price_types": record.price_types,
        "techniques": record.techniques,
        "execution_modes": record.execution_modes,
        "innovative": record.innovative,
        "ccag": record.ccag,
        "offers_received": record.offers_received,
        "advance_granted": record.advance_granted,
        "advance_rate": record.advance_rate,
        "subcontracting_declared": record.subcontracting_declared,
        "operator_grouping": record.operator_grouping,
        "social_considerations": record.social_considerations,
        "environmental_considerations": record.environmental_considerations,
        "supplier_id": supplier_id,
        "fact_sources": {
            k: Source.IMPORTED.value
            for k in ("nature", "procedure", "duration_months", "place_code", "cpv_code")
            if getattr(record, k, None) is not None
        },
    }


_DECP = Importer(
    kind="decp",
    model=Contract,
    key=_by_folded("reference"),
    build=lambda records, resolver, options: [
        _decp_contract_row(r, resolver, options.today) for r in records
    ],
    existing=_existing_contracts,
    base=lambda options: {"organisation_id": options.organisation_id},
)


def import_decp(
    db: Database,
    organisation_id: uuid.UUID,
    path: Path,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    today: dt.date | None = None,
    user_name: str = "",
) -> ImportReport:
    """The organisation's own marchés from a DECP JSON file (filtered by its SIRET) into its register."""
    path = Path(path)
    today = today or dt.date.today()
    with db.read() as session:
        org = session.get(Organisation, organisation_id)
        if org is None:
            raise UserError("La collectivité choisie n'existe plus dans ce fichier.")
        siret, org_name = org.siret, org.name
    if not siret:
        raise ImportRejected(
            f"« {org_name} » n'a pas de SIRET : il faut le SIRET de l'acheteur pour retrouver ses marchés "
            "dans un fichier DECP. Renseignez-le dans les paramètres de la collectivité."
        )
    if progress:
        progress(0, 0, "Lecture du fichier DECP…")
    parsed = read_decp(path, siret)
    report = ImportReport(kind="decp", file=str(path), dry_run=dry_run)
    report.other_buyers_skipped = parsed.skipped_other_buyers
    report.duplicates_skipped = parsed.duplicates
    if not parsed.records and not parsed.problems:
        others = sorted(parsed.buyers.items(), key=lambda kv: kv[0])[:5]
        listed = ", ".join(f"{s} ({n})" if n else s for s, n in others)
        raise ImportRejected(
            f"Aucun marché de l'acheteur {siret} ({org_name}) dans « {path.name} » "
            f"({fmt.count(parsed.total, 'marché')} d'autres acheteurs : {listed}…)."
            if parsed.total
            else f"Le fichier « {path.name} » ne contient aucun marché."
        )
    report.rows_read = len(parsed.records) + len(
        {p.row for p in parsed.problems if p.row} - {r.index for r in parsed.records}
    )
    report.problems = parsed.problems
    if parsed.problems and not skip_invalid:
        raise _reject(report, parsed.problems, path)
    bad_indexes = {p.row for p in parsed.problems}
    records = [r for r in parsed.records if r.index not in bad_indexes]
    report.skipped_invalid = len(bad_indexes)
    options = _Options(organisation_id, today, {})
    with db.read() as session:  # a read snapshot: no lock is held while preparing
        resolver = _Resolver(session, organisation_id, utcnow())
        rows = _DECP.build(records, resolver, options)
        if dry_run:
            _count_dry_run(_DECP, rows, _DECP.existing(session, organisation_id, rows), report)
    if not dry_run:
        backup_before(db, "import")
        _write(db, _DECP, options, path, rows, resolver, report, progress, cancelled, user_name)
    resolver.fill_report(report)
    return report
