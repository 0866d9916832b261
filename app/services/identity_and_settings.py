"""The « Paramètres » screen's use cases: the organisation's identity, and the dated settings in force
with the organisation's own values of its local choices (validated; a legal value is not the town's
to change)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.enums import OrganisationKind, SettingKind
from app.errors import NotFound, ValidationError
from app.model import Organisation, Setting
from app.queries.organisation_settings import own_values, settings_for
from app.rules.dated_settings import MissingSetting, validate_setting_value
from app.rules.settings_catalogue import SCOPE_LABELS, Scope, catalogue
from app.rules.values import normalize_siret, siret_problem
from app.services import audit, scope
from app.storage.database import Database


@dataclass(frozen=True)
class OrganisationIdentity:
    id: uuid.UUID
    version: int
    name: str
    siret: str | None
    kind: OrganisationKind
    population: int | None
    insee_code: str | None
    postcode: str | None
    commune: str | None


def get_identity(db: Database, organisation_id: uuid.UUID) -> OrganisationIdentity:
    with db.read() as session:
        org = session.get(Organisation, organisation_id)
        if org is None:
            raise NotFound("Cette collectivité n'existe plus dans le fichier.")
        return _identity(org)


def _identity(org: Organisation) -> OrganisationIdentity:
    return OrganisationIdentity(
        org.id,
        org.version,
        org.name,
        org.siret,
        org.kind,
        org.population,
        org.insee_code,
        org.postcode,
        org.commune,
    )


def save_identity(
    db: Database, identity: OrganisationIdentity, *, organisation_id: uuid.UUID, user_name: str = ""
) -> OrganisationIdentity:
    """Change the identity of ``identity.id``: only its own users (``organisation_id``) may."""
    name = identity.name.strip()
    if not name:
        raise ValidationError("Le nom de la collectivité est obligatoire.", field="name")
    siret = (identity.siret or "").strip() or None
    if siret:
        problem = siret_problem(siret)
        if problem:
            raise ValidationError(problem, field="siret")
        siret = normalize_siret(siret)
    if identity.population is not None and identity.population < 0:
        raise ValidationError("La population ne peut pas être négative.", field="population")
    for field, size in (("insee_code", 5), ("postcode", 5)):
        value = (getattr(identity, field) or "").strip()
        if value and (len(value) != size or not value.isalnum()):
            label = "code INSEE" if field == "insee_code" else "code postal"
            raise ValidationError(f"Le {label} « {value} » doit compter {size} caractères.", field=field)
    try:
        with db.write() as session:
            org = session.get(Organisation, identity.id)
            if org is None:
                raise NotFound("Cette collectivité n'existe plus dans le fichier.")
            scope.ensure_own(session, org.id, organisation_id, f"L'identité de « {org.name} »")
            if org.version != identity.version:
                raise audit.conflict(
                    session,
                    org.id,
                    "L'identité de la collectivité a été modifiée {who}. Rechargez l'écran.",
                )
            before = {"name": org.name, "siret": org.siret, "population": org.population}
            org.name, org.siret, org.kind, org.population = name, siret, identity.kind, identity.population
            org.insee_code = (identity.insee_code or "").strip() or None
            org.postcode = (identity.postcode or "").strip() or None
            org.commune = (identity.commune or "").strip() or None
            session.flush()
            after = {"name": org.name, "siret": org.siret, "population": org.population}
            audit.record(session, "organisation", org.id, "update", audit.diff(before, after), user_name)
            session.flush()
            return _identity(org)
    except IntegrityError as exc:
        raise ValidationError(
            f"Une autre collectivité du fichier a déjà le SIRET {siret}.", field="siret"
        ) from exc


@dataclass(frozen=True)
class SettingLine:
    key: str
    label: str
    kind: str
    unit: str | None
    value: str  # in force today ("" where the text's figure is not verified)
    valid_from: dt.date
    source: str
    to_verify: bool
    organisation_specific: bool  # the value in force is the town's own choice
    next_value: str | None = None  # a later dated value already known
    next_from: dt.date | None = None
    scope: str = "law"  # "law" (set by a text) or "local" (the town's choice)
    explanation: str = ""
    shipped_value: str | None = None  # the catalogue's value in force today
    shipped_source: str = ""

    @property
    def editable(self) -> bool:
        return self.scope == Scope.LOCAL

    @property
    def scope_label(self) -> str:
        return SCOPE_LABELS[Scope(self.scope)]


def setting_lines(db: Database, organisation_id: uuid.UUID, today: dt.date) -> list[SettingLine]:
    """Every setting of the catalogue with the value in force today for the organisation."""
    shipped = catalogue()
    with db.read() as session:
        settings = settings_for(session, organisation_id)
    lines = []
    for key, declaration in shipped.declarations.items():
        history = settings.history(key)
        try:
            entry = settings.entry(key, today)
        except MissingSetting:  # a value that starts later: shown with its date
            entry = min(history, key=lambda v: v.valid_from)
        later = [v for v in history if v.valid_from > today]
        in_catalogue = [v for v in declaration.values if v.valid_from <= today]
        lines.append(
            SettingLine(
                key,
                declaration.label,
                declaration.kind,
                declaration.unit,
                entry.value,
                entry.valid_from,
                entry.source,
                entry.to_verify,
                entry.organisation_specific,
                later[0].value if later else None,
                later[0].valid_from if later else None,
                declaration.scope.value,
                declaration.explanation,
                in_catalogue[-1].value if in_catalogue else None,
                in_catalogue[-1].source if in_catalogue else declaration.source,
            )
        )
    lines.sort(key=lambda line: (line.scope != Scope.LAW, line.key.split(".")[0], line.label))
    return lines


def save_setting(
    db: Database,
    organisation_id: uuid.UUID,
    key: str,
    value: str,
    valid_from: dt.date,
    *,
    expected: str | None,
    user_name: str = "",
    today: dt.date | None = None,
) -> None:
    """Record the organisation's own value of ``key`` from ``valid_from`` (validated by the settings service).

    ``expected`` (required) is the value in force ``today`` that the user saw (``SettingLine.value``);
    when another user changed it meanwhile, ``ConcurrentEdit`` names who."""
    with db.write() as session:
        _check_unchanged(session, organisation_id, key, expected, today or dt.date.today())
        row = _set_organisation_value(session, organisation_id, key, value, valid_from)
        audit.record(
            session,
            "setting",
            row.id,
            "update",
            {"key": key, "value": row.value, "valid_from": valid_from},
            user_name,
        )


def _check_unchanged(
    session: Session, organisation_id: uuid.UUID, key: str, expected: str | None, today: dt.date
) -> None:
    try:
        current = settings_for(session, organisation_id).entry(key, today).value
    except MissingSetting:
        current = None
    if expected is None or current is None or _same(current, expected):
        return
    rows = own_values(session, organisation_id, key)
    latest = max(rows, key=lambda r: r.updated_at or r.created_at) if rows else None
    declaration = catalogue().declaration(key)
    name = declaration.label if declaration is not None else key
    raise audit.conflict(
        session,
        latest.id if latest is not None else None,
        f"Le réglage « {name} » a été modifié {{who}} (valeur en vigueur : "
        f"« {current} »). Rechargez l'écran avant de le changer.",
    )


def _same(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return text.strip().replace(",", ".").replace("\u202f", "").replace(" ", "")

    return norm(a) == norm(b)


def reset_setting(
    db: Database,
    organisation_id: uuid.UUID,
    key: str,
    *,
    expected: str | None,
    user_name: str = "",
    today: dt.date | None = None,
) -> int:
    """Drop the organisation's own values of ``key``: the shipped catalogue applies again. Returns
    how many dated values were dropped. ``expected``: as for ``save_setting``."""
    with db.write() as session:
        _check_unchanged(session, organisation_id, key, expected, today or dt.date.today())
        rows = _drop_organisation_values(session, organisation_id, key)
        for row_id, value, valid_from in rows:
            audit.record(
                session,
                "setting",
                row_id,
                "delete",
                {"key": key, "value": value, "valid_from": valid_from},
                user_name,
            )
        return len(rows)


def _set_organisation_value(
    session: Session, organisation_id: uuid.UUID, key: str, value: str, valid_from: dt.date
) -> Setting:
    """Record an organisation's own value for a local choice ``key`` from ``valid_from`` (validated).
    A legal value is not the town's to change."""
    declaration = catalogue().declaration(key)
    if declaration is None:
        raise ValidationError(f"Réglage inconnu : « {key} ».", field="key")
    if not declaration.local_choice:
        raise ValidationError(
            f"« {declaration.label} » est fixé par un texte ({declaration.source}) : "
            "la collectivité ne peut pas le modifier.",
            field="key",
        )
    problem = validate_setting_value(declaration.kind, value)
    if problem:
        raise ValidationError(problem, field="value")
    normalized = value.strip().replace(",", ".").replace("\u202f", "").replace(" ", "")
    found = own_values(session, organisation_id, key, valid_from)
    row = found[0] if found else None
    if row is None:
        row = Setting(
            organisation_id=organisation_id,
            key=key,
            kind=SettingKind(declaration.kind),
            unit=declaration.unit,
            label=declaration.label,
            source="Valeur choisie par la collectivité",
            valid_from=valid_from,
            value=normalized,
        )
        session.add(row)
    else:
        row.value = normalized
    session.flush()
    return row


def _drop_organisation_values(
    session: Session, organisation_id: uuid.UUID, key: str
) -> list[tuple[uuid.UUID, str, dt.date]]:
    """Delete the organisation's own values of ``key`` (id, value, date of each)."""
    rows = own_values(session, organisation_id, key)
    dropped = [(row.id, row.value, row.valid_from) for row in rows]
    for row in rows:
        session.delete(row)
    session.flush()
    return dropped
