"""The database file: engine and PRAGMAs, opening with checks, migrations, backups, units of work."""

from app.storage.database import (
    APPLICATION_ID,
    Database,
    create_database,
    create_database_with,
    open_database,
)

__all__ = ["APPLICATION_ID", "Database", "create_database", "create_database_with", "open_database"]
