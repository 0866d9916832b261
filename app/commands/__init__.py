"""Subcommands of the command line, one module each (see ``app.cli``)."""

# Order shown in ``achats-durables --help``. Each module defines ``register(subparsers)``.
COMMAND_MODULES = [
    "gui",
    "database",
    "demo",
    "selftest",
    "cotation",
    "report",
    "grouping",
    "importexport",
    "clauses",
    "facts",
    "agec",
    "merge",
]
