"""sharing: presence and one-writer lease, tombstones of deleted rows, merge base

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Three new tables and, on every table that existed at 0004, a trigger that records each deleted
row (cascaded deletions included) in ``tombstone``, so that ``merge`` carries deletions from one
town's copy to another's. The trigger uses only plain SQL (allowed with ``trusted_schema=OFF``) on
SQLite and a PL/pgSQL function on PostgreSQL. Nothing else changes. A later batch migration that
rebuilds one of these tables must create its trigger again (``create_tombstone_trigger``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = (
    "audit_entry", "emission_factor", "organisation", "supplier", "clause", "committee", "delivery_site",
    "department", "grouping_plan", "import_batch", "purchase_family", "purchasing_group", "setting",
    "committee_member", "contract", "amendment", "assessment", "committee_decision", "contract_clause",
    "grouped_order", "insertion_hours", "lot", "purchase_order", "purchasing_group_member",
    "assessment_lever", "grouped_order_item",
)  # fmt: skip

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION achats_tombstone() RETURNS trigger AS $$
BEGIN
    INSERT INTO tombstone (row_id, entity, version, deleted_at)
    VALUES (OLD.id, TG_TABLE_NAME, OLD.version, date_trunc('second', now() AT TIME ZONE 'utc'))
    ON CONFLICT (row_id) DO UPDATE SET version = EXCLUDED.version, deleted_at = EXCLUDED.deleted_at;
    RETURN OLD;
END
$$ LANGUAGE plpgsql
"""


def create_tombstone_trigger(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER tombstone_{table} AFTER DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION achats_tombstone()"
        )
    else:
        op.execute(
            f"CREATE TRIGGER tombstone_{table} AFTER DELETE ON {table} BEGIN "
            "INSERT OR REPLACE INTO tombstone (row_id, entity, version, deleted_at) "
            f"VALUES (old.id, '{table}', old.version, CURRENT_TIMESTAMP); END"
        )


def upgrade() -> None:
    op.create_table(
        "tombstone",
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_tombstone")),
    )
    op.create_table(
        "merge_base",
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_merge_base")),
    )
    op.create_table(
        "presence",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_name", sa.String(length=120), nullable=False),
        sa.Column("workstation", sa.String(length=120), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=False),
        sa.Column("writer", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_presence")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
    for table in TABLES:
        create_tombstone_trigger(table)


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS tombstone_{table}" + (
            f" ON {table}" if op.get_bind().dialect.name == "postgresql" else ""
        ))
    op.drop_table("presence")
    op.drop_table("merge_base")
    op.drop_table("tombstone")
