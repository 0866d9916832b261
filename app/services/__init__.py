"""Use cases called by the GUI and the CLI: each takes a ``Database`` and returns plain results."""
