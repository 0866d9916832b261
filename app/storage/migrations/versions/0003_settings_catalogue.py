"""settings are read from the shipped catalogue: drop the copies of shipped values

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Until 0002 the shipped default settings were copied into each file when it was created, so a later
release's dated values (new thresholds, new AGEC shares) never reached existing files. Settings are
now resolved when read from the catalogue shipped with the application (app.rules.settings_catalogue)
and the organisation's own choices. This migration deletes the copied defaults (rows without an
organisation) and the organisation rows that only repeat the shipped value in force on their date;
a town's real choices are kept. Nothing else changes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_SETTING = sa.table(
    "setting",
    sa.column("id", sa.Uuid()),
    sa.column("organisation_id", sa.Uuid()),
    sa.column("key", sa.String()),
    sa.column("value", sa.String()),
    sa.column("valid_from", sa.Date()),
)


def same_value(stored: str, shipped: str) -> bool:
    """``"0.4"`` and ``"0.40"``, ``"90000"`` and ``"90000.00"`` are the same value."""
    try:
        return Decimal(stored) == Decimal(shipped)
    except (InvalidOperation, ValueError):
        return stored.strip() == shipped.strip()


def upgrade() -> None:
    from app.rules.settings_catalogue import catalogue

    shipped = catalogue()
    bind = op.get_bind()
    bind.execute(sa.delete(_SETTING).where(_SETTING.c.organisation_id.is_(None)))
    rows = bind.execute(
        sa.select(_SETTING.c.id, _SETTING.c.key, _SETTING.c.value, _SETTING.c.valid_from).where(
            _SETTING.c.organisation_id.is_not(None)
        )
    ).all()
    repeated = []
    for row_id, key, value, valid_from in rows:
        day = valid_from if isinstance(valid_from, dt.date) else dt.date.fromisoformat(str(valid_from))
        in_force = shipped.shipped_value(key, day)
        if in_force is not None and same_value(value, in_force):
            repeated.append(row_id)
    for start in range(0, len(repeated), 500):
        bind.execute(sa.delete(_SETTING).where(_SETTING.c.id.in_(repeated[start : start + 500])))


def downgrade() -> None:
    """The copies are not restored (the schema itself is unchanged)."""
