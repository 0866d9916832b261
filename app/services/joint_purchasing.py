"""Joint purchasing between the organisations of the file: proposals and recording a group."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from app.enums import ContractStatus, PurchaseNature
from app.errors import UserError, ValidationError
from app.grouping.joint import JointContract, JointProposal, Threshold, joint_purchasing_proposals
from app.model import PurchasingGroup, PurchasingGroupMember
from app.queries.contracts import contracts_facts
from app.queries.joint_purchasing import groups_of, organisation_names, proposed_group_id
from app.queries.organisation_settings import settings_for
from app.rules import editing
from app.rules.dated_settings import MissingSetting, Settings, decimal_in_force
from app.rules.settings_catalogue import K
from app.services import audit, scope
from app.services.scope import OtherOrganisation
from app.storage.database import Database

# The procedure thresholds a joint purchase may cross, and which contracts each applies to.
THRESHOLDS = (
    (K.NO_PUBLICITY_SUPPLIES_SERVICES, "supplies_services"),
    (K.NO_PUBLICITY_WORKS, "works"),
    (K.PUBLICITY_BOAMP, "all"),
    (K.EU_SUPPLIES_SERVICES, "supplies_services"),
    (K.EU_WORKS, "works"),
)


def _thresholds(settings: Settings):  # noqa: ANN202
    def on(day: dt.date) -> list[Threshold]:
        out = []
        for key, applies in THRESHOLDS:
            try:
                amount, entry = settings.get(key, day), settings.entry(key.key, day)
            except MissingSetting:
                continue  # before the first value the law is not known to the catalogue
            out.append(Threshold(key=key.key, label=entry.label, amount=Decimal(amount), applies_to=applies))
        return out

    return on


def joint_proposals(db: Database, *, since: dt.date | None = None) -> list[JointProposal]:
    """Contracts of different organisations in the same family or CPV group that end within the
    window (setting ``K.JOINT_WINDOW_MONTHS``) of each other, from ``since`` (default today) on."""
    since = since or dt.date.today()
    with db.read() as session:
        settings = settings_for(session, None)
        window = int(decimal_in_force(settings, K.JOINT_WINDOW_MONTHS, since))
        digits = int(decimal_in_force(settings, K.JOINT_CPV_GROUP_DIGITS, since))
        names = organisation_names(session)
        contracts = [
            JointContract(
                id=f.id,
                organisation=org_id,
                organisation_name=name,
                reference=f.reference,
                object=f.object,
                family_label=f.family_label,
                cpv_code=f.cpv_code,
                end_date=f.end_date,
                amount=f.amount if f.amount is not None else Decimal(0),
                works=f.nature is PurchaseNature.WORKS,
            )
            for org_id, name in names.items()
            for f in contracts_facts(session, org_id)
            if f.end_date is not None and f.end_date >= since and f.status is not ContractStatus.CANCELLED
        ]
        thresholds = _thresholds(settings)
    return joint_purchasing_proposals(contracts, thresholds, window_months=window, cpv_digits=digits)


def record_purchasing_group(
    db: Database, proposal: JointProposal, *, organisation_id: uuid.UUID, user_name: str = ""
) -> uuid.UUID:
    """Record a proposal as a ``PurchasingGroup`` (status « proposé ») with its members' contracts.
    Only one of its members (``organisation_id``, the user's) may record it."""
    if organisation_id not in {m.organisation for m in proposal.members}:
        raise OtherOrganisation(
            "Votre collectivité ne fait pas partie de ce groupement : seuls ses membres peuvent l'enregistrer."
        )
    with db.write() as session:
        if proposed_group_id(session, _group_name(proposal)) is not None:
            raise UserError("Ce groupement de commandes est déjà enregistré.")
        group = PurchasingGroup(
            name=_group_name(proposal),
            family_label=proposal.label if proposal.basis == "family" else None,
            cpv_group=proposal.basis_value if proposal.basis == "cpv" else None,
            coordinator_id=proposal.coordinator.organisation,
            combined_amount=proposal.combined_amount,
            status="proposed",
            notes=proposal.consequence,
        )
        session.add(group)
        session.flush()
        for member in proposal.members:
            for contract in member.contracts:
                session.add(
                    PurchasingGroupMember(
                        group_id=group.id, organisation_id=member.organisation, contract_id=contract.id
                    )
                )
        audit.record(session, "purchasing_group", group.id, "create", {"nom": group.name}, user_name)
        return group.id


STATUS_LABELS = {
    "proposed": "Proposé",
    "agreed": "Convention signée",
    "launched": "Consultation lancée",
    "awarded": "Attribué",
    "abandoned": "Abandonné",
}


@dataclass(frozen=True)
class GroupRow:
    """A purchasing group the user's organisation belongs to; ``access`` says whether it may change
    the group's shared data (only its coordinator does)."""

    id: uuid.UUID
    version: int
    name: str
    coordinator: str
    status: str
    notes: str
    members: tuple[str, ...]
    access: editing.Access

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


def purchasing_groups(db: Database, organisation_id: uuid.UUID) -> list[GroupRow]:
    """The groups ``organisation_id`` coordinates or belongs to."""
    with db.read() as session:
        names = organisation_names(session)
        out = []
        for group, member_ids in groups_of(session, organisation_id):
            owner = editing.group_owner(group.coordinator_id)
            out.append(
                GroupRow(
                    group.id,
                    group.version,
                    group.name,
                    names.get(group.coordinator_id, "—") if group.coordinator_id else "—",
                    group.status,
                    group.notes or "",
                    tuple(sorted(names.get(m, "?") for m in member_ids)),
                    editing.access(owner, names.get(owner, "") if owner else "", organisation_id),
                )
            )
        return out


def update_purchasing_group(
    db: Database,
    group_id: uuid.UUID,
    *,
    status: str,
    notes: str = "",
    expected_version: int,
    organisation_id: uuid.UUID,
    user_name: str = "",
) -> None:
    """Change a group's shared data (status, notes): its coordinator's users only."""
    if status not in STATUS_LABELS:
        raise ValidationError(f"État inconnu : « {status} ».", field="status")
    with db.write() as session:
        group = scope.coordinated_group(session, group_id, organisation_id)
        if group.version != expected_version:
            raise audit.conflict(
                session,
                group.id,
                f"Le groupement « {group.name} » a été modifié {{who}}. Rechargez l'écran.",
            )
        before = {"état": group.status, "notes": group.notes}
        group.status, group.notes = status, notes.strip() or None
        audit.record(
            session,
            "purchasing_group",
            group.id,
            "update",
            audit.diff(before, {"état": group.status, "notes": group.notes}),
            user_name,
        )


def _group_name(proposal: JointProposal) -> str:
    return f"Groupement « {proposal.label} » {proposal.first_end.year}"
