"""insertion hours per contract and per year

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

The SPASER counts the hours of work done by people far from employment on the contracts with an
insertion clause (actions 8 and 9). The PLIE reports them per contract and per year; they get their
own table, one row per contract and year. Nothing else changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insertion_hours",
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("hours >= 0", name=op.f("ck_insertion_hours_hours_not_negative")),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"],
            name=op.f("fk_insertion_hours_contract_id_contract"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insertion_hours")),
        sa.UniqueConstraint("contract_id", "year", name=op.f("uq_insertion_hours_contract_id_year")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("insertion_hours")
