"""Schema versions: which revision a file is at, and upgrading it to ours.

Alembic is imported only when a file must actually be migrated or created (it costs ~0.3 s);
opening an up-to-date file reads ``alembic_version`` directly and compares it with ``HEAD``.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest revision this version of the application knows. A test checks it equals Alembic's head.
HEAD = "0006"


def known_revisions() -> set[str]:
    """Revision ids shipped with this version (file names start with the id)."""
    return {
        p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("*.py") if p.name[0].isdigit()
    }


def alembic_config():  # noqa: ANN201 - alembic type imported lazily
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def script_head() -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads: {heads}")
    return heads[0]


def upgrade(connection: Connection, target: str = "head") -> None:
    """Run pending revisions on ``connection`` inside the caller's transaction."""
    from alembic import command

    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, target)
