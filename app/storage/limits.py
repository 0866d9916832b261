"""How long a writer waits for another one before giving up, on a file or on a server: one value,
read by the SQLite engine (``busy_timeout``) and the PostgreSQL engine (``lock_timeout``)."""

BUSY_TIMEOUT_MS = 10_000
