"""Reference data (departments, purchase families, suppliers, delivery sites) through ONE generic
mechanism: each kind is described by field specifications that the GUI turns into a table and a
form, and that this module uses to validate, list, save and delete.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.enums import SocialEconomyStatus, SupplierSize, label
from app.errors import ConcurrentEdit, NotFound, ValidationError
from app.model import DeliverySite, Department, PurchaseFamily, Supplier
from app.queries import reference as queries
from app.rules.values import InvalidValue, normalize_cpv, normalize_siret, siret_problem
from app.services import audit, scope
from app.services.text import normalize_name
from app.storage.database import Database


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str = "text"  # text, integer, decimal, bool, choice, siret, cpv_list, postcode
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    in_table: bool = True
    max_length: int = 200


@dataclass(frozen=True)
class ReferenceKind:
    key: str
    title: str  # plural, for tabs and headings
    singular: str  # "le service", used in sentences
    new_label: str  # "Nouveau service"
    model: type
    organisation_scoped: bool
    fields: tuple[FieldSpec, ...]
    unique: str  # field whose value must be unique (per organisation when scoped)
    explanation: str
    order_by: str = "name"


def _enum_choices(enum_cls) -> tuple[tuple[str, str], ...]:  # noqa: ANN001
    return tuple((member.value, label(member)) for member in enum_cls)


KINDS: dict[str, ReferenceKind] = {
    kind.key: kind
    for kind in (
        ReferenceKind(
            "department",
            "Services",
            "le service",
            "Nouveau service",
            Department,
            True,
            (
                FieldSpec("name", "Nom", required=True, max_length=120),
                FieldSpec(
                    "code",
                    "Code",
                    help="Code court facultatif (par exemple ST pour services techniques).",
                    max_length=20,
                ),
            ),
            "name",
            "Les services (ou directions) qui achètent et passent les commandes.",
        ),
        ReferenceKind(
            "family",
            "Familles d'achat",
            "la famille d'achat",
            "Nouvelle famille",
            PurchaseFamily,
            True,
            (
                FieldSpec("code", "Code", required=True, max_length=20),
                FieldSpec("label", "Libellé", required=True),
                FieldSpec(
                    "cpv_codes",
                    "Codes CPV",
                    "cpv_list",
                    help="Un ou plusieurs codes CPV séparés par des virgules (8 chiffres, clé facultative).",
                ),
                FieldSpec(
                    "grouping_eligible",
                    "Commandes regroupables",
                    "bool",
                    help="Les commandes de cette famille peuvent être groupées entre services.",
                ),
                FieldSpec(
                    "max_delay_days",
                    "Délai de regroupement (jours)",
                    "integer",
                    help="Écart maximal entre deux commandes pour les regrouper.",
                ),
                FieldSpec(
                    "fair_trade_relevant",
                    "Commerce équitable pertinent",
                    "bool",
                    help="Restauration, objets promotionnels… (action 13 du SPASER).",
                ),
                FieldSpec("agec_category", "Catégorie loi AGEC", in_table=False, max_length=60),
            ),
            "code",
            "La nomenclature interne des achats, rattachée aux codes CPV, avec les réglages du regroupement des commandes.",
            order_by="label",
        ),
        ReferenceKind(
            "supplier",
            "Fournisseurs",
            "le fournisseur",
            "Nouveau fournisseur",
            Supplier,
            False,
            (
                FieldSpec("name", "Raison sociale", required=True),
                FieldSpec("siret", "SIRET", "siret", help="14 chiffres ; la clé de contrôle est vérifiée."),
                FieldSpec("size", "Taille", "choice", choices=_enum_choices(SupplierSize)),
                FieldSpec(
                    "social_economy",
                    "Économie sociale et solidaire",
                    "choice",
                    choices=_enum_choices(SocialEconomyStatus),
                    help="ESS, structure d'insertion (SIAE), entreprise adaptée (EA) ou ESAT.",
                ),
                FieldSpec("postcode", "Code postal", "postcode", max_length=10),
                FieldSpec("commune", "Commune", max_length=120),
                FieldSpec(
                    "distance_km",
                    "Distance (km)",
                    "decimal",
                    help="Distance par la route jusqu'à la collectivité, pour estimer le CO2 du transport.",
                    in_table=False,
                ),
            ),
            "siret",
            "Les titulaires des marchés, partagés par toutes les collectivités du fichier.",
        ),
        ReferenceKind(
            "site",
            "Sites de livraison",
            "le site de livraison",
            "Nouveau site",
            DeliverySite,
            True,
            (
                FieldSpec("name", "Nom", required=True, max_length=120),
                FieldSpec("address", "Adresse", max_length=250),
                FieldSpec("postcode", "Code postal", "postcode", max_length=5),
                FieldSpec("commune", "Commune", max_length=120),
                FieldSpec(
                    "is_central",
                    "Réception centrale",
                    "bool",
                    help="Un site central reçoit les livraisons de tous les services.",
                ),
            ),
            "name",
            "Les lieux où les fournisseurs livrent les commandes.",
        ),
    )
}


@dataclass(frozen=True)
class ReferenceItem:
    id: uuid.UUID
    version: int
    values: dict[str, Any]


def _read(obj: Any, spec: FieldSpec) -> Any:
    value = getattr(obj, spec.name)
    if spec.kind == "choice" and value is not None:
        return value.value
    if spec.kind == "cpv_list":
        return list(value or [])
    if spec.kind == "decimal" and value is not None:
        return Decimal(str(value))
    return value


def list_items(db: Database, kind_key: str, organisation_id: uuid.UUID | None) -> list[ReferenceItem]:
    kind = KINDS[kind_key]
    with db.read() as session:
        return [
            ReferenceItem(obj.id, obj.version, {f.name: _read(obj, f) for f in kind.fields})
            for obj in queries.items(
                session,
                kind.model,
                kind.order_by,
                scoped=kind.organisation_scoped,
                organisation_id=organisation_id,
            )
        ]


def clean_values(kind: ReferenceKind, values: dict[str, Any]) -> dict[str, Any]:
    """Validated, normalised values; ``ValidationError`` (French, with the field) otherwise."""
    out: dict[str, Any] = {}
    for spec in kind.fields:
        raw = values.get(spec.name)
        if isinstance(raw, str):
            raw = raw.strip()
        if spec.kind == "bool":
            out[spec.name] = bool(raw)
            continue
        if raw in (None, "", []):
            if spec.required:
                raise ValidationError(f"Le champ « {spec.label} » est obligatoire.", field=spec.name)
            if spec.kind == "cpv_list":
                out[spec.name] = []
            elif spec.kind == "integer" and spec.name == "max_delay_days":
                out[spec.name] = 14
            elif spec.kind == "choice":
                out[spec.name] = spec.choices[-1 if spec.name == "size" else 0][0]
            else:
                out[spec.name] = None
            continue
        if spec.kind in ("text", "postcode"):
            if len(raw) > spec.max_length:
                raise ValidationError(
                    f"Le champ « {spec.label} » est trop long ({spec.max_length} caractères au plus).",
                    field=spec.name,
                )
            if spec.kind == "postcode" and not raw.replace(" ", "").isdigit():
                raise ValidationError(
                    f"Le code postal « {raw} » ne doit contenir que des chiffres.", field=spec.name
                )
            out[spec.name] = raw
        elif spec.kind == "integer":
            try:
                number = int(str(raw))
            except ValueError:
                raise ValidationError(
                    f"« {raw} » n'est pas un nombre entier ({spec.label}).", field=spec.name
                ) from None
            if number < 0:
                raise ValidationError(f"Le champ « {spec.label} » ne peut pas être négatif.", field=spec.name)
            out[spec.name] = number
        elif spec.kind == "decimal":
            try:
                number = Decimal(str(raw).replace(",", ".").replace(" ", ""))
            except InvalidOperation:
                raise ValidationError(
                    f"« {raw} » n'est pas un nombre ({spec.label}).", field=spec.name
                ) from None
            if number < 0:
                raise ValidationError(f"Le champ « {spec.label} » ne peut pas être négatif.", field=spec.name)
            out[spec.name] = number
        elif spec.kind == "siret":
            problem = siret_problem(raw)
            if problem:
                raise ValidationError(problem, field=spec.name)
            out[spec.name] = normalize_siret(raw)
        elif spec.kind == "cpv_list":
            items = raw if isinstance(raw, list) else [p for p in str(raw).replace(";", ",").split(",")]
            codes = []
            for item in (i.strip() for i in items):
                if not item:
                    continue
                try:
                    normalize_cpv(item)
                except InvalidValue as exc:
                    raise ValidationError(str(exc), field=spec.name) from exc
                codes.append(item)
            out[spec.name] = codes
        elif spec.kind == "choice":
            allowed = {code for code, _ in spec.choices}
            if raw not in allowed:
                raise ValidationError(f"Valeur « {raw} » inconnue pour « {spec.label} ».", field=spec.name)
            out[spec.name] = raw
        else:
            out[spec.name] = raw
    return out


def _to_model(kind: ReferenceKind, name: str, value: Any) -> Any:
    spec = next(f for f in kind.fields if f.name == name)
    if spec.kind == "choice":
        enum_cls = {"size": SupplierSize, "social_economy": SocialEconomyStatus}[name]
        return enum_cls(value)
    if spec.kind == "decimal" and value is not None:
        return float(value)  # Supplier.distance_km is a float column (kilometres, not money)
    return value


def save_item(
    db: Database,
    kind_key: str,
    organisation_id: uuid.UUID | None,
    values: dict[str, Any],
    *,
    item_id: uuid.UUID | None = None,
    expected_version: int | None,  # the version read; None when creating
    user_name: str = "",
) -> ReferenceItem:
    kind = KINDS[kind_key]
    clean = clean_values(kind, values)
    model = kind.model
    try:
        with db.write() as session:
            unique_value = clean.get(kind.unique)
            if unique_value:
                holder = queries.holder_of(
                    session,
                    model,
                    kind.unique,
                    unique_value,
                    organisation_id=organisation_id if kind.organisation_scoped else None,
                    other_than=item_id,
                )
                if holder is not None:
                    field_label = next(f.label for f in kind.fields if f.name == kind.unique)
                    raise ValidationError(
                        f"Un autre enregistrement a déjà ce {field_label.lower()} : « {unique_value} ».",
                        field=kind.unique,
                    )
            if item_id is None:
                obj = model(organisation_id=organisation_id) if kind.organisation_scoped else model()
                session.add(obj)
                before: dict[str, Any] = {}
            else:
                obj = session.get(model, item_id)
                if obj is None:
                    raise NotFound(
                        f"Cet enregistrement n'existe plus : {kind.singular} a été supprimé entre-temps."
                    )
                if kind.organisation_scoped:
                    scope.ensure_own(
                        session, obj.organisation_id, organisation_id, f"Cet élément ({kind.singular})"
                    )
                if obj.version != expected_version:
                    raise audit.conflict(
                        session,
                        obj.id,
                        f"Cet élément ({kind.singular}) a été modifié {{who}}. "
                        "Fermez la fiche et rouvrez-la pour voir sa version actuelle.",
                    )
                before = {f.name: _read(obj, f) for f in kind.fields}
            for name, value in clean.items():
                setattr(obj, name, _to_model(kind, name, value))
            if kind.key == "supplier":
                obj.normalized_name = normalize_name(clean["name"])
            session.flush()
            audit.record(
                session,
                kind.key,
                obj.id,
                "create" if item_id is None else "update",
                audit.diff(before, clean),
                user_name,
            )
            return ReferenceItem(obj.id, obj.version, {f.name: _read(obj, f) for f in kind.fields})
    except StaleDataError as exc:
        raise ConcurrentEdit(f"Quelqu'un vient de modifier {kind.singular}. Rouvrez la fiche.") from exc
    except IntegrityError as exc:
        raise ValidationError(f"Enregistrement impossible : {kind.singular} existe déjà.") from exc


def delete_item(
    db: Database,
    kind_key: str,
    item_id: uuid.UUID,
    *,
    organisation_id: uuid.UUID,
    expected_version: int,
    user_name: str = "",
) -> None:
    """Delete an item of ``organisation_id`` (the user's) read at ``expected_version``."""
    kind = KINDS[kind_key]
    with db.write() as session:
        obj = session.get(kind.model, item_id)
        if obj is None:
            raise NotFound("Cet enregistrement a déjà été supprimé.")
        if kind.organisation_scoped:
            scope.ensure_own(session, obj.organisation_id, organisation_id, f"Cet élément ({kind.singular})")
        if obj.version != expected_version:
            raise audit.conflict(
                session,
                obj.id,
                f"Cet élément ({kind.singular}) a été modifié {{who}}. Vérifiez-le avant de le supprimer.",
            )
        values = {f.name: _read(obj, f) for f in kind.fields}
        session.delete(obj)
        audit.record(session, kind.key, item_id, "delete", values, user_name)
