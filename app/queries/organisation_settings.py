"""Reading settings: the catalogue's dated values with the organisation's own choices on top.

The one resolver of settings (DESIGN.md "Where shared things live"): nothing shipped is stored in a
town's file, only the organisation's overrides of local choices (``setting`` rows with an
organisation), so a release's new dated values apply to every file as soon as it is opened.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.model import Setting
from app.rules.dated_settings import Settings
from app.rules.settings_catalogue import Catalogue, Override, catalogue


def organisation_overrides(session: Session, organisation_id: uuid.UUID) -> list[Override]:
    rows = session.execute(
        select(Setting.key, Setting.value, Setting.valid_from).where(
            Setting.organisation_id == organisation_id
        )
    )
    return [Override(key, value, valid_from) for key, value, valid_from in rows]


def settings_for(
    session: Session, organisation_id: uuid.UUID | None, *, shipped: Catalogue | None = None
) -> Settings:
    """The settings of one organisation (or the catalogue alone for None), resolved now."""
    shipped = shipped or catalogue()
    if organisation_id is None:
        return shipped.shipped()
    return shipped.resolve(organisation_overrides(session, organisation_id))


def own_values(
    session: Session, organisation_id: uuid.UUID, key: str, valid_from: dt.date | None = None
) -> list[Setting]:
    """The organisation's own dated values of ``key`` (the one of ``valid_from`` when given), as rows
    to edit."""
    stmt = select(Setting).where(Setting.organisation_id == organisation_id, Setting.key == key)
    if valid_from is not None:
        stmt = stmt.where(Setting.valid_from == valid_from)
    return list(session.scalars(stmt))
