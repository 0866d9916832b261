"""Session-level readers (DESIGN.md "Database access"): the only place besides ``app.storage`` that
builds ``select()`` for the features; services open one unit of work and compose these inside it."""
