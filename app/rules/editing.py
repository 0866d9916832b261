"""Who may change a row of a file shared by several organisations (pure: no database, no Qt).

A row belongs to one organisation (its *owner*); only the users working for that organisation
change it, every other organisation of the file reads it. A purchasing group's shared data
(groupement de commandes) belongs to its coordinator. A row with no owner (the suppliers, the
clauses shipped with the application, a group with no coordinator yet) is shared by all.
The screens render the answer; the services enforce it (``app.services.scope``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


def may_edit(owner_id: uuid.UUID | None, acting_id: uuid.UUID | None) -> bool:
    """Whether the organisation ``acting_id`` (the user's) may change a row owned by ``owner_id``."""
    return owner_id is None or (acting_id is not None and owner_id == acting_id)


def group_owner(coordinator_id: uuid.UUID | None) -> uuid.UUID | None:
    """The owner of a purchasing group's shared data: its coordinator (members read it)."""
    return coordinator_id


@dataclass(frozen=True)
class Access:
    """What a screen shows for one row: editable or read-only, and whose it is."""

    editable: bool
    owner_name: str = ""  # the other organisation's name when read-only

    @property
    def marker(self) -> str:
        """The register's short marker: « Lecture seule — Mairie de X », empty for one's own rows
        (always in words: a colour or an icon alone never carries the meaning)."""
        return "" if self.editable else f"Lecture seule — {self.owner_name}"

    @property
    def explanation(self) -> str:
        """A sentence for a tooltip or a form's banner."""
        if self.editable:
            return ""
        return (
            f"Lecture seule — {self.owner_name} : cette fiche appartient à une autre collectivité du "
            "fichier. Vous pouvez la consulter, pas la modifier. Pour la modifier, choisissez cette "
            "collectivité (menu Fichier, « Changer de collectivité ou d'utilisateur »)."
        )


def access(owner_id: uuid.UUID | None, owner_name: str, acting_id: uuid.UUID | None) -> Access:
    if may_edit(owner_id, acting_id):
        return Access(True)
    return Access(False, owner_name or "une autre collectivité")
