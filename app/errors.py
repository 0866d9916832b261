"""Errors a user can cause, each with a French message.

Anything that is not a ``UserError`` is a bug: it is logged with its traceback and shown
as "erreur inattendue" with the log file's path.
"""

from __future__ import annotations


class UserError(Exception):
    """An error the user can understand and act on; ``message`` is French and complete."""

    def __init__(self, message: str, *, details: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class NotADatabase(UserError):
    """The file is not an Achats Durables database (text file, other program's SQLite, empty)."""


class DatabaseCorrupt(UserError):
    """SQLite reports damage in the file."""


class DatabaseTooNew(UserError):
    """The file was written by a newer version of the application."""


class DatabaseBusy(UserError):
    """Another workstation holds the write lock for too long."""


class DatabaseUnavailable(UserError):
    """The file or its folder cannot be reached, read or written (missing, read-only, share gone)."""


class UnsafeLocation(UserError):
    """The file sits where SQLite cannot be trusted (synced folder...)."""


class ConcurrentEdit(UserError):
    """The record was changed by someone else since it was loaded."""


class ValidationError(UserError):
    """A value entered by the user breaks a rule (SIRET checksum, end before start...)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ImportRejected(UserError):
    """A file to import cannot be read or holds invalid rows; ``problems`` lists them."""

    def __init__(self, message: str, *, problems: list | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class NotFound(UserError):
    """A record named by the user does not exist."""


class DatabaseReadOnly(DatabaseUnavailable):
    """The file is open read-only (no write permission on it or its folder): consulting works,
    saving does not."""


class InterruptedWrite(DatabaseUnavailable):
    """Another computer was interrupted while saving (its ``-journal`` is left beside the file) and
    this user cannot roll it back; the next opening by someone with write access repairs it."""
