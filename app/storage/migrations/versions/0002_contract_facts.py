"""contract facts may be unknown; fact sources; import batches

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

A town's register does not always say a contract's nature, procedure, recurrence or renewal:
these become nullable (unknown is not false). Existing values are kept as they are. Each contract
records where its facts came from, and each import is recorded so that it can be undone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_NATURE = sa.Enum(
    "supplies", "services", "works", name="purchasenature", native_enum=False, create_constraint=True, length=32
)
_PROCEDURE = sa.Enum(
    "adapted", "open_tender", "restricted_tender", "negotiated", "no_publicity", "competitive_dialogue",
    name="procedure", native_enum=False, create_constraint=True, length=32,
)


def upgrade() -> None:
    op.create_table(
        "import_batch",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=260), nullable=False),
        sa.Column("user_name", sa.String(length=120), nullable=False),
        sa.Column("created_count", sa.Integer(), nullable=False),
        sa.Column("updated_count", sa.Integer(), nullable=False),
        sa.Column("undo", sa.JSON(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"],
            name=op.f("fk_import_batch_organisation_id_organisation"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index("ix_import_batch_org", ["organisation_id", "created_at"], unique=False)

    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fact_sources", sa.JSON(), nullable=True))
    op.execute("UPDATE contract SET fact_sources = '{}'")
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.alter_column("fact_sources", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("nature", existing_type=_NATURE, nullable=True)
        batch_op.alter_column("procedure", existing_type=_PROCEDURE, nullable=True)
        batch_op.alter_column("renewable", existing_type=sa.Boolean(), nullable=True)
        batch_op.alter_column("recurrent", existing_type=sa.Boolean(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_column("fact_sources")
    op.drop_table("import_batch")
